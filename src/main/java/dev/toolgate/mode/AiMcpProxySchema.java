package dev.toolgate.mode;

import dev.toolgate.config.ConfigContext;
import dev.toolgate.config.ConfigNode;
import dev.toolgate.config.ConfigReport;
import dev.toolgate.config.DeclarativeConfig;
import dev.toolgate.config.Plugin;
import dev.toolgate.config.PluginSchema;
import dev.toolgate.config.PluginSettings;
import dev.toolgate.config.Route;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reads and checks {@code ai-mcp-proxy} plugins. */
public final class AiMcpProxySchema implements PluginSchema {

    public static final String NAME = "ai-mcp-proxy";

    @Override
    public String name() {
        return NAME;
    }

    /**
     * Several {@code conversion-only} tool sets may share a route, told apart by {@code instance_name}; a
     * listening mode may not: the route serves one endpoint, and a second one would be ignored unseen.
     */
    @Override
    public boolean severalPerScope(PluginSettings settings) {
        return !(settings instanceof AiMcpProxyConfig config) || config.mode() == null || !config.mode().listens();
    }

    @Override
    public PluginSettings read(ConfigNode node, ConfigContext context) {
        String modeName = node.oneOf("mode", null, Mode.kongNames());
        if (modeName == null && !node.has("mode")) {
            node.problem("mode", "is required (one of " + String.join(", ", Mode.kongNames()) + ")");
        }
        Mode mode = Mode.ofKongName(modeName);
        List<ToolSpec> tools = node.objects("tools").stream().map(ToolSpec::read).toList();
        if (mode == Mode.PASSTHROUGH_LISTENER) {
            checkPassthroughTools(node, tools);
        }
        ServerSettings server = node.object("server").map(ServerSettings::read).orElse(ServerSettings.DEFAULT);
        LoggingSettings logging = node.object("logging").map(LoggingSettings::read).orElse(LoggingSettings.DEFAULT);
        long maxBody = node.integer("max_request_body_size", 1_048_576, 0, Integer.MAX_VALUE);
        List<AclRule> defaultAcl = node.objects("default_acl").stream().map(n -> AclRule.read(n, true)).toList();
        boolean groups = node.bool("include_consumer_groups", false);
        String identifier = node.oneOf("consumer_identifier", "username", List.of("consumer_id", "custom_id", "username"));
        String attributeType = node.oneOf("acl_attribute_type", "consumer", List.of("consumer", "oauth_access_token"));
        String claimField = node.text("access_token_claim_field", null);
        if (claimField != null && (claimField.length() < 2 || !claimField.startsWith("."))) {
            node.problem("access_token_claim_field", "must be a path starting with a dot, such as .user.email");
        }
        if ("oauth_access_token".equals(attributeType) && claimField == null) {
            node.problem("access_token_claim_field", "is required when acl_attribute_type is oauth_access_token");
        }
        OpenApiSource openapi = node.object("openapi").map(OpenApiSource::read).orElse(null);
        if (openapi != null && mode != null && !mode.converts()) {
            node.problem("openapi", "only conversion-listener and conversion-only plugins generate tools");
        }
        String aclDenial = node.oneOf("acl_denial", "forbidden", List.of("forbidden", "unknown_tool"));
        ToolLimitSettings toolLimits = node.object("tool_limits").map(ToolLimitSettings::read)
                .orElse(ToolLimitSettings.NONE);
        return new AiMcpProxyConfig(mode, tools, server, logging, maxBody, defaultAcl, groups, identifier,
                attributeType, claimField, openapi, aclDenial, toolLimits,
                ProxyExtensions.unwritten(node.json(), tools.size()));
    }

