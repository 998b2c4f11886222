package dev.toolgate.gateway;

import dev.toolgate.cluster.Cluster;
import dev.toolgate.config.ConfigReport;
import dev.toolgate.config.Plugin;
import dev.toolgate.config.Route;
import dev.toolgate.config.Service;
import dev.toolgate.http.OriginPolicy;
import dev.toolgate.http.UpstreamClient;
import dev.toolgate.http.UpstreamTarget;
import dev.toolgate.mode.AiMcpProxyConfig;
import dev.toolgate.mode.Mode;
import dev.toolgate.mode.RouteRuntime;
import dev.toolgate.mode.SessionSettings;
import dev.toolgate.mode.ToolLimitSettings;
import dev.toolgate.mode.ToolSpec;
import dev.toolgate.mode.limit.ToolLimits;
import dev.toolgate.mcp.SessionStore;
import dev.toolgate.pipeline.MessagePolicy;
import dev.toolgate.mode.acl.AuditLog;
import dev.toolgate.mode.acl.SubjectRules;
import dev.toolgate.mode.acl.ToolAccess;
import dev.toolgate.mode.acl.ToolAcl;
import dev.toolgate.mode.conversion.HiddenTools;
import dev.toolgate.mode.conversion.McpServerEndpoint;
import dev.toolgate.mode.conversion.OwningRoutes;
import dev.toolgate.mode.conversion.Sessions;
import dev.toolgate.mode.conversion.Tool;
import dev.toolgate.mode.conversion.ToolInvoker;
import dev.toolgate.mode.conversion.ToolSet;
import dev.toolgate.mode.conversion.ToolView;
import dev.toolgate.mode.conversion.ToolViews;
import dev.toolgate.mode.passthrough.PassthroughProxy;
import dev.toolgate.mode.passthrough.EraBridges;
import dev.toolgate.observe.MessageTap;
import dev.toolgate.pipeline.PolicyChain;
import dev.toolgate.pipeline.PolicyOrder;

import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Builds what an MCP route serves: the mode's endpoint, with the tool ACLs of its plugins, replaying
 * a listener's calls through the routes that own its tools. Also checks what only shows up with the
 * route's policies in view (claim ACLs with nothing that reads tokens, ACLs with nobody identified).
 */
final class Endpoints {

    private final Sessions sessions;
    private final Cluster cluster;
    private final UpstreamClient client;
    private final MessageTap tap;
    private final EraBridges bridges;
    private final String version;
    private final Map<String, Route> routes;
    private final Map<String, PolicyChain> chains;

    /** {@code client} is null when the snapshot only validates. */
    Endpoints(Sessions sessions, Cluster cluster, UpstreamClient client, MessageTap tap, EraBridges bridges,
              String version, Map<String, Route> routes, Map<String, PolicyChain> chains) {
        this.bridges = bridges;
        this.sessions = sessions;
        this.cluster = cluster;
        this.client = client;
        this.tap = tap;
        this.version = version;
        this.routes = Map.copyOf(routes);
        this.chains = Map.copyOf(chains);
    }

    /** A conversion-listener's or a listener's endpoint over {@code tools}, on a route that runs as {@code runtime}. */
    McpServerEndpoint conversion(Route route, AiMcpProxyConfig proxy, ToolSet tools, RouteRuntime runtime,
                                 ConfigReport report, Plugin plugin) {
        SessionSettings session = proxy.server().session();
        ToolAccess access = conversionAccess(route, proxy, tools);
        Predicate<Tool> elsewhere = tool -> OwningRoutes.ownedElsewhere(tool, route.id());
        OwningRoutes owners = new OwningRoutes(route.id(), routes, chains, conversionLimits(tools, elsewhere));
        boolean ownersJudge = owners.judgeCallers(tools);
        // who asks changes the list: tool ACLs, or owners judging callers the listener or their own local
        // authentication tells apart, or addresses
        boolean perCaller = access.restricts() || ownersJudge && (authenticates(route) || owners.judgeAddresses(tools)
                || owners.identifyCallers(tools));
        var settings = new McpServerEndpoint.Settings(route.id(), route.label(),
                new OriginPolicy(proxy.server().allowedOrigins()), proxy.effectiveBodyLimit(),
                session.sessionTtlSeconds(), session.managed(), version, cluster.clock(),
                proxy.server().cacheHints().ttlMs(),
                cacheScope(route, proxy, perCaller, report, plugin), runtime);
        ToolInvoker invoker = client == null ? null : new ToolInvoker(client, owners, owners.credentialNames(tools),
                owners.credentialCookies(tools));
        SessionStore store = sessions == null || !session.managed() ? null
                : cluster.sessions(session.strategy(), session.clientSecrets(), session.redis(), session.sessionTtlSeconds());
        MessagePolicy limits = MessagePolicy.then(conversionLimits(tools, elsewhere.negate()),
                listenerLimits(route, proxy, tools));
        if (!access.restricts() && !ownersJudge) {
            return new McpServerEndpoint(settings, tools, invoker, sessions, store, limits, ToolViews.ALL, false,
                    exchange -> false);
        }
        if (access.restricts()) {
            check(route, proxy, report, plugin);
        }
        ToolViews views = exchange -> {
            BitSet visible = access.restricts() ? (BitSet) access.visible(exchange).clone() : everyTool(tools);
            if (ownersJudge) {
                owners.hideRefused(tools, exchange, visible);
            }
            return visible.cardinality() == tools.size() ? ToolView.ALL : new ToolView(visible);
        };
        // a tool the list hides from the caller answers as a name the endpoint does not serve
        MessagePolicy hidden = ownersJudge ? new HiddenTools(tools, owners,
                access.restricts() ? access::asUnlisted : HiddenTools::unknownTool) : null;
        return new McpServerEndpoint(settings, tools, invoker, sessions, store,
                MessagePolicy.then(hidden, access.restricts() ? MessagePolicy.then(access, limits) : limits), views,
                access.restricts(),
                access.restricts() ? access::refusesOutright : exchange -> false);
    }

