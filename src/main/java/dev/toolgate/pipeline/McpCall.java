package dev.toolgate.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.error.GatewayError;
import io.vertx.core.Future;

/**
 * One JSON-RPC request of an exchange, as message policies see it, whatever the mode read it with
 * (a tree in conversion modes, a streaming reader in passthrough).
 *
 * @param exchange the HTTP exchange it came in
 * @param id       the request's id
 * @param method   the JSON-RPC method
 * @param tool     for {@code tools/call}: {@code params.name}, null when it is not a string (or {@code params}
 *                 is not an object); otherwise null
 * @param resumes  true when the request only continues a call already made (the era bridge's retry with
 *                 the client's input): it is still decided, but starts no new call to count
 * @param record   the request's record, which the policies' decisions are noted in ({@link RpcRecord#NONE}
 *                 when the exchange is not observed); never found again by id, which a batch may repeat
 * @param named    {@code params.name} as the client sent it, where {@code tool} is the name it stands for (Kong's
 *                 name of a tool, which Toolgate serves under another); else {@code tool}
 */
public record McpCall(Exchange exchange, JsonNode id, String method, String tool, boolean resumes,
                      RpcRecord record, String named) {

    /** A request naming its tool as served. */
    public McpCall(Exchange exchange, JsonNode id, String method, String tool, boolean resumes, RpcRecord record) {
        this(exchange, id, method, tool, resumes, record, tool);
    }

    /** A request that may start a call, with the record its mode opened. */
    public McpCall(Exchange exchange, JsonNode id, String method, String tool, RpcRecord record) {
        this(exchange, id, method, tool, false, record);
    }

    /**
     * This request as if its tool were the name the client sent: what a name the endpoint does not serve is
     * decided as, and echoed with.
     */
    public McpCall asSent() {
        return named == null || named.equals(tool) ? this : new McpCall(exchange, id, method, named, resumes, record, named);
    }

    /** What a {@code tools/call} that names no tool is told, in every mode. */
    public static final String UNNAMED = "tools/call needs params.name (a string)";

    /** True for {@code tools/call}. */
    public boolean isToolCall() {
        return "tools/call".equals(method);
    }

    /**
     * The rule every tool policy (tool ACLs, per-tool limits) applies first: a {@code tools/call} that names
     * no tool is refused with {@code -32602}, since no policy can decide it, and a lenient server could still
     * run it under some name ({@code ["search"]} read as {@code search}) unchecked and uncounted. Null for
     * any other request, which the policy goes on to decide.
     */
    public Future<Decision> unnamed() {
        return isToolCall() && tool == null ? Decision.reject(new GatewayError.InvalidParams(id, UNNAMED)) : null;
    }
}
