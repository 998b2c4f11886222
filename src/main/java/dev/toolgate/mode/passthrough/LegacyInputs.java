package dev.toolgate.mode.passthrough;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.error.GatewayError;
import dev.toolgate.error.GatewayException;
import dev.toolgate.http.ConnectionShutdown;
import dev.toolgate.http.UpstreamException;
import dev.toolgate.mcp.Json;
import dev.toolgate.mcp.JsonRpc;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A 2026-07-28 server's {@code input_required} as a legacy client expects it (split from {@link LegacyRounds}, whose
 * rounds wait on it): each of the server's input requests goes to the client as a server-to-client request on the
 * call's event stream, and the client's responses, which come on its own POSTs (to this process: they are awaited
 * here, in {@link LegacyCalls}), become the next round's {@code inputResponses}.
 */
final class LegacyInputs {

    private final LegacyCalls calls;

    LegacyInputs(LegacyCalls calls) {
        this.calls = calls;
    }

    /**
     * Sends the server's input requests to the client as legacy server-to-client requests; their results by key.
     * What the call awaits (the answers and their timers) is let go as soon as the round ends, however it ends:
     * answered, cancelled, the client gone or silent.
     */
    Future<ObjectNode> ask(LegacyRounds.Call call, JsonNode result) {
        Context here = Vertx.currentContext();
        Vertx vertx = here.owner();
        long timeoutMs = call.link().target().readTimeoutMs();
        List<Future<Map.Entry<String, JsonNode>>> answers = new ArrayList<>();
        List<Runnable> releases = new ArrayList<>();
        result.path("inputRequests").properties().forEach(input -> {
            String method = input.getValue().path("method").asText();
            JsonNode id = Json.MAPPER.getNodeFactory().textNode(calls.inputId());
            String key = call.session().id() + "\n" + Json.text(id);
            Promise<JsonNode> reply = Promise.promise();
            calls.await(key, reply);
            long timer = vertx.setTimer(timeoutMs, t -> reply.tryFail(new UpstreamException(
                    UpstreamException.Kind.TIMEOUT, "the client did not answer the server's " + method + " within "
                    + timeoutMs + " ms")));
            releases.add(() -> {
                calls.release(key, reply);
                vertx.cancelTimer(timer);
            });
            ObjectNode request = JsonRpc.notification(method, RevisionShape.params(call.session().protocolVersion(),
                    method, input.getValue().get("params")));
            request.set("id", id);
            call.answer().notify(request);
            answers.add(reply.future().map(response -> {
                if (!response.has("result")) {
                    throw new GatewayException(new GatewayError.InvalidParams(call.request().id(),
                            "the client refused the server's " + method));
                }
                return Map.entry(input.getKey(), response.get("result"));
            }));
        });
        Promise<ObjectNode> asked = Promise.promise();
        // the answers arrive on the event loops of the client's own POSTs: the next round, and the client's
        // response, stay on this one (the call's exchange, its upstream pool and its timers are this loop's)
        Future.all(answers).map(all -> {
            ObjectNode responses = Json.object();
            answers.forEach(a -> responses.set(a.result().getKey(), a.result().getValue()));
            return responses;
        }).onComplete(done -> here.runOnContext(now -> {
            if (done.succeeded()) {
                asked.tryComplete(done.result());
            } else {
                asked.tryFail(done.cause());
            }
        }));
        call.cancelled().onComplete(v -> here.runOnContext(now -> asked.tryFail(
                LegacyRounds.ending(call.cancelled()))));
        // a client that hung up will answer nothing, and must not have the server go on once a late answer comes
        call.hungUp().onComplete(gone -> asked.tryFail(new CallCancelled()));
        if (!call.hungUp().isComplete()) {
            // a graceful stop lets calls in flight finish, but the client's answers cannot reach a gateway that
            // refuses connections: waiting for them would hold the stop for its whole grace period
            ConnectionShutdown.onShutdown(call.exchange().request(), () -> asked.tryFail(
                    new GatewayException(new GatewayError.StoppedAwaitingInput())));
        }
        asked.future().onComplete(done -> releases.forEach(Runnable::run));
        return asked.future();
    }
}
