package dev.toolgate.mode;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.toolgate.config.PluginSettings;

import java.util.List;
import java.util.Set;

/**
 * The {@code config} block of Kong's {@code ai-mcp-proxy} plugin, with Kong's names and defaults.
 *
 * @param mode                  required: {@code passthrough-listener}, {@code conversion-listener},
 *                              {@code conversion-only} or {@code listener}
 * @param tools                 tool definitions (conversion modes) or tool names for ACLs (passthrough)
 * @param server                MCP server settings
 * @param logging               what MCP traffic is logged
 * @param maxRequestBodySize    largest request body handled as MCP, in bytes; default 1048576; 0 means no
 *                              limit of its own (the gateway-wide cap of 16 MiB still applies)
 * @param defaultAcl            ACL rules for tools without their own {@code acl}
 * @param includeConsumerGroups ACL lists may name consumer groups; default false
 * @param consumerIdentifier    which consumer attribute ACL lists name: {@code username} (default),
 *                              {@code consumer_id} or {@code custom_id}
 * @param aclAttributeType      ACL subject: {@code consumer} (default) or {@code oauth_access_token}
 * @param accessTokenClaimField with {@code oauth_access_token}: the claim path, such as {@code .user.email}
 * @param openapi               Toolgate extension: generate tools from an OpenAPI document (conversion modes)
 * @param aclDenial             Toolgate extension: how a {@code tools/call} the tool ACLs refuse is answered:
 *                              {@code forbidden} (default; HTTP 403 with a JSON-RPC error and the request id, as
 *                              Kong 3.14 and later answer) or {@code unknown_tool} (JSON-RPC {@code -32602
 *                              Unknown tool}, HTTP 200, the answer for a tool that does not exist). Either way a
 *                              denied tool and a missing one answer alike, so names cannot be probed
 * @param toolLimits            Toolgate extension: how often one caller may call each tool, and where calls are
 *                              counted (see {@link ToolLimitSettings}); each tool's {@code limit} overrides it
 * @param unwrittenExtensions   the Toolgate extensions above the file did not write (pointers below {@code config}),
 *                              left out of the Admin API's view
 */
public record AiMcpProxyConfig(Mode mode, List<ToolSpec> tools, ServerSettings server, LoggingSettings logging,
                               long maxRequestBodySize, List<AclRule> defaultAcl, boolean includeConsumerGroups,
                               String consumerIdentifier, String aclAttributeType, String accessTokenClaimField,
                               OpenApiSource openapi, String aclDenial, ToolLimitSettings toolLimits,
                               @JsonIgnore Set<String> unwrittenExtensions)
        implements PluginSettings {

    /** A gateway-wide cap on MCP request bodies, for {@code max_request_body_size: 0}. */
    public static final long BODY_SIZE_CAP = 16L * 1024 * 1024;

    /** The claims whose values are the token's scopes ({@code scp} is how some authorization servers name it). */
    public static final Set<String> SCOPE_CLAIMS = Set.of("scope", "scp");

    public AiMcpProxyConfig {
        tools = List.copyOf(tools);
        defaultAcl = List.copyOf(defaultAcl);
        unwrittenExtensions = Set.copyOf(unwrittenExtensions);
    }

    /** This configuration logging as {@code logging} says (a listener's, with its tool sets' switches). */
    public AiMcpProxyConfig withLogging(LoggingSettings logging) {
        return new AiMcpProxyConfig(mode, tools, server, logging, maxRequestBodySize, defaultAcl, includeConsumerGroups,
                consumerIdentifier, aclAttributeType, accessTokenClaimField, openapi, aclDenial, toolLimits,
                unwrittenExtensions);
    }

    /** True when denials answer as unknown tools ({@code acl_denial: unknown_tool}). */
    public boolean deniesAsUnknownTool() {
        return "unknown_tool".equals(aclDenial);
    }

    /**
     * True when the tool ACLs this plugin serves name the token's scopes ({@code oauth_access_token} on a
     * {@code scope} or {@code scp} claim): an {@code allow} list is then what a denied call's challenge asks for.
     */
    public boolean aclsNameScopes() {
        return "oauth_access_token".equals(aclAttributeType) && accessTokenClaimField != null
                && SCOPE_CLAIMS.contains(accessTokenClaimField.substring(accessTokenClaimField.lastIndexOf('.') + 1));
    }

    /** The body limit actually enforced. */
    public long effectiveBodyLimit() {
        return maxRequestBodySize == 0 ? BODY_SIZE_CAP : Math.min(maxRequestBodySize, BODY_SIZE_CAP);
    }
}
