package dev.toolgate.mode.passthrough;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.toolgate.error.GatewayError;
import dev.toolgate.error.GatewayException;
import dev.toolgate.mcp.Json;
import dev.toolgate.mcp.JsonRpcMessage;
import dev.toolgate.mcp.ProtocolVersion;
import dev.toolgate.mcp.Session;
import dev.toolgate.mode.JsonBody;
import dev.toolgate.pipeline.Exchange;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The legacy bridge's batches (split from {@link LegacyBridge}): only 2025-03-26 has them, and the bridge's server,
 * which speaks 2026-07-28, has none, so the bridge answers each of a batch's messages through its own calls
 * ({@link LegacyRounds}) and gathers their answers on one stream.
 */
final class LegacyBatch {

    private final LegacyRounds rounds;

    LegacyBatch(LegacyRounds rounds) {
        this.rounds = rounds;
    }

    /**
     * A 2025-03-26 client's batch (that revision requires servers to take them): each message goes through the
     * bridge as if sent on its own, at once, and the answers are the events of one stream, which ends when the last
     * is given; a batch of notifications and responses only gets 202. Bounded as the gateway's own endpoints bound
     * batches ({@link JsonBody#MAX_BATCH_MESSAGES}).
     */
    Future<Void> answer(Exchange exchange, ArrayNode batch, Session session, UpstreamLink link,
                        PassthroughAccess access, Consumer<byte[]> observed, Buffer body) {
        if (!ProtocolVersion.BATCHING.equals(session.protocolVersion())) {
            throw new GatewayException(new GatewayError.BatchNotAllowed(session.protocolVersion()));
        }
        if (batch.isEmpty()) {
            throw new GatewayException(new GatewayError.InvalidMessage(null, "an empty batch"));
        }
        if (batch.size() > JsonBody.MAX_BATCH_MESSAGES) {
            throw new GatewayException(JsonBody.batchTooLarge(batch.size()));
        }
        List<JsonRpcMessage> messages = new ArrayList<>();
        batch.forEach(element -> messages.add(JsonRpcMessage.classify(element)));
        refuseRepeatedIds(messages);
        HttpServerResponse response = exchange.request().response();
        boolean answers = messages.stream().anyMatch(m -> m instanceof JsonRpcMessage.Request
                || m instanceof JsonRpcMessage.Invalid);
        if (answers) {
            ClientAnswer.openBatch(response);
        }
        // one hang-up for the batch's calls, which share its response: each cancels when the client goes
        Future<Void> hungUp = ClientAnswer.hangUp(response);
        List<Future<Void>> answered = new ArrayList<>();
        for (JsonRpcMessage message : messages) {
            switch (message) {
                case JsonRpcMessage.Invalid invalid -> answered.add(ClientAnswer.ofBatch(response, invalid.id(), observed)
                        .fail(new GatewayError.InvalidMessage(invalid.id(), invalid.reason())));
                case JsonRpcMessage.Notification n -> rounds.cancel(session, n);
                case JsonRpcMessage.Response r -> rounds.answered(session, r);
                case JsonRpcMessage.Request r when r.method().equals("initialize") -> answered.add(
                        ClientAnswer.ofBatch(response, r.id(), observed).fail(new GatewayError.InvalidMessage(r.id(),
                                "initialize cannot be part of a batch")));
                case JsonRpcMessage.Request r -> answered.add(rounds.request(exchange, r, session, link,
                        ClientAnswer.ofBatch(response, r.id(), observed), hungUp, access, body));
            }
        }
        if (!answers) {
            return response.setStatusCode(202).end();
        }
        return Future.join(answered).transform(done -> ClientAnswer.endBatch(response));
    }

    /**
     * A batch whose requests repeat an id: their answers, each known by its id alone, could not be told apart, and a
     * cancellation naming the id could stop either call. MCP asks for ids unique within a session; nothing is sent.
     */
    private static void refuseRepeatedIds(List<JsonRpcMessage> messages) {
        Set<String> ids = new HashSet<>();
        for (JsonRpcMessage message : messages) {
            if (message instanceof JsonRpcMessage.Request r && !ids.add(Json.text(r.id()))) {
                throw new GatewayException(new GatewayError.InvalidMessage(null,
                        "the batch repeats the request id " + Json.text(r.id()) + ": give each request its own id"));
            }
        }
    }
}
