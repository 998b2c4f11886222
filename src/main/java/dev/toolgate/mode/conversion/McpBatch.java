package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.toolgate.error.GatewayError;
import dev.toolgate.error.GatewayException;
import dev.toolgate.mcp.JsonRpcMessage;
import dev.toolgate.mcp.ProtocolVersion;
import dev.toolgate.mcp.Session;
import dev.toolgate.pipeline.Exchange;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

import java.util.ArrayList;
import java.util.List;

import static dev.toolgate.mode.conversion.McpResponses.accepted;
import static dev.toolgate.mode.conversion.McpResponses.json;

/**
 * A JSON-RPC batch POSTed to an MCP endpoint: allowed by 2025-03-26 only, answered with an array of
 * the requests' responses in request order; a bad element gets its own error in its place.
 */
final class McpBatch {

    private final TransportHeaders headers;
    private final ToolCalls calls;

    McpBatch(TransportHeaders headers, ToolCalls calls) {
        this.headers = headers;
        this.calls = calls;
    }

    Future<Void> answer(Exchange exchange, ArrayNode batch) {
        return headers.session(exchange).compose(session -> answer(exchange, batch, session));
    }

    private Future<Void> answer(Exchange exchange, ArrayNode batch, Session session) {
        HttpServerRequest request = exchange.request();
        String version = session != null ? session.protocolVersion() : TransportHeaders.version(request);
        if (!ProtocolVersion.BATCHING.equals(version)) {
            throw new GatewayException(new GatewayError.BatchNotAllowed(version));
        }
        if (batch.isEmpty()) {
            throw new GatewayException(new GatewayError.InvalidMessage(null, "an empty batch"));
        }
        Future<Void> disconnected = ToolCalls.disconnection(request);
        List<Future<Buffer>> answers = new ArrayList<>();
        for (JsonNode element : batch) {
            switch (JsonRpcMessage.classify(element)) {
                case JsonRpcMessage.Invalid invalid -> answers.add(Future.succeededFuture(
                        McpMethods.error(new GatewayError.InvalidMessage(invalid.id(), invalid.reason()))));
                case JsonRpcMessage.Request r when r.method().equals("initialize") -> answers.add(Future.succeededFuture(
                        McpMethods.error(new GatewayError.InvalidMessage(r.id(), "initialize cannot be part of a batch"))));
                case JsonRpcMessage.Request r -> answers.add(calls.admit(exchange, r).compose(decision -> {
                    Buffer instead = ToolCalls.instead(decision, r);
                    return instead != null ? Future.succeededFuture(instead) : calls.answer(exchange, r, session, disconnected);
                }));
                case JsonRpcMessage.Notification n -> {
                    calls.onNotification(session, n);
                    exchange.observation().notification(n.method(), -1);
                }
                case JsonRpcMessage.Response ignored -> {
                }
            }
        }
        if (answers.isEmpty()) {
            return accepted(request);
        }
        return Future.all(answers).compose(done -> json(request, joined(answers), null));
    }

    /** The answers as one JSON array; each is already serialized, so they are joined as bytes. */
    private static Buffer joined(List<Future<Buffer>> answers) {
        Buffer out = Buffer.buffer().appendByte((byte) '[');
        for (int i = 0; i < answers.size(); i++) {
            out.appendBuffer(i == 0 ? answers.get(i).result() : Buffer.buffer(",").appendBuffer(answers.get(i).result()));
        }
        return out.appendByte((byte) ']');
    }
}