    @Override
    public void validate(Plugin plugin, DeclarativeConfig document, ConfigReport report) {
        if (!(plugin.config() instanceof AiMcpProxyConfig config) || config.mode() == null) {
            return;
        }
        String at = plugin.source() + ".config.mode";
        if (plugin.consumerId() != null || plugin.consumerGroupId() != null) {
            report.problem(plugin.source(), "ai-mcp-proxy cannot be scoped to a consumer or consumer group");
            return;
        }
        Mode mode = config.mode();
        if (mode != Mode.PASSTHROUGH_LISTENER && plugin.routeId() == null) {
            report.problem(at, "mode " + mode.kongName() + " must be attached to a route");
        }
        if (mode == Mode.PASSTHROUGH_LISTENER && plugin.global()) {
            report.problem(at, "mode passthrough-listener must be attached to a route or a service");
        }
        if ((mode.converts() || mode == Mode.PASSTHROUGH_LISTENER) && plugin.routeId() != null
                && document.route(plugin.routeId()).map(r -> r.serviceId() == null).orElse(false)) {
            report.problem(at, "mode " + mode.kongName() + " needs a route with a service (its calls go there)");
        }
        if (mode.listens() && plugin.routeId() != null && plugin.serviceId() != null) {
            refuseSecondListener(plugin, document, report);
        }
        if (mode == Mode.LISTENER && config.server().tag() == null) {
            report.problem(plugin.source() + ".config.server.tag", "is required in listener mode");
        }
        if (mode == Mode.LISTENER && !config.tools().isEmpty()) {
            // Kong's listener defines no tools; these would be dropped unseen, their acl and limit with them
            String tag = config.server().tag() == null ? "<the listener's server.tag>" : config.server().tag();
            report.problem(plugin.source() + ".config.tools", "a listener serves the tools of the plugins tagged "
                    + "with its server.tag and defines none: define these on a conversion-only plugin with tags: ["
                    + tag + "] (their acl and limit travel with them), or limit every tool the listener serves with "
                    + "its default_acl and tool_limits");
        }
        if (mode == Mode.CONVERSION_ONLY && plugin.tags().isEmpty()) {
            report.warning(plugin.source() + ".tags", "a conversion-only plugin without tags is bound by no listener");
        }
        if (mode == Mode.CONVERSION_ONLY) {
            ToolSetSettings.check(plugin, config, report);
        }
        // on passthrough the strategy keeps the bindings of the upstream's sessions, managed or not
        if (mode != Mode.PASSTHROUGH_LISTENER && !config.server().session().managed()
                && config.server().session().strategy() != null) {
            report.warning(plugin.source() + ".config.server.session.strategy",
                    "has no effect with managed: false (no sessions are kept)");
        }
        if (mode != Mode.PASSTHROUGH_LISTENER && !"auto".equals(config.server().upstreamEra())) {
            report.problem(plugin.source() + ".config.server.upstream_era", "is the MCP era of the server a "
                    + "passthrough-listener relays to; mode " + mode.kongName() + " relays to none (its tools call "
                    + "REST APIs, and it speaks both eras to clients)");
        }
        UnmatchedAclEntries.warn(plugin, config, document, report);
        if (config.aclsNameScopes()) {
            checkScopeAcls(plugin, config, "this plugin", report);
            // a listener serves the tools of the plugins it binds with their own ACLs, read as it reads them
            for (Plugin bound : boundBy(plugin, config, document)) {
                checkScopeAcls(bound, (AiMcpProxyConfig) bound.config(), "the listener at " + plugin.source(), report);
            }
        }
    }

    /**
     * The enabled conversion plugins whose tools a listener serves (those its {@code server.tag} tags); none for
     * another mode. The checks that read tool ACLs as the serving endpoint reads them find them here alike.
     */
    static List<Plugin> boundBy(Plugin listener, AiMcpProxyConfig config, DeclarativeConfig document) {
        if (config.mode() != Mode.LISTENER || config.server().tag() == null) {
            return List.of();
        }
        return document.plugins().stream()
                .filter(bound -> bound != listener && bound.enabled() && bound.tags().contains(config.server().tag())
                        && bound.config() instanceof AiMcpProxyConfig tools && tools.mode() != null
                        && tools.mode().converts())
                .toList();
    }

