package dev.toolgate.mode.passthrough;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.error.GatewayError;
import dev.toolgate.error.GatewayException;
import dev.toolgate.http.UpstreamException;
import dev.toolgate.mcp.Json;
import dev.toolgate.mcp.JsonRpc;
import dev.toolgate.mcp.JsonRpcMessage;
import dev.toolgate.mcp.ModernMeta;
import dev.toolgate.mcp.ProtocolVersion;
import dev.toolgate.mcp.Session;
import dev.toolgate.observe.McpEvent;
import dev.toolgate.pipeline.Exchange;
import dev.toolgate.pipeline.MessageEvents;
import dev.toolgate.pipeline.RpcRecord;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * The legacy bridge's calls (split from {@link LegacyBridge}, which takes a legacy client's messages apart): each
 * request of a session goes to the server as rounds of 2026-07-28 requests, one more each time the server answers
 * {@code input_required} and the client has answered its input requests ({@link LegacyInputs}), until the server's
 * final response, which the client gets as a legacy one. A client's cancellation or hang-up, or the gateway's end
 * of the call (its route removed), stops the round in flight.
 */
final class LegacyRounds {

    /** Rounds of input one call may take before the gateway gives up on it. */
    static final int MAX_ROUNDS = 10;

    private final LegacyCalls.Route route;
    private final AtomicLong ids = new AtomicLong();
    /** The calls in flight and the answers they await, which outlive the bridge's configuration. */
    private final LegacyCalls calls;
    private final LegacyInputs clientInputs;

    /** @param route the route the bridge serves, whose calls a reload removing it ends */
    LegacyRounds(LegacyCalls.Route route, LegacyCalls calls) {
        this.route = route;
        this.calls = calls;
        this.clientInputs = new LegacyInputs(calls);
    }

    /**
     * One request of a session, answered through the server (or here: {@code ping}, {@code logging/setLevel}).
     *
     * @param hungUp completes when the client hangs up before the exchange's answer ended
     */
    Future<Void> request(Exchange exchange, JsonRpcMessage.Request r, Session session, UpstreamLink link,
                         ClientAnswer answer, Future<Void> hungUp, PassthroughAccess access, Buffer body) {
        return switch (r.method()) {
            case "ping", "logging/setLevel" -> answer.finish(JsonRpc.result(r.id(), Json.object()));
            default -> admitted(exchange, body, access).compose(shows -> {
                if (shows == null) {
                    return Future.succeededFuture();
                }
                String key = session.id() + "\n" + Json.text(r.id());
                Promise<Void> cancelled = Promise.promise();
                calls.started(route, key, cancelled);
                RpcRecord record = exchange.observation().record(r.id());
                Call call = new Call(exchange, r, session, link, answer, shows, cancelled.future(), hungUp, record);
                return call(call, null, null, 0)
                        .recover(failure -> failure instanceof CallCancelled
                                ? unanswered(exchange, record, cancelled.future(), answer)
                                : answer.fail(MessageEvents.upstreamFailed(record,
                                failure instanceof GatewayException refused ? refused.error() : upstreamError(link, failure))))
                        .onComplete(done -> calls.ended(key, cancelled));
            });
        };
    }

    private static GatewayError upstreamError(UpstreamLink link, Throwable failure) {
        UpstreamException cause = UpstreamException.from(failure, link.target());
        return cause.kind() == UpstreamException.Kind.TIMEOUT
                ? new GatewayError.UpstreamTimeout(link.target().service(), cause.detail())
                : new GatewayError.UpstreamUnavailable(link.target().service(), cause.detail());
    }

    /**
     * A legacy client's {@code notifications/cancelled}: the call it names in this session stops, its
     * server stream closed (2026-07-28's cancellation), as when the client closes its request.
     */
    void cancel(Session session, JsonRpcMessage.Notification n) {
        if (n.method().equals("notifications/cancelled") && n.params() != null && n.params().has("requestId")) {
            Promise<Void> cancelled = calls.cancelled(session.id() + "\n" + Json.text(n.params().get("requestId")));
            if (cancelled != null) {
                cancelled.tryComplete();
            }
        }
    }

    /**
     * A client's answer to one of the server's input requests relayed to it: it completes the round awaiting it,
     * if one still does (an answer to nothing awaited, or come too late, is dropped).
     */
    void answered(Session session, JsonRpcMessage.Response response) {
        Promise<JsonNode> waiting = calls.answered(session.id() + "\n" + Json.text(response.id()));
        if (waiting != null) {
            waiting.tryComplete(response.raw());
        }
    }

    /**
     * A call ended for its client: one it cancelled with {@code notifications/cancelled} ({@code cancelled} completed)
     * logs as such, not as a stream that ended without its answer; one whose client hung up is left to the exchange's
     * end, which logs the connection closed. Either way the request ends unanswered.
     */
    private static Future<Void> unanswered(Exchange exchange, RpcRecord record, Future<Void> cancelled,
                                           ClientAnswer answer) {
        if (cancelled.succeeded()) {
            MessageEvents.finish(record, answer.bytesSent(), null, McpEvent.CANCELLED, false, null);
        }
        return answer.abandon();
    }

