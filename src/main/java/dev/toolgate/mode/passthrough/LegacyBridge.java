package dev.toolgate.mode.passthrough;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.error.GatewayError;
import dev.toolgate.error.GatewayException;
import dev.toolgate.http.ConnectionShutdown;
import dev.toolgate.http.UpstreamException;
import dev.toolgate.mcp.Json;
import dev.toolgate.mode.JsonBody;
import dev.toolgate.mcp.JsonRpc;
import dev.toolgate.mcp.JsonRpcMessage;
import dev.toolgate.mcp.ModernMeta;
import dev.toolgate.mcp.ProtocolVersion;
import dev.toolgate.mcp.Session;
import dev.toolgate.mcp.SessionStore;
import dev.toolgate.observe.McpEvent;
import dev.toolgate.pipeline.Exchange;
import dev.toolgate.pipeline.RpcRecord;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A legacy (2025) client in front of a server that speaks only 2026-07-28: the gateway is the legacy
 * server the client talks to. It answers {@code initialize} from the server's {@code server/discover}
 * and keeps the session in the route's session store; each request goes to the server as a modern
 * request (the session's client info and capabilities in its {@code _meta}, the request headers set);
 * an {@code input_required} answer becomes the server-to-client requests a legacy client expects, sent
 * on the request's event stream, and the call is retried with the client's answers and the server's
 * {@code requestState} until it completes. A client that closes its request, or cancels it, closes the
 * server's stream (or its request, while it computes a JSON answer), which a 2026-07-28 server reads as the
 * call's cancellation. The client's answers must reach the instance that asked
 * (they are awaited in this process); everything else any instance sharing the store serves.
 */
final class LegacyBridge {

    /**
     * Marks the ids of the bridge's sessions, which clients hold as they hold a server's: unlike any a server
     * issues (UUIDs, hex, base64), since on a route that binds no sessions a client holds the server's own.
     */
    static final String ID_PREFIX = "tg-bridge.";

    /** Rounds of input one call may take before the gateway gives up on it. */
    static final int MAX_ROUNDS = 10;

    private final String endpoint;
    private final LegacyCalls.Route route;
    private final SessionStore store;
    private final InstantSource clock;
    private final long sessionTtlSeconds;
    private final AtomicLong ids = new AtomicLong();
    /** The calls in flight and the answers they await, which outlive this bridge's configuration. */
    private final LegacyCalls calls;

    /** @param route the route the bridge serves, whose calls a reload removing it ends */
    LegacyBridge(String endpoint, LegacyCalls.Route route, SessionStore store, InstantSource clock,
                 long sessionTtlSeconds, LegacyCalls calls) {
        this.calls = calls;
        this.endpoint = endpoint;
        this.route = route;
        this.store = store;
        this.clock = clock;
        this.sessionTtlSeconds = sessionTtlSeconds;
    }

    /**
     * Answers a legacy exchange through the modern server.
     *
     * @param access   the route's message policies (which already let the exchange through), or null
     * @param observed gets each message sent to the client, for the route's traffic events
     */
    Future<Void> answer(Exchange exchange, Buffer body, UpstreamLink link, UpstreamEras eras, PassthroughAccess access,
                        Consumer<byte[]> observed) {
        HttpMethod method = exchange.request().method();
        if (method == HttpMethod.GET) {
            // the server has no stream to offer: a legacy client goes on without one
            throw new GatewayException(new GatewayError.MethodNotAllowed("GET", "POST, DELETE"));
        }
        if (method == HttpMethod.DELETE) {
            return session(exchange).compose(session -> store.remove(session, exchange.clientAddress())
                            .recover(t -> Future.failedFuture(
                                    new GatewayException(GatewayError.TooManyEndedSessions.orUnavailable(t)))))
                    .compose(v -> exchange.request().response().setStatusCode(200).end());
        }
        JsonNode message = JsonBody.parse(body);
        if (message instanceof ArrayNode batch) {
            return session(exchange).compose(session -> batch(exchange, batch, session, link, access, observed, body));
        }
        return switch (JsonRpcMessage.classify(message)) {
            case JsonRpcMessage.Invalid invalid ->
                    throw new GatewayException(new GatewayError.InvalidMessage(invalid.id(), invalid.reason()));
            // nothing to forward, but only into a live session of this caller's: a client whose session ended
            // learns it now (404), as on the gateway's own sessions, not at its next request
            case JsonRpcMessage.Notification n -> session(exchange).compose(session -> {
                cancel(session, n);
                return exchange.request().response().setStatusCode(202).end();
            });
            // only the caller that owns the session may answer the requests its calls are waiting on
            case JsonRpcMessage.Response response -> session(exchange).compose(session -> {
                Promise<JsonNode> waiting = calls.answered(session.id() + "\n" + Json.text(response.id()));
                if (waiting != null) {
                    waiting.tryComplete(response.raw());
                }
                return exchange.request().response().setStatusCode(202).end();
            });
            case JsonRpcMessage.Request r when r.method().equals("initialize") -> initialize(exchange, r, link, eras, observed);
            case JsonRpcMessage.Request r -> {
                ClientAnswer answer = new ClientAnswer(exchange.request().response(), r.id(), observed);
                Future<Void> hungUp = ClientAnswer.hangUp(exchange.request().response());
                yield session(exchange).compose(session -> request(exchange, r, session, link, answer, hungUp, access,
                        body));
            }
        };
    }

    /**
     * One request of a session, answered through the server (or here: {@code ping}, {@code logging/setLevel}).
     *
     * @param hungUp completes when the client hangs up before the exchange's answer ended
     */
    private Future<Void> request(Exchange exchange, JsonRpcMessage.Request r, Session session, UpstreamLink link,
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
                                : answer.fail(failure instanceof GatewayException refused
                                ? refused.error() : upstreamError(link, failure)))
                        .onComplete(done -> calls.ended(key, cancelled));
            });
        };
    }

    /**
     * A 2025-03-26 client's batch (that revision requires servers to take them): each message goes through the
     * bridge as if sent on its own, at once, and the answers are the events of one stream, which ends when the last
     * is given; a batch of notifications and responses only gets 202. Bounded as the gateway's own endpoints bound
     * batches ({@link JsonBody#MAX_BATCH_MESSAGES}).
     */
    private Future<Void> batch(Exchange exchange, ArrayNode batch, Session session, UpstreamLink link,
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
                case JsonRpcMessage.Notification n -> cancel(session, n);
                case JsonRpcMessage.Response r -> {
                    Promise<JsonNode> waiting = calls.answered(session.id() + "\n" + Json.text(r.id()));
                    if (waiting != null) {
                        waiting.tryComplete(r.raw());
                    }
                }
                case JsonRpcMessage.Request r when r.method().equals("initialize") -> answered.add(
                        ClientAnswer.ofBatch(response, r.id(), observed).fail(new GatewayError.InvalidMessage(r.id(),
                                "initialize cannot be part of a batch")));
                case JsonRpcMessage.Request r -> answered.add(request(exchange, r, session, link,
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
    private void cancel(Session session, JsonRpcMessage.Notification n) {
        if (n.method().equals("notifications/cancelled") && n.params() != null && n.params().has("requestId")) {
            Promise<Void> cancelled = calls.cancelled(session.id() + "\n" + Json.text(n.params().get("requestId")));
            if (cancelled != null) {
                cancelled.tryComplete();
            }
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
            exchange.observation().finish(record, answer.bytesSent(), null, McpEvent.CANCELLED, false, null);
        }
        return answer.abandon();
    }

    /**
     * Why a call whose {@code cancelled} is complete ends: the client cancelled it (completed, left unanswered), or
     * the gateway ended it (failed: the client is told why, a removed route's {@link GatewayError.RouteRemoved}).
     */
    private static Throwable ending(Future<Void> cancelled) {
        return cancelled.failed() ? cancelled.cause() : new CallCancelled();
    }

    /**
     * One bridged request; {@code cancelled} completes when the client cancels it, fails when the gateway ends it;
     * {@code hungUp} completes when the client hangs up (the exchange's, which a batch's calls share). {@code traced}
     * is its record, whose trace context each round sent upstream carries.
     */
    private record Call(Exchange exchange, JsonRpcMessage.Request request, Session session, UpstreamLink link,
                        ClientAnswer answer, Predicate<String> shows, Future<Void> cancelled, Future<Void> hungUp,
                        RpcRecord traced) {
    }

    /** Which tools the caller may see (the route's policies already let the request through). */
    private static Future<Predicate<String>> admitted(Exchange exchange, Buffer body, PassthroughAccess access) {
        Predicate<String> shows = access == null ? null : access.shows(exchange);
        return Future.succeededFuture(shows == null ? name -> true : shows);
    }

    private Future<Void> initialize(Exchange exchange, JsonRpcMessage.Request r, UpstreamLink link, UpstreamEras eras,
                                    Consumer<byte[]> observed) {
        JsonNode requested = r.params() == null ? null : r.params().get("protocolVersion");
        if (requested == null || !requested.isTextual()) {
            throw new GatewayException(new GatewayError.InvalidParams(r.id(), "initialize needs params.protocolVersion"));
        }
        String version = ProtocolVersion.negotiate(requested.asText());
        // refused before the server is asked anything
        Session draft = BridgedSessionDraft.of(endpoint, version, r.id(), r.params(), clock.millis(),
                exchange.principal().sessionOwner());
        return eras.discovered(UpstreamEras.Place.of(exchange), link).compose(discovered -> {
            ObjectNode result = Json.object();
            result.put("protocolVersion", version);
            ObjectNode capabilities = discovered != null && discovered.get("capabilities") instanceof ObjectNode c
                    ? c.deepCopy() : Json.object();
            // no stream for list changes or log messages here: the server sends them on 2026 streams only
            capabilities.remove("logging");
            capabilities.remove("extensions");
            for (String listing : new String[] {"tools", "prompts", "resources"}) {
                if (capabilities.get(listing) instanceof ObjectNode feature) {
                    feature.remove("listChanged");
                    feature.remove("subscribe");
                }
            }
            result.set("capabilities", capabilities);
            JsonNode serverInfo = discovered == null ? null : discovered.path("_meta").get(ModernMeta.SERVER_INFO);
            result.set("serverInfo", serverInfo != null ? serverInfo
                    : Json.object().put("name", "toolgate-era-bridge").put("version", "1"));
            if (discovered != null && discovered.has("instructions")) {
                result.set("instructions", discovered.get("instructions"));
            }
            return store.create(draft, sessionTtlSeconds, exchange.clientAddress())
                    .recover(t -> {
                        // the record ends with the refusal its client gets, as any other refused request's
                        GatewayError refused = GatewayError.TooManySessions.orUnavailable(t);
                        exchange.observation().refused(exchange.observation().record(r.id()), refused);
                        return Future.failedFuture(new GatewayException(refused));
                    })
                    .compose(session -> {
                        exchange.request().response().putHeader("mcp-session-id", ID_PREFIX + session.id());
                        return new ClientAnswer(exchange.request().response(), r.id(), observed)
                                .finish(JsonRpc.result(r.id(), result));
                    });
        });
    }

    /**
     * Whether {@code id} names one of the bridge's sessions (by its mark, {@link #ID_PREFIX}): a request naming
     * one goes to the bridge whatever the gateway knows of the server's era now.
     */
    static boolean issued(String id) {
        return id != null && id.startsWith(ID_PREFIX);
    }

    /** The caller's bridged session the exchange names; fails as unknown when it is not one of the caller's. */
    Future<Session> session(Exchange exchange) {
        String id = exchange.sessionId();
        if (id == null || id.isEmpty()) {
            throw new GatewayException(new GatewayError.MissingSession());
        }
        if (!issued(id)) {
            return Future.failedFuture(new GatewayException(new GatewayError.UnknownSession()));
        }
        // a session bound to another caller does not exist for this one, nor does it stay alive for it
        return store.find(id.substring(ID_PREFIX.length()), endpoint, exchange.principal().sessionOwner())
                .transform(found -> {
                    if (found.failed()) {
                        return Future.failedFuture(new GatewayException(new GatewayError.SessionsUnavailable()));
                    }
                    return found.result() == null
                            ? Future.failedFuture(new GatewayException(new GatewayError.UnknownSession()))
                            : Future.succeededFuture(found.result());
                });
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
        return unlessEnded(call, call.link().post(message, null, ProtocolVersion.FIRST_MODERN, abandoned(call),
                        call.traced()))
                .compose(answer -> finalResponse(call, answer, id))
                .compose(response -> {
                    JsonNode result = response.get("result");
                    if (result != null && "input_required".equals(result.path("resultType").asText())) {
                        if (round + 1 >= MAX_ROUNDS) {
                            return Future.failedFuture(new UpstreamException(UpstreamException.Kind.BROKEN,
                                    "the server still asks for input after " + MAX_ROUNDS + " rounds"));
                        }
                        return askClient(call, result).compose(answers -> call(call,
                                result.path("requestState").asText(null), answers, round + 1));
                    }
                    return call.answer().finish(translate(call, response));
                });
    }

    /**
     * Completes when the round's request is to be given up before its answer: the client cancelled the call, hung up,
     * or the gateway ended the call. A server computing a JSON answer sends nothing before it, so no stream's close
     * would tell it; the request is reset at once instead (2026-07-28's cancellation), not held until read_timeout.
     */
    private static Future<Void> abandoned(Call call) {
        Promise<Void> abandoned = Promise.promise();
        call.cancelled().onComplete(ended -> abandoned.tryComplete());
        call.hungUp().onComplete(gone -> abandoned.tryComplete());
        return abandoned.future();
    }

    /**
     * The server's answer to a round, unless the call ends first (its client cancels it or goes away, or the
     * gateway ends it: its route removed): the client is told at once (or nothing, when it cancelled), and an
     * answer that comes later is let go unread.
     */
    private static Future<UpstreamLink.Answer> unlessEnded(Call call, Future<UpstreamLink.Answer> posted) {
        Context here = Vertx.currentContext();
        Promise<UpstreamLink.Answer> answer = Promise.promise();
        posted.onComplete(done -> {
            if (done.failed()) {
                // a request reset for the call's end fails as cancelled: the end says why (a removed route, say)
                answer.tryFail(call.cancelled().isComplete() ? ending(call.cancelled()) : done.cause());
            } else if (!answer.tryComplete(done.result())) {
                UpstreamLink.discard(done.result());
            }
        });
        call.cancelled().onComplete(ended -> here.runOnContext(now -> answer.tryFail(ending(call.cancelled()))));
        return answer.future();
    }

    /** The server's final response, relaying the notifications that come before it. */
    private static Future<JsonNode> finalResponse(Call call, UpstreamLink.Answer answer, JsonNode id) {
        if (answer.stream() == null) {
            JsonNode json = answer.json();
            if (UpstreamLink.answers(json, id)) {
                return Future.succeededFuture(json);
            }
            return Future.failedFuture(new UpstreamException(UpstreamException.Kind.BROKEN,
                    "the server answered HTTP " + answer.status() + " without a JSON-RPC response to the request"));
        }
        Promise<JsonNode> found = Promise.promise();
        // in 2026-07-28 closing the stream is the cancellation: a client that hung up must not leave the server
        // running its call, nor the gateway reading it on a pooled connection, for as long as the server streams
        call.hungUp().onComplete(gone -> {
            if (found.tryFail(new CallCancelled())) {
                answer.stream().close();
            }
        });
        // the cancellation arrives on the notification's event loop; the stream and the client's answer are this one's
        Context here = Vertx.currentContext();
        call.cancelled().onComplete(v -> here.runOnContext(now -> {
            if (found.tryFail(ending(call.cancelled()))) {
                answer.stream().close();
            }
        }));
        answer.stream().read(event -> {
            if (event.data().isEmpty() || found.future().isComplete()) {
                return;
            }
            try {
                JsonNode message = Json.parse(event.data());
                if (message.has("method") && !message.has("id")) {
                    call.answer().notify(message);
                    answer.stream().holdUntil(call.answer().writable());
                } else if (id.equals(message.get("id"))) {
                    found.tryComplete(message);
                    answer.stream().close();
                }
            } catch (IOException e) {
                // not a message: skip it
            }
        }).onComplete(end -> found.tryFail(end.failed() ? end.cause() : new UpstreamException(
                UpstreamException.Kind.BROKEN, "the server ended the stream without answering")));
        return found.future();
    }

    /**
     * Sends the server's input requests to the client as legacy server-to-client requests; their results by key.
     * What the call awaits (the answers and their timers) is let go as soon as the round ends, however it ends:
     * answered, cancelled, the client gone or silent.
     */
    private Future<ObjectNode> askClient(Call call, JsonNode result) {
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
            ObjectNode request = JsonRpc.notification(method, input.getValue().get("params"));
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
        call.cancelled().onComplete(v -> here.runOnContext(now -> asked.tryFail(ending(call.cancelled()))));
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

    /**
     * The server's response as a legacy client expects it: its own id, no 2026 result fields, and no 2026-only error
     * code: a capability the server requires and the client did not declare (-32021, which legacy revisions do not
     * define) is told as the invalid parameters it amounts to (-32602), its message and data kept.
     */
    private static ObjectNode translate(Call call, JsonNode response) {
        if (response.get("error") instanceof ObjectNode error) {
            ObjectNode out = JsonRpc.error(call.request().id(), 0, "");
            ObjectNode copy = error.deepCopy();
            if (copy.path("code").asInt() == JsonRpc.MISSING_CLIENT_CAPABILITY) {
                copy.put("code", JsonRpc.INVALID_PARAMS);
            }
            out.set("error", copy);
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