    /**
     * Fail closed: a route has one service, so a listening instance on the route and its service and one on
     * the route alone answer the same requests (two on one scope the reader refuses already).
     * Kong would apply the first and ignore the other unseen.
     */
    private static void refuseSecondListener(Plugin plugin, DeclarativeConfig document, ConfigReport report) {
        Route route = document.route(plugin.routeId()).orElse(null);
        if (route == null || !plugin.serviceId().equals(route.serviceId())) {
            return;
        }
        document.plugins().stream()
                .filter(p -> p != plugin && route.id().equals(p.routeId()) && p.serviceId() == null
                        && p.consumerId() == null && p.consumerGroupId() == null
                        && p.config() instanceof AiMcpProxyConfig other && other.mode() != null && other.mode().listens())
                .findFirst()
                .ifPresent(other -> report.problem(plugin.source() + ".service", "a second listening ai-mcp-proxy on "
                        + "route '" + route.label() + "', beside the one at " + other.source() + ": the route and its "
                        + "service answer the same requests, and only one could serve them (Kong would apply this one "
                        + "and ignore the other); keep one"));
    }

    /**
     * Fail closed: in passthrough a tool's {@code acl} and {@code limit} attach to the upstream tool by
     * name. Without a name they would apply to no call; a name given twice would keep one entry's and drop
     * the other's unseen.
     */
    private static void checkPassthroughTools(ConfigNode node, List<ToolSpec> tools) {
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < tools.size(); i++) {
            ToolSpec tool = tools.get(i);
            String at = node.path("tools") + "[" + i + "].name";
            if (tool.name() == null && (tool.acl() != null || tool.limit() != null)) {
                node.report().problem(at, "is required in passthrough-listener mode for a tool with an acl or a limit:"
                        + " they apply to the upstream tool of this name, and without one to no tool at all");
            }
            Integer earlier = tool.name() == null ? null : seen.putIfAbsent(tool.name(), i);
            if (earlier != null) {
                node.report().problem(at, "'" + tool.name() + "' is already named by tools[" + earlier + "]: one entry"
                        + " per upstream tool, or one entry's acl and limit would be ignored");
            }
        }
    }

    /**
     * Fail closed: where tool ACLs are read from the token's scopes, an {@code allow} list names scopes, and
     * a refused call's {@code WWW-Authenticate} names them to the client ({@code scope="..."}). A value that is
     * no RFC 6749 scope-token could never be granted, and has no place in that header: refused at its path.
     */
    private static void checkScopeAcls(Plugin plugin, AiMcpProxyConfig config, String reader, ConfigReport report) {
        for (int i = 0; i < config.tools().size(); i++) {
            AclRule acl = config.tools().get(i).acl();
            if (acl != null) {
                checkScopes(plugin.source() + ".config.tools[" + i + "].acl.allow", acl.allow(), reader, report);
            }
        }
        for (int i = 0; i < config.defaultAcl().size(); i++) {
            checkScopes(plugin.source() + ".config.default_acl[" + i + "].allow", config.defaultAcl().get(i).allow(),
                    reader, report);
        }
    }

    private static void checkScopes(String at, List<String> allow, String reader, ConfigReport report) {
        for (int i = 0; i < allow.size(); i++) {
            if (!isScopeToken(allow.get(i))) {
                report.problem(at + "[" + i + "]", "'" + allow.get(i) + "' is not an OAuth scope (RFC 6749 "
                        + "scope-token: printable ASCII without space, '\"' or '\\'), but " + reader
                        + " reads these ACLs from the token's scopes (acl_attribute_type: oauth_access_token) and "
                        + "names the allowed ones in a refused call's WWW-Authenticate");
            }
        }
    }

    /** RFC 6749 §3.3: {@code scope-token = 1*( %x21 / %x23-5B / %x5D-7E )}. */
    static boolean isScopeToken(String value) {
        if (value.isEmpty()) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x21 || c > 0x7E || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }
}
