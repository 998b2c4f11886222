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
 * @param record   the request's record, when the mode opened it already; null to find it by id
 */
public record McpCall(Exchange exchange, JsonNode id, String method, String tool, boolean resumes,
                      RpcRecord record) {

    /** A request that may start a call, found by its id in the exchange's records. */
    public McpCall(Exchange exchange, JsonNode id, String method, String tool, boolean resumes) {
        this(exchange, id, method, tool, resumes, null);
    }

    /** A request that may start a call, with the record its mode opened. */
    public McpCall(Exchange exchange, JsonNode id, String method, String tool, RpcRecord record) {
        this(exchange, id, method, tool, false, record);
    }

    /**
     * What the policies' decisions are noted in: the request's own record; without one, the open record with its
     * id (a batch that repeats an id would note them in the first such request's).
     */
    public RpcRecord observed() {
        return record != null ? record : exchange.observation().record(id);
    }

    /** True for {@code tools/call}. */
    public boolean isToolCall() {
        return "tools/call".equals(method);
    }
}
