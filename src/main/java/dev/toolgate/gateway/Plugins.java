package dev.toolgate.gateway;

import dev.toolgate.config.ConfigLoader;
import dev.toolgate.config.ConfigReport;
import dev.toolgate.config.DeclarativeConfig;
import dev.toolgate.config.Plugin;
import dev.toolgate.config.PluginSchema;
import dev.toolgate.http.Published;
import dev.toolgate.http.PublishedByHost;
import dev.toolgate.mode.AiMcpProxySchema;
import dev.toolgate.observe.filelog.FileLogPlugin;
import dev.toolgate.observe.httplog.HttpLogPlugin;
import dev.toolgate.observe.otel.OpenTelemetryPlugin;
import dev.toolgate.observe.prometheus.PrometheusPlugin;
import dev.toolgate.pipeline.PluginScope;
import dev.toolgate.pipeline.PolicyChain;
import dev.toolgate.pipeline.PolicyPlugin;
import dev.toolgate.pipeline.Provisioning;
import dev.toolgate.policy.acl.AclPlugin;
import dev.toolgate.policy.cors.CorsPlugin;
import dev.toolgate.policy.jwt.JwtPlugin;
import dev.toolgate.policy.iprestriction.IpRestrictionPlugin;
import dev.toolgate.policy.requesttransformer.RequestTransformerPlugin;
import dev.toolgate.policy.responsetransformer.ResponseTransformerPlugin;
import dev.toolgate.policy.sizelimit.RequestSizeLimitingPlugin;
import dev.toolgate.policy.keyauth.KeyAuthPlugin;
import dev.toolgate.policy.ratelimit.RateLimitingPlugin;
import dev.toolgate.policy.oauth2.OAuth2Plugin;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * The plugins Toolgate implements: {@code ai-mcp-proxy} (the modes) and the policies that run in
 * the pipeline. The list's order means nothing; {@code PolicyOrder} orders them.
 */
final class Plugins {

    private static final List<PolicyPlugin> POLICIES = List.of(new CorsPlugin(), new KeyAuthPlugin(), new AclPlugin(),
            new IpRestrictionPlugin(), new RequestSizeLimitingPlugin(), new RequestTransformerPlugin(),
            new ResponseTransformerPlugin(), new RateLimitingPlugin(), new OAuth2Plugin(), new JwtPlugin(),
            new PrometheusPlugin(), new OpenTelemetryPlugin(), new HttpLogPlugin(), new FileLogPlugin());

    private Plugins() {
    }

    /** A loader that knows every plugin's schema. */
    static ConfigLoader loader(UnaryOperator<String> environment) {
        List<PluginSchema> schemas = new ArrayList<>();
        schemas.add(new AiMcpProxySchema());
        POLICIES.forEach(p -> schemas.add(p.schema()));
        return new ConfigLoader(schemas, environment);
    }

    /**
     * Credentials that no configured plugin reads are not checked by anything: say so, since the
     * operator surely meant them to be (a route without key-auth is open whatever keys are on file).
     */
    static void warnAboutUnreadCredentials(DeclarativeConfig config, ConfigReport report) {
        java.util.Set<String> enabled = new java.util.HashSet<>();
        config.plugins().stream().filter(Plugin::enabled).forEach(p -> enabled.add(p.name()));
        for (var consumer : config.consumers()) {
            if (!consumer.keyauthCredentials().isEmpty() && !enabled.contains("key-auth")) {
                report.warning(consumer.source() + ".keyauth_credentials", "no key-auth plugin is configured: these keys are never checked");
            }
            if (!consumer.jwtSecrets().isEmpty() && !enabled.contains("jwt")) {
                report.warning(consumer.source() + ".jwt_secrets", "no jwt plugin is configured: these secrets are never checked");
            }
            if (!consumer.basicauthCredentials().isEmpty()) {
                report.warning(consumer.source() + ".basicauth_credentials",
                        "Toolgate does not implement basic-auth: these credentials are never checked");
            }
        }
    }

    /**
     * The documents the provisioned policies publish (OAuth Protected Resource Metadata), by path. Different
     * documents at one path are answered by the request's host (a {@code trustedProxy}'s {@code X-Forwarded-Host})
     * when each names a host of its own
     * ({@link PublishedByHost}); else they are a problem: which one a client got would depend on nothing it sent.
     */
    static Map<String, Published> published(Map<String, List<PolicyChain.Configured>> policies, ConfigReport report,
                                            java.util.function.Predicate<String> trustedProxy) {
        Map<String, List<Published>> byPath = new LinkedHashMap<>();
        policies.values().forEach(instances -> instances.forEach(instance -> {
            if (instance.policy() instanceof Published.Source source) {
                source.published().forEach((path, document) -> {
                    List<Published> at = byPath.computeIfAbsent(path, p -> new ArrayList<>());
                    if (!at.contains(document)) {
                        at.add(document);
                    }
                });
            }
        }));
        Map<String, Published> published = new HashMap<>();
        byPath.forEach((path, documents) -> {
            if (documents.size() == 1) {
                published.put(path, documents.getFirst());
                return;
            }
            Map<String, Published> byHost = new HashMap<>();
            for (Published document : documents) {
                if (document.host() == null || byHost.putIfAbsent(document.host(), document) != null) {
                    report.problem("plugins", "two plugins publish different documents at " + path + " for "
                            + (document.host() == null ? "the same host" : document.host())
                            + ": give each ai-mcp-oauth2 plugin its own resource (another path or another host)");
                    return;
                }
            }
            published.put(path, new PublishedByHost(byHost, trustedProxy));
        });
        return published;
    }

    /** Every enabled policy instance of a document, provisioned, by plugin name. */
    static Map<String, List<PolicyChain.Configured>> provision(Provisioning provisioning) {
        DeclarativeConfig config = provisioning.config();
        Map<String, PolicyPlugin> byName = POLICIES.stream()
                .collect(Collectors.toMap(p -> p.schema().name(), Function.identity()));
        Map<String, String> groupNames = new HashMap<>();
        config.consumerGroups().forEach(g -> groupNames.put(g.id(), g.name()));
        Map<String, List<PolicyChain.Configured>> instances = new LinkedHashMap<>();
        for (Plugin plugin : config.plugins()) {
            PolicyPlugin kind = byName.get(plugin.name());
            if (kind == null || !plugin.enabled() || plugin.config() == null) {
                continue;
            }
            ConfigReport report = provisioning.report();
            int before = report.problems().size();
            var policy = kind.provision(plugin, provisioning);
            var upstream = kind.upstream(plugin, provisioning);
            var logger = kind.logger(plugin, provisioning);
            if ((policy != null || upstream != null || logger != null) && report.problems().size() == before) {
                instances.computeIfAbsent(plugin.name(), n -> new ArrayList<>()).add(new PolicyChain.Configured(
                        PluginScope.of(plugin, groupNames.get(plugin.consumerGroupId())), policy, upstream, logger));
            }
        }
        return instances;
    }
}
