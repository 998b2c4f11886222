package dev.toolgate.mode.passthrough;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.mcp.ProtocolVersion;
import dev.toolgate.mcp.RequestHeaders;
import io.vertx.core.MultiMap;

import java.util.Locale;

/**
 * The headers of the era bridge's requests upstream: the exchange's own (the client's, less hop-by-hop
 * headers and consumed credentials, plus the consumer headers and what the route's transformers add),
 * without the client's MCP and content headers, which the bridge writes for each request itself. Apart
 * from {@link UpstreamLink} because what a request may carry is a rule of its own, the same for every
 * method.
 */
final class BridgeHeaders {

    private final MultiMap base;

    /** @param base what every request carries: the client's MCP and content headers are taken out of it */
    BridgeHeaders(MultiMap base) {
        this.base = base;
        for (String name : base.names().toArray(String[]::new)) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.startsWith("mcp-") || lower.equals("content-length") || lower.equals("last-event-id")
                    || lower.equals("accept") || lower.equals("content-type") || lower.equals("accept-encoding")) {
                base.remove(name);
            }
        }
    }

    /** A copy of the base headers, with the session's id and protocol version (either may be null). */
    MultiMap of(String sessionId, String version) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(base);
        if (sessionId != null) {
            headers.set("mcp-session-id", sessionId);
        }
        if (version != null) {
            headers.set("mcp-protocol-version", version);
        }
        return headers;
    }

    /** For a modern {@code version}, the message's {@code Mcp-Method} and {@code Mcp-Name} headers, from its body. */
    static void describe(MultiMap headers, JsonNode message, String version) {
        String method = message.path("method").asText(null);
        if (ProtocolVersion.isModern(version) && method != null) {
            headers.set("mcp-method", method);
            String field = RequestHeaders.nameField(method);
            JsonNode name = field == null ? null : message.path("params").get(field);
            if (name != null && name.isTextual()) {
                headers.set("mcp-name", RequestHeaders.encode(name.asText()));
            }
        }
    }
}
