package dev.toolgate.mode;

import dev.toolgate.config.ConfigContext;
import dev.toolgate.config.ConfigNode;
import dev.toolgate.config.ConfigReport;
import dev.toolgate.config.DeclarativeConfig;
import dev.toolgate.config.Plugin;
import dev.toolgate.config.PluginSchema;
import dev.toolgate.config.PluginSettings;

import java.util.List;

/** Reads and checks {@code ai-mcp-proxy} plugins. */
public final class AiMcpProxySchema implements PluginSchema {

    public static final String NAME = "ai-mcp-proxy";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public PluginSettings read(ConfigNode node, ConfigContext context) {
        String modeName = node.oneOf("mode", null, Mode.kongNames());
        if (modeName == null && !node.has("mode")) {
            node.problem("mode", "is required (one of " + String.join(", ", Mode.kongNames()) + ")");
        }
        Mode mode = Mode.ofKongName(modeName);
        List<ToolSpec> tools = node.objects("tools").stream().map(ToolSpec::read).toList();
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
                attributeType, claimField, openapi, aclDenial, toolLimits);
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
        if (mode == Mode.LISTENER && config.server().tag() == null) {
            report.problem(plugin.source() + ".config.server.tag", "is required in listener mode");
        }
        if (mode == Mode.CONVERSION_ONLY && plugin.tags().isEmpty()) {
            report.warning(plugin.source() + ".tags", "a conversion-only plugin without tags is bound by no listener");
        }
    }
}