    /**
     * Why a call whose {@code cancelled} is complete ends: the client cancelled it (completed, left unanswered), or
     * the gateway ended it (failed: the client is told why, a removed route's {@link GatewayError.RouteRemoved}).
     */
    static Throwable ending(Future<Void> cancelled) {
        return cancelled.failed() ? cancelled.cause() : new CallCancelled();
    }

    /**
     * One bridged request; {@code cancelled} completes when the client cancels it, fails when the gateway ends it;
     * {@code hungUp} completes when the client hangs up (the exchange's, which a batch's calls share). {@code traced}
     * is its record, whose trace context each round sent upstream carries.
     */
    record Call(Exchange exchange, JsonRpcMessage.Request request, Session session, UpstreamLink link,
                ClientAnswer answer, Predicate<String> shows, Future<Void> cancelled, Future<Void> hungUp,
                RpcRecord traced) {
    }

    /** Which tools the caller may see (the route's policies already let the request through). */
    private static Future<Predicate<String>> admitted(Exchange exchange, Buffer body, PassthroughAccess access) {
        Predicate<String> shows = access == null ? null : access.shows(exchange);
        return Future.succeededFuture(shows == null ? name -> true : shows);
    }

    /** One round: the request as a 2026-07-28 request, with the answers of the round before. */
    private Future<Void> call(Call call, String requestState, ObjectNode inputs, int round) {
        // a client gone between rounds is not to be asked of the server again
        if (call.cancelled().isComplete() || call.hungUp().isComplete() || call.answer().gone()) {
            return Future.failedFuture(ending(call.cancelled()));
        }
        ObjectNode params = call.request().params() instanceof ObjectNode p ? p.deepCopy() : Json.object();
        ObjectNode meta = params.get("_meta") instanceof ObjectNode m ? m : params.putObject("_meta");
        meta.put(ModernMeta.PROTOCOL_VERSION, ProtocolVersion.FIRST_MODERN);
        ObjectNode info = meta.putObject(ModernMeta.CLIENT_INFO);
        info.put("name", call.session().clientName() == null ? "legacy-client" : call.session().clientName());
        info.put("version", call.session().clientVersion() == null ? "0" : call.session().clientVersion());
        meta.set(ModernMeta.CLIENT_CAPABILITIES, capabilities(call.session()));
        // 2026-07-28 reserves these _meta keys for the trace context, which the MCP conventions carry there
        call.traced().writeTraceContext(meta);
        if (requestState != null) {
            params.put("requestState", requestState);
        }
        if (inputs != null) {
            params.set("inputResponses", inputs);
        }
        ObjectNode message = JsonRpc.notification(call.request().method(), params);
        JsonNode id = Json.MAPPER.getNodeFactory().textNode("tg-" + ids.incrementAndGet());
        message.set("id", id);
        return LegacyRoundAnswers.unlessEnded(call, call.link().post(message, null, ProtocolVersion.FIRST_MODERN,
                        LegacyRoundAnswers.abandoned(call), call.traced()))
                .compose(answer -> LegacyRoundAnswers.finalResponse(call, answer, id))
                .compose(response -> {
                    JsonNode result = response.get("result");
                    if (result != null && "input_required".equals(result.path("resultType").asText())) {
                        if (round + 1 >= MAX_ROUNDS) {
                            return Future.failedFuture(new UpstreamException(UpstreamException.Kind.BROKEN,
                                    "the server still asks for input after " + MAX_ROUNDS + " rounds"));
                        }
                        return clientInputs.ask(call, result).compose(answers -> call(call,
                                result.path("requestState").asText(null), answers, round + 1));
                    }
                    return call.answer().finish(translate(call, response));
                });
    }

    /**
     * The server's response as a legacy client expects it: its own id, no 2026 result fields, and an error with the
     * code legacy revisions give it ({@link RevisionShape#error}).
     */
    private static ObjectNode translate(Call call, JsonNode response) {
        if (response.get("error") instanceof ObjectNode error) {
            ObjectNode out = JsonRpc.error(call.request().id(), 0, "");
            out.set("error", RevisionShape.error(call.request().method(), error));
            return out;
        }
        ObjectNode result = response.get("result") instanceof ObjectNode r ? r.deepCopy() : Json.object();
        result.remove("resultType");
        result.remove("ttlMs");
        result.remove("cacheScope");
        if (call.request().method().equals("tools/list") && result.get("tools") instanceof ArrayNode tools) {
            for (var it = tools.elements(); it.hasNext(); ) {
                if (!call.shows().test(it.next().path("name").asText())) {
                    it.remove();
                }
            }
        }
        return JsonRpc.result(call.request().id(), result);
    }

    private static JsonNode capabilities(Session session) {
        if (session.capabilities() == null) {
            return Json.object();
        }
        try {
            JsonNode declared = Json.parse(session.capabilities());
            return declared.isObject() ? declared : Json.object();
        } catch (IOException e) {
            return Json.object();
        }
    }
}
