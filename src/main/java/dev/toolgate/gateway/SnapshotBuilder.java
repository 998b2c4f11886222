package dev.toolgate.gateway;

import dev.toolgate.cluster.Cluster;
import dev.toolgate.config.ConfigContext;
import dev.toolgate.config.ConfigInput;
import dev.toolgate.config.ConfigLoader;
import dev.toolgate.config.ConfigReport;
import dev.toolgate.config.InvalidConfigException;
import dev.toolgate.config.DeclarativeConfig;
import dev.toolgate.config.Plugin;
import dev.toolgate.config.Route;
import dev.toolgate.config.Service;
import dev.toolgate.http.ClientAddresses;
import dev.toolgate.http.OriginPolicy;
import dev.toolgate.http.RouteHandler;
import dev.toolgate.http.Router;
import dev.toolgate.mode.AiMcpProxyConfig;
import dev.toolgate.http.UpstreamClient;
import dev.toolgate.http.UpstreamTarget;
import dev.toolgate.mode.LoggingSettings;
import dev.toolgate.mode.Mode;
import dev.toolgate.mode.RouteRuntime;
import dev.toolgate.mode.conversion.McpServerEndpoint;
import dev.toolgate.mode.conversion.ToolViews;
import dev.toolgate.mode.passthrough.PassthroughProxy;
import dev.toolgate.mode.passthrough.EraBridges;
import dev.toolgate.observe.MessageTap;
import dev.toolgate.openapi.OpenApiDocument;
import dev.toolgate.mode.conversion.Sessions;
import dev.toolgate.mode.conversion.ToolCatalog;
import dev.toolgate.mode.conversion.OwningRoutes;
import dev.toolgate.mode.conversion.ToolInvoker;
import dev.toolgate.mode.conversion.Tool;
import dev.toolgate.mode.conversion.ToolSet;
import dev.toolgate.observe.Origin;
import dev.toolgate.observe.Redaction;
import dev.toolgate.observe.Telemetry;
import dev.toolgate.pipeline.Consumers;
import dev.toolgate.pipeline.ObservedRoute;
import dev.toolgate.pipeline.PolicyChain;
import dev.toolgate.pipeline.PolicyGate;
import dev.toolgate.pipeline.Provisioning;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Provisions a validated document into a {@link Snapshot}: compiles each conversion plugin's tools,
 * builds each route's handler, and reports what only shows up now (tool paths outside the route,
 * duplicate tool names, invalid schemas) with the same paths as the validator.
 */
final class SnapshotBuilder {

    private final ConfigLoader loader;
    private final Sessions sessions;
    private final Cluster cluster;
    private final Supplier<UpstreamClient> upstream;
    private final MessageTap tap;
    private final EraBridges bridges;
    private final String version;
    private final ClientAddresses addresses;
    private final ConfigInput input;
    private final Telemetry telemetry;

    /**
     * {@code sessions}, {@code upstream}, {@code tap} and {@code telemetry} are null when the snapshot only
     * validates (never serves).
     */
    SnapshotBuilder(ConfigLoader loader, Sessions sessions, Cluster cluster, Supplier<UpstreamClient> upstream,
                    MessageTap tap, EraBridges bridges, String version, ClientAddresses addresses, ConfigInput input,
                    Telemetry telemetry) {
        this.bridges = bridges;
        this.telemetry = telemetry;
        this.loader = loader;
        this.sessions = sessions;
        this.cluster = cluster;
        this.upstream = upstream;
        this.tap = tap;
        this.version = version;
        this.addresses = addresses;
        this.input = input;
    }

    /**
     * Reads, validates and provisions a document.
     *
     * @throws InvalidConfigException with every problem found, in reading and in provisioning
     */
    Snapshot load(byte[] document, Path baseDirectory, ConfigReport report) {
        DeclarativeConfig config = loader.read(document, new ConfigContext(baseDirectory, input), report);
        Snapshot snapshot = config == null ? null : buildReported(config, report, baseDirectory);
        report.throwIfProblems();
        return snapshot;
    }

    /**
     * Builds even a document the reader found wrong, so that provisioning problems (a tool that does not
     * compile) are reported in the same round; but what such a document answers is its problem list:
     * an exception its inconsistencies cause here (whose message may quote its entities, resolved
     * secrets included) never replaces it.
     */
    private Snapshot buildReported(DeclarativeConfig config, ConfigReport report, Path baseDirectory) {
        try {
            return build(config, report, baseDirectory);
        } catch (RuntimeException e) {
            if (!report.hasProblems()) {
                throw e;
            }
            return null;
        }
    }

