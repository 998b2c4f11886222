package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.error.ErrorCatalog;
import dev.toolgate.error.GatewayError;
import dev.toolgate.error.GatewayException;
import dev.toolgate.http.AnswerBudget;
import dev.toolgate.mcp.Json;
import dev.toolgate.mcp.JsonRpcMessage;
import dev.toolgate.pipeline.Exchange;
import dev.toolgate.pipeline.McpCall;
import dev.toolgate.pipeline.RpcRecord;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The MCP methods a tool server answers once a session exists: {@code ping}, {@code tools/list},
 * {@code tools/call}. Each answer is the serialized JSON-RPC response; message-level errors are
 * JSON-RPC errors from the {@link ErrorCatalog}, so the future never fails.
 */
final class McpMethods {

    private static final byte[] RESULT_PREFIX = "{\"jsonrpc\":\"2.0\",\"id\":".getBytes(StandardCharsets.UTF_8);
    private static final byte[] RESULT_INFIX = ",\"result\":".getBytes(StandardCharsets.UTF_8);
    /** What follows a compressed page ({@link ToolSet#compressedPage}): the rest of the response object. */
    private static final byte[] RESULT_TAIL = ",\"jsonrpc\":\"2.0\",\"id\":".getBytes(StandardCharsets.UTF_8);

    private final ToolSet tools;
    private final ToolInvoker invoker;

    McpMethods(ToolSet tools, ToolInvoker invoker) {
        this.tools = tools;
        this.invoker = invoker;
    }

    /**
     * The serialized response to a request (never {@code initialize}, which creates the session).
     *
     * @param view      what the caller may see ({@code tools/list})
     * @param exchange  the caller's exchange ({@code tools/call}), or null for other methods
     * @param record    the call's record, which its upstream request is noted in ({@code tools/call})
     * @param cancelled completes when the call is cancelled ({@code tools/call})
     * @param share     the call's part of the answer bytes of its batch ({@code tools/call}), or null
     */
    Future<Buffer> answer(JsonRpcMessage.Request request, ToolView view, Exchange exchange, RpcRecord record,
                          Future<?> cancelled, AnswerBudget.Share share) {
        try {
            return switch (request.method()) {
                case "ping" -> Future.succeededFuture(result(request.id(), Json.bytes(Json.object())));
                case "tools/list" -> Future.succeededFuture(result(request.id(), listPage(request, view)));
                case "tools/call" -> call(request, exchange, record, cancelled, share);
                default -> throw new GatewayException(new GatewayError.MethodNotFound(request.id(), request.method()));
            };
        } catch (GatewayException e) {
            return Future.succeededFuture(error(e.error()));
        }
    }

    /**
     * A {@code tools/list} answer as a gzip body, for clients that accept it: the page compressed at
     * load with this request's id appended. Empty when the pages are not compressed yet or the cursor is
     * not valid (the plain answer then says why).
     */
    Optional<GzippedList> gzippedList(JsonRpcMessage.Request request, ToolView view) {
        JsonNode cursor = request.params() == null ? null : request.params().get("cursor");
        if (cursor != null && !cursor.isNull() && !cursor.isTextual()) {
            return Optional.empty();
        }
        return tools.compressedPage(cursor == null || cursor.isNull() ? null : cursor.asText(), view).map(head -> {
            byte[] id = Json.bytes(request.id());
            byte[] tail = new byte[RESULT_TAIL.length + id.length + 1];
            System.arraycopy(RESULT_TAIL, 0, tail, 0, RESULT_TAIL.length);
            System.arraycopy(id, 0, tail, RESULT_TAIL.length, id.length);
            tail[tail.length - 1] = '}';
            return new GzippedList(head, tail);
        });
    }