    private static BitSet everyTool(ToolSet tools) {
        BitSet all = new BitSet(tools.size());
        all.set(0, tools.size());
        return all;
    }

    /**
     * The {@code cacheScope} of a route's 2026-07-28 tool lists ({@code server.cache_hints.scope}).
     * Fail closed: {@code public} on a list filtered per caller (tool ACLs, the owning routes' acl or
     * ip-restriction) is refused.
     */
    String cacheScope(Route route, AiMcpProxyConfig proxy, boolean perCaller, ConfigReport report, Plugin plugin) {
        if (perCaller && "public".equals(proxy.server().cacheHints().scope())) {
            report.problem(plugin.source() + ".config.server.cache_hints.scope", "route '" + route.label()
                    + "' filters its tool list per caller (tool ACLs, or an acl or ip-restriction on a route that owns "
                    + "its tools): a public list could be shared across callers by a cache; use auto or private");
        }
        return proxy.server().cacheHints().scopeFor(perCaller, authenticates(route));
    }

    /** True when an authentication plugin applies to the route (its callers may differ). */
    private boolean authenticates(Route route) {
        return chains.getOrDefault(route.id(), PolicyChain.EMPTY).plugins().stream()
                .anyMatch(PolicyOrder.AUTHENTICATION::contains);
    }

    /**
     * The per-tool limits of the tools an endpoint serves that {@code counted} selects (each as its defining plugin
     * says), or null for none. Those another route owns are counted where the owning route's replay has found the
     * caller ({@code OwningRoutes.admit}), the others among the endpoint's message policies.
     */
    private ToolLimits conversionLimits(ToolSet tools, Predicate<Tool> counted) {
        Map<String, ToolLimits.Scoped> limited = new HashMap<>();
        for (Tool tool : tools.tools()) {
            if (tool.limit() != null && counted.test(tool)) {
                limited.put(tool.name(), new ToolLimits.Scoped(tool.limit(), tool.routeId()));
            }
        }
        return limited.isEmpty() ? null : new ToolLimits(limited, null, cluster);
    }

    /**
     * A listener's {@code tool_limits}, on every tool it serves, counted for this route and the caller it finds: a
     * call must be within them and within the tool's own limit (its tool set's, counted for the caller the owning
     * route finds). Null when it sets none.
     */
    private ToolLimits listenerLimits(Route route, AiMcpProxyConfig proxy, ToolSet tools) {
        ToolLimitSettings.ToolLimit limit = proxy.mode() == Mode.LISTENER ? proxy.toolLimits().of(null) : null;
        if (limit == null) {
            return null;
        }
        Map<String, ToolLimits.Scoped> limited = new HashMap<>();
        tools.tools().forEach(tool -> limited.put(tool.name(), new ToolLimits.Scoped(limit, route.id())));
        return new ToolLimits(limited, null, cluster);
    }

    /** The per-tool limits of a passthrough route: the tools it names, and its default for the others. */
    private ToolLimits passthroughLimits(Route route, AiMcpProxyConfig proxy) {
        Map<String, ToolLimits.Scoped> limited = new HashMap<>();
        for (ToolSpec spec : proxy.tools()) {
            ToolLimitSettings.ToolLimit limit = proxy.toolLimits().of(spec.limit());
            if (spec.name() != null && limit != null) {
                limited.put(spec.name(), new ToolLimits.Scoped(limit, route.id()));
            }
        }
        ToolLimitSettings.ToolLimit fallback = proxy.toolLimits().of(null);
        return limited.isEmpty() && fallback == null ? null : new ToolLimits(limited,
                fallback == null ? null : new ToolLimits.Scoped(fallback, route.id()), cluster);
    }

