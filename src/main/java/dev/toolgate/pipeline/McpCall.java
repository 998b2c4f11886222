package dev.toolgate.pipeline;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One JSON-RPC request of an exchange, as message policies see it, whatever the mode read it with
 * (a tree in conversion modes, a streaming reader in passthrough).
 *
 * @param exchange the HTTP exchange it came in
 * @param id       the request's id
 * @param method   the JSON-RPC method
 * @param tool     for {@code tools/call}: {@code params.name}; otherwise null
 * @param resumes  true when the request only continues a call already made (the era bridge's retry with
 *                 the client's input): it is still decided, but starts no new call to count
 * @param record   the request's record, which the policies' decisions are noted in ({@link RpcRecord#NONE}
 *                 when the exchange is not observed); never found again by id, which a batch may repeat
 */
public record McpCall(Exchange exchange, JsonNode id, String method, String tool, boolean resumes,
                      RpcRecord record) {

    /** A request that may start a call, with the record its mode opened. */
    public McpCall(Exchange exchange, JsonNode id, String method, String tool, RpcRecord record) {
        this(exchange, id, method, tool, false, record);
    }

    /** True for {@code tools/call}. */
    public boolean isToolCall() {
        return "tools/call".equals(method);
    }
}