    Snapshot build(DeclarativeConfig config, ConfigReport report, Path baseDirectory) {
        List<Route> active = config.routes().stream()
                .filter(r -> config.service(r.serviceId()).map(Service::enabled).orElse(true))
                .toList();
        ToolCatalog catalog = new ToolCatalog();
        for (Plugin plugin : config.plugins()) {
            if (plugin.enabled() && plugin.config() instanceof AiMcpProxyConfig proxy && proxy.mode() != null
                    && proxy.mode().converts() && active.stream().anyMatch(r -> r.id().equals(plugin.routeId()))) {
                Route route = config.route(plugin.routeId()).orElseThrow();
                Service service = config.service(route.serviceId()).orElse(null);
                catalog.add(plugin, ConversionTools.compile(plugin, proxy, route, service,
                        new OpenApiDocument.Access(baseDirectory, input.specsOutsideConfigDir()), report), report);
            }
        }
        Provisioning provisioning = new Provisioning(config, new Consumers(config), report, cluster.clock(),
                cluster, telemetry);
        Map<String, List<PolicyChain.Configured>> policies = Plugins.provision(provisioning);
        Plugins.warnAboutUnreadCredentials(config, report);
        Map<String, PolicyChain> chains = new HashMap<>();
        Map<String, Route> routes = new HashMap<>();
        for (Route route : active) {
            chains.put(route.id(), PolicyChain.of(route.id(), route.serviceId(), policies));
            routes.put(route.id(), route);
        }
        // the passthrough routes built below name their servers anew: a route this build serves otherwise names none
        bridges.building();
        Endpoints endpoints = new Endpoints(sessions, cluster, upstream.get(), tap, bridges, version, routes, chains);
        Map<String, RouteHandler> handlers = new HashMap<>();
        Map<String, ToolSet> toolSets = new LinkedHashMap<>();
        Map<String, String> listVersions = new HashMap<>();
        Map<String, RouteRuntime> runtimes = new HashMap<>();
        Function<Route, RouteRuntime> runtimeOf = RouteRuntime.of(config);
        ListVersions versions = new ListVersions(config);
        Map<String, LoggingSettings> logging = new HashMap<>();
        Set<String> listened = new HashSet<>();
        for (Route route : active) {
            PolicyChain chain = chains.get(route.id());
            Optional<Plugin> plugin = effectivePlugin(config, route);
            if (plugin.isEmpty() || !(plugin.get().config() instanceof AiMcpProxyConfig proxy)) {
                continue;
            }
            RouteRuntime runtime = runtimeOf.apply(route);
            if (proxy.mode() == Mode.PASSTHROUGH_LISTENER) {
                logging.put(route.id(), proxy.logging());
                config.service(route.serviceId()).ifPresent(service -> {
                    handlers.put(route.id(), new PolicyGate(chain,
                            endpoints.passthrough(route, service, proxy, runtime, report, plugin.get()), addresses,
                            observed(config, route, proxy, chain.credentialNames())));
                    runtimes.put(route.id(), runtime);
                });
                continue;
            }
            ToolSet tools = switch (proxy.mode()) {
                case CONVERSION_LISTENER -> catalog.of(plugin.get());
                // a missing tag is already a reported problem
                case LISTENER -> proxy.server().tag() == null ? null : catalog.bound(proxy.server().tag(), proxy, route.label(), report);
                case CONVERSION_ONLY, PASSTHROUGH_LISTENER -> null;
            };
            if (proxy.mode() == Mode.LISTENER && proxy.server().tag() != null) {
                listened.add(proxy.server().tag());
                catalog.warnIfNoneTagged(proxy.server().tag(), plugin.get(), route.label(), report);
            }
            if (tools != null) {
                // a listener logs its tool sets' calls as each of them asks too
                AiMcpProxyConfig serving = proxy.mode() != Mode.LISTENER ? proxy
                        : proxy.withLogging(catalog.logging(proxy.server().tag(), proxy.logging()));
                toolSets.put(route.id(), tools);
                listVersions.put(route.id(), versions.of(route, serving, tools));
                runtimes.put(route.id(), runtime);
                logging.put(route.id(), serving.logging());
                handlers.put(route.id(), new PolicyGate(chain,
                        endpoints.conversion(route, serving, tools, runtime, report, plugin.get()), addresses,
                        observed(config, route, serving, OwningRoutes.credentialNames(chain, tools, chains))));
            }
        }
        catalog.warnUnserved(listened, report);
        return new Snapshot(config, new Router(active), handlers, toolSets, listVersions, runtimes, logging, Plugins.published(policies, report, addresses::isTrusted),
                report.warnings(), Instant.now());
    }

    /** What the route's exchanges report to; null when the snapshot only validates. */
    private ObservedRoute observed(DeclarativeConfig config, Route route, AiMcpProxyConfig proxy,
                                   Set<String> credentialNames) {
        if (telemetry == null) {
            return null;
        }
        Service service = config.service(route.serviceId()).orElse(null);
        var facts = new Origin.RouteFacts(route.id(), route.label(), service == null ? null : service.id(),
                // Kong's exporter labels a service without a name by its host (a generated id means nothing on a graph)
                service == null ? null : service.name() != null ? service.name() : service.host(), proxy.mode().kongName(),
                proxy.logging().logStatistics(), proxy.logging().logPayloads(), proxy.logging().logAudits());
        return new ObservedRoute(facts, telemetry.global(),
                new Redaction(config.referenceBySecret(), credentialNames), service == null ? null : service.path(),
                telemetry.building());
    }

    /**
     * The ai-mcp-proxy plugin that decides what a route serves, by Kong's precedence: the route's plugin
     * (on the route and its service before the route alone) wins over its service's, which wins over a
     * global one; a route has one service, so these two levels answer the same requests, and on them a
     * listening mode wins over conversion-only (a route may carry both). A plugin on the route and another
     * service never applies, as in Kong.
     */
    static Optional<Plugin> effectivePlugin(DeclarativeConfig config, Route route) {
        return config.plugins().stream()
                .filter(p -> p.enabled() && p.config() instanceof AiMcpProxyConfig proxy && proxy.mode() != null)
                .filter(p -> p.consumerId() == null && p.consumerGroupId() == null
                        && (p.routeId() == null || p.routeId().equals(route.id()))
                        && (p.serviceId() == null || p.serviceId().equals(route.serviceId())))
                .min(Comparator.comparingInt((Plugin p) -> p.routeId() != null ? 0 : p.serviceId() != null ? 1 : 2)
                        .thenComparing(p -> ((AiMcpProxyConfig) p.config()).mode().listens() ? 0 : 1)
                        .thenComparing(p -> p.serviceId() != null ? 0 : 1));
    }
}
