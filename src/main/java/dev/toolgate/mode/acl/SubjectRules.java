package dev.toolgate.mode.acl;

import dev.toolgate.mode.AiMcpProxyConfig;

import java.util.Arrays;
import java.util.List;

/**
 * How an endpoint turns its caller into an {@link AclSubject}: the serving plugin's
 * {@code consumer_identifier}, or the claim path of {@code access_token_claim_field} with
 * {@code acl_attribute_type: oauth_access_token}.
 *
 * @param consumerIdentifier {@code username}, {@code consumer_id} or {@code custom_id}
 * @param claimPath          the claim's path segments ({@code .user.email} → {@code [user, email]}),
 *                           or null when ACLs name consumers
 */
public record SubjectRules(String consumerIdentifier, List<String> claimPath) {

    public SubjectRules {
        claimPath = claimPath == null ? null : List.copyOf(claimPath);
    }

    /** The rules of a serving ai-mcp-proxy plugin. */
    public static SubjectRules of(AiMcpProxyConfig config) {
        List<String> path = "oauth_access_token".equals(config.aclAttributeType()) && config.accessTokenClaimField() != null
                ? Arrays.stream(config.accessTokenClaimField().substring(1).split("\\.")).toList() : null;
        return new SubjectRules(config.consumerIdentifier(), path);
    }

    /** True when ACL entries name token claim values. */
    public boolean byClaim() {
        return claimPath != null;
    }

    /**
     * True when ACL entries name the token's scopes ({@link AiMcpProxyConfig#SCOPE_CLAIMS}): what an
     * {@code allow} list names is then what the 403's challenge asks for.
     */
    public boolean byScope() {
        return claimPath != null && AiMcpProxyConfig.SCOPE_CLAIMS.contains(claimPath.getLast());
    }
}