    /** A passthrough-listener's proxy, with the ACLs its {@code tools[]} name. */
    PassthroughProxy passthrough(Route route, Service service, AiMcpProxyConfig proxy, RouteRuntime runtime,
                                 ConfigReport report, Plugin plugin) {
        ToolAccess access = passthroughAccess(route, proxy);
        if (access.restricts()) {
            check(route, proxy, report, plugin);
        }
        PolicyChain chain = chains.getOrDefault(route.id(), PolicyChain.EMPTY);
        chain.allUpstream().stream().flatMap(u -> u.rewritesMessages().stream()).distinct()
                .forEach(rule -> report.problem(rule.path(), "route '" + route.label()
                        + "' is a passthrough-listener: " + rule.message()));
        ToolAccess restricting = access.restricts() ? access : null;
        SessionSettings session = proxy.server().session();
        // a bridged call waiting for the client's input is kept as the route's sessions would be
        SessionStore rounds = cluster.sessions(session.strategy(), session.clientSecrets(), session.redis(),
                session.sessionTtlSeconds());
        var eras = new PassthroughProxy.Eras(route.id(), runtime, proxy.server().upstreamEra(), EraBridges.endpoint(route.id()), rounds,
                cluster.clock(), proxy.server().cacheHints().ttlMs(),
                cacheScope(route, proxy, access.restricts(), report, plugin), session.sessionTtlSeconds(), bridges,
                // kept in this process alone, a binding would be unknown to the instance a balancer sends the next
                // request to: passthrough needed no shared state before, and must not start needing it unasked
                session.strategy() != null);
        return new PassthroughProxy(new PassthroughProxy.Settings(route.label(), UpstreamTarget.of(service),
                service.path(), route.stripPath(), route.pathHandling(), route.preserveHost(),
                new OriginPolicy(proxy.server().allowedOrigins()), proxy.effectiveBodyLimit(),
                proxy.tools().stream().map(ToolSpec::name).filter(java.util.Objects::nonNull).toList()), client, tap,
                restricting, MessagePolicy.then(restricting, passthroughLimits(route, proxy)), chain, eras,
                sessions == null ? null : sessions.clientStreams());
    }

    private static ToolAccess conversionAccess(Route route, AiMcpProxyConfig serving, ToolSet tools) {
        List<ToolAcl> acls = tools.tools().stream().map(Tool::acl)
                .map(a -> a.open() ? a : a.countingGroups(serving.includeConsumerGroups()))
                .toList();
        ToolAcl defaults = ToolAcl.of(null, serving.defaultAcl(), serving.includeConsumerGroups());
        return new ToolAccess(tools.tools().stream().map(Tool::name).toList(), acls, null, defaults,
                SubjectRules.of(serving), audit(route, serving), serving.deniesAsUnknownTool());
    }

    private static ToolAccess passthroughAccess(Route route, AiMcpProxyConfig proxy) {
        List<ToolSpec> named = proxy.tools().stream().filter(t -> t.name() != null).toList();
        ToolAcl defaults = ToolAcl.of(null, proxy.defaultAcl(), proxy.includeConsumerGroups());
        return new ToolAccess(named.stream().map(ToolSpec::name).toList(),
                named.stream().map(t -> ToolAcl.of(t.acl(), proxy.defaultAcl(), proxy.includeConsumerGroups())).toList(),
                defaults, defaults, SubjectRules.of(proxy), audit(route, proxy), proxy.deniesAsUnknownTool());
    }

    private static AuditLog audit(Route route, AiMcpProxyConfig proxy) {
        return proxy.logging().logAudits() ? new AuditLog(route.label()) : null;
    }

    /** Fail closed: claim ACLs need a plugin that reads tokens; consumer ACLs without authentication deny everyone. */
    private void check(Route route, AiMcpProxyConfig proxy, ConfigReport report, Plugin plugin) {
        List<String> running = chains.getOrDefault(route.id(), PolicyChain.EMPTY).plugins();
        boolean authenticates = authenticates(route);
        if (SubjectRules.of(proxy).byClaim() && running.stream().noneMatch(p -> p.equals("jwt") || p.equals("ai-mcp-oauth2"))) {
            report.problem(plugin.source() + ".config.acl_attribute_type", "oauth_access_token ACLs read the "
                    + "caller's access token, but no jwt or ai-mcp-oauth2 plugin applies to route '" + route.label()
                    + "': add one, or the ACLs could not be evaluated");
        } else if (!authenticates) {
            report.warning(plugin.source() + ".config", "tool ACLs apply on route '" + route.label() + "', but no "
                    + "authentication plugin (key-auth, jwt, ai-mcp-oauth2) does: no caller is identified, so the "
                    + "ACLs refuse every caller");
        }
    }
}
