package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.toolgate.error.GatewayError;
import dev.toolgate.error.GatewayException;
import dev.toolgate.http.AnswerBudget;
import dev.toolgate.mcp.JsonRpcMessage;
import dev.toolgate.mcp.ProtocolVersion;
import dev.toolgate.mcp.Session;
import dev.toolgate.mode.JsonBody;
import dev.toolgate.pipeline.Exchange;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import static dev.toolgate.mode.conversion.McpResponses.accepted;
import static dev.toolgate.mode.conversion.McpResponses.json;

/**
 * A JSON-RPC batch POSTed to an MCP endpoint: allowed by 2025-03-26 only, answered with an array of
 * the requests' responses in request order; a bad element gets its own error in its place, and a call its
 * client cancelled ({@code notifications/cancelled}) none.
 * <p>
 * A batch is many requests in one, so it is bounded as a few requests together would be: at most
 * {@link JsonBody#MAX_BATCH_MESSAGES} messages (as passthrough bounds the batches it forwards), and answers of at most {@link #MAX_ANSWER_BYTES} together; an answer
 * that would pass that is replaced by an error saying so. A 48 KB batch of {@code tools/list} requests
 * otherwise held a copy of the tool list per element and ran a 512 MB heap out.
 * <p>
 * The bound holds while the calls run, not only once they have answered: each call takes its upstream
 * answer's bytes from the batch's {@link AnswerBudget} as they arrive and is cut off when there is no
 * room left. Checked only at the end, 100 calls each read up to {@link ToolInvoker#MAX_RESPONSE_BYTES}
 * at once, and one request held 1.6 GB.
 */
final class McpBatch {

    /** The most bytes of answers one batch's response holds. */
    static final int MAX_ANSWER_BYTES = 32 * 1024 * 1024;

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
        String version = session != null ? session.protocolVersion() : TransportHeaders.version(exchange);
        if (!ProtocolVersion.BATCHING.equals(version)) {
            throw new GatewayException(new GatewayError.BatchNotAllowed(version));
        }
        if (batch.isEmpty()) {
            throw new GatewayException(new GatewayError.InvalidMessage(null, "an empty batch"));
        }
        if (batch.size() > JsonBody.MAX_BATCH_MESSAGES) {
            throw new GatewayException(JsonBody.batchTooLarge(batch.size()));
        }
        Future<Void> disconnected = ToolCalls.disconnection(request);
        List<Future<Buffer>> answers = new ArrayList<>();
        AnswerBudget budget = new AnswerBudget(MAX_ANSWER_BYTES);
        for (JsonNode element : batch) {
            switch (JsonRpcMessage.classify(element)) {
                case JsonRpcMessage.Invalid invalid -> answers.add(Future.succeededFuture(
                        McpMethods.error(new GatewayError.InvalidMessage(invalid.id(), invalid.reason()))));
                case JsonRpcMessage.Request r when r.method().equals("initialize") -> answers.add(Future.succeededFuture(
                        McpMethods.error(new GatewayError.InvalidMessage(r.id(), "initialize cannot be part of a batch"))));
                case JsonRpcMessage.Request r -> {
                    AnswerBudget.Share share = budget.share();
                    answers.add(calls.admit(exchange, r).compose(admitted -> {
                        Buffer instead = ToolCalls.instead(admitted.decision(), r);
                        return instead != null ? Future.succeededFuture(instead)
                                : calls.answer(exchange, r, admitted.record(), session, disconnected, share);
                    }).map(answer -> within(share, answer, r)));
                }
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
        return Future.all(answers).compose(done -> {
            // a call its client cancelled has no place in the array; a batch of only those gets no answer at all
            List<Buffer> given = answers.stream().map(Future::result).filter(Objects::nonNull).toList();
            return given.isEmpty() ? McpResponses.unanswered(request) : json(request, joined(given), null);
        });
    }

    /**
     * The answer, or an error in its place when it would take the batch's answers past their bound: the
     * upstream's answer was cut off for want of room, or the call's result, now held instead of the
     * upstream's bytes, does not fit.
     */
    private static Buffer within(AnswerBudget.Share share, Buffer answer, JsonRpcMessage.Request r) {
        if (answer == null) {
            return null; // cancelled by its client: no answer, and no bytes held
        }
        if (share.overran() || !share.settle(answer.length())) {
            return McpMethods.error(new GatewayError.InvalidMessage(r.id(), "the batch's answers would pass "
                    + MAX_ANSWER_BYTES / (1024 * 1024) + " MiB with this one; send it on its own or in a smaller batch"));
        }
        return answer;
    }

    /** The answers as one JSON array; each is already serialized, so they are joined as bytes. */
    private static Buffer joined(List<Buffer> answers) {
        int size = answers.size() + 1;
        for (Buffer answer : answers) {
            size += answer.length();
        }
        Buffer out = Buffer.buffer(size).appendByte((byte) '[');
        for (int i = 0; i < answers.size(); i++) {
            if (i > 0) {
                out.appendByte((byte) ',');
            }
            out.appendBuffer(answers.get(i));
        }
        return out.appendByte((byte) ']');
    }
}
