package dev.toolgate.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.http.BearerChallenge;

import java.util.ArrayList;
import java.util.List;

/**
 * How a tool call refused for want of scopes asks the client for more: the {@code WWW-Authenticate}
 * value of the 403 (RFC 6750 {@code insufficient_scope}). The token policy that admitted the exchange
 * may set its own ({@link Exchange#challengeScopesWith}): ai-mcp-oauth2 names its Protected Resource
 * Metadata, as MCP asks, so that a client can step up its authorization.
 */
@FunctionalInterface
public interface ScopeChallenge {

    /** Kong's challenge, with the scopes when known: there is no metadata to point to. */
    ScopeChallenge PLAIN = (exchange, scope) -> BearerChallenge.of("error", "insufficient_scope", "scope", scope);

    /**
     * @param exchange the refused request (the metadata's URL is the one its client used)
     * @param scope    the scopes that would allow the call, space-separated; null when no scope would
     *                 (an ACL on consumers, or on another claim)
     */
    String insufficientScope(Exchange exchange, String scope);

    /**
     * The scopes a token claim holds: a {@code scope} string's space-separated tokens (RFC 8693 §4.2), or
     * the items of an array ({@code scp}, as some servers send them); none for anything else.
     */
    static List<String> scopesOf(JsonNode claim) {
        List<String> scopes = new ArrayList<>();
        if (claim == null) {
            return scopes;
        }
        if (claim.isArray()) {
            claim.forEach(item -> scopes.add(item.isValueNode() ? item.asText() : item.toString()));
        } else if (claim.isTextual()) {
            for (String scope : claim.asText().trim().split("\\s+")) {
                if (!scope.isEmpty()) {
                    scopes.add(scope);
                }
            }
        }
        return scopes;
    }
}