    private byte[] listPage(JsonRpcMessage.Request request, ToolView view) {
        JsonNode cursor = request.params() == null ? null : request.params().get("cursor");
        if (cursor != null && !cursor.isNull() && !cursor.isTextual()) {
            throw new GatewayException(new GatewayError.InvalidParams(request.id(), "cursor must be a string"));
        }
        String opaque = cursor == null || cursor.isNull() ? null : cursor.asText();
        return tools.page(opaque, view).orElseThrow(() -> new GatewayException(new GatewayError.InvalidParams(request.id(),
                "cursor is not valid (the tool list may have changed); list again without a cursor")));
    }

    private Future<Buffer> call(JsonRpcMessage.Request request, Exchange exchange, RpcRecord record,
                                Future<?> cancelled, AnswerBudget.Share share) {
        return invoke(request, exchange, record, cancelled, share)
                .compose(result -> LargeResults.answer(request.id(), result, cancelled));
    }

    /**
     * Calls the tool a {@code tools/call} names: its {@code CallToolResult}.
     *
     * @throws GatewayException for a request that names no known tool or carries malformed arguments
     */
    Future<ObjectNode> invoke(JsonRpcMessage.Request request, Exchange exchange, RpcRecord record,
                              Future<?> cancelled, AnswerBudget.Share share) {
        JsonNode params = request.params();
        JsonNode name = params == null ? null : params.get("name");
        if (name == null || !name.isTextual()) {
            throw new GatewayException(new GatewayError.InvalidParams(request.id(), McpCall.UNNAMED));
        }
        Tool tool = tools.find(name.asText())
                .orElseThrow(() -> new GatewayException(new GatewayError.UnknownTool(request.id(), name.asText())));
        JsonNode arguments = params.get("arguments");
        if (arguments != null && !arguments.isNull() && !arguments.isObject()) {
            throw new GatewayException(new GatewayError.InvalidParams(request.id(), "arguments must be an object"));
        }
        ObjectNode args = arguments instanceof ObjectNode o ? o : null;
        return invoker.call(tool, args, exchange, record, request.id(), cancelled, share);
    }

    /** The tool a call names, when this endpoint serves it. */
    Optional<Tool> tool(String name) {
        return name == null ? Optional.empty() : tools.find(name);
    }

    /** One page of {@code tools/list} for a caller, serialized; throws {@code InvalidParams} for a bad cursor. */
    byte[] page(JsonRpcMessage.Request request, ToolView view) {
        return listPage(request, view);
    }

    /**
     * The result of {@code initialize}: only the capabilities Toolgate implements; {@code listChanged}
     * only where there is a session stream to send the notification on.
     */
    static ObjectNode initializeResult(String version, String routeLabel, String serverVersion, boolean listChanged) {
        ObjectNode result = Json.object();
        result.put("protocolVersion", version);
        result.putObject("capabilities").putObject("tools").put("listChanged", listChanged);
        ObjectNode server = result.putObject("serverInfo");
        server.put("name", "toolgate");
        server.put("title", "Toolgate: " + routeLabel);
        server.put("version", serverVersion);
        return result;
    }

    /** A serialized success response around an already serialized result. */
    static Buffer result(JsonNode id, byte[] result) {
        byte[] idBytes = Json.bytes(id);
        Buffer out = Buffer.buffer(RESULT_PREFIX.length + idBytes.length + RESULT_INFIX.length + result.length + 1);
        return out.appendBytes(RESULT_PREFIX).appendBytes(idBytes).appendBytes(RESULT_INFIX).appendBytes(result)
                .appendByte((byte) '}');
    }

    /** A serialized JSON-RPC error response, as the catalog says, with the error's own id. */
    static Buffer error(GatewayError error) {
        return error(error, null);
    }

    /** A serialized JSON-RPC error response to request {@code id} ({@link GatewayError#answerId}). */
    static Buffer error(GatewayError error, JsonNode id) {
        return Buffer.buffer(Json.bytes(dev.toolgate.http.ErrorResponses.body(error, id)));
    }
}
