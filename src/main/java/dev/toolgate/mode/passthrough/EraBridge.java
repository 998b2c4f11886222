package dev.toolgate.mode.passthrough;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.error.GatewayError;
import dev.toolgate.error.GatewayException;
import dev.toolgate.http.UpstreamException;
import dev.toolgate.mcp.Json;
import dev.toolgate.mcp.JsonRpc;
import dev.toolgate.mcp.JsonRpcMessage;
import dev.toolgate.mcp.LoggingLevels;
import dev.toolgate.mcp.ModernMeta;
import dev.toolgate.mcp.Session;
import dev.toolgate.mcp.SessionStore;
import dev.toolgate.mode.ModernRequest;
import dev.toolgate.pipeline.Exchange;
import dev.toolgate.pipeline.MessageEvents;
import dev.toolgate.pipeline.RpcRecord;
import io.vertx.core.Future;

import java.io.IOException;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A modern (2026-07-28) client in front of a legacy (2025) MCP server: the gateway speaks the
 * legacy protocol upstream on the client's behalf. Each caller's requests go into a legacy session
 * the gateway opened with the client's capabilities ({@link LegacySessions}); answers come back with
 * {@code resultType}, tool lists with their caching hints (filtered by the route's tool ACLs). When
 * the server asks the client something in the middle of a call (sampling, elicitation, roots), the
 * call is answered {@code input_required} with the server's request and a {@code requestState}
 * ({@link BridgeState}); the client's retry hands the answers to the server and reads the rest of the
 * call's stream, resumed after the last event read (legacy streams resume with GET and
 * {@code Last-Event-ID}), so whichever instance the retry reaches continues the call. A call's stream the server
 * ends early (SSE polling) is resumed the same way, after the server's {@code retry}. Closing the
 * client's stream cancels the upstream call ({@code notifications/cancelled}), whenever it closes before the
 * answer: also while the server is still computing a JSON answer, whose request is then reset. A call the
 * service's {@code read_timeout} ends is cancelled at the server likewise.
 *
 * @see <a href="https://modelcontextprotocol.io/specification/2026-07-28/basic/patterns/mrtr">Multi round-trip requests</a>
 */
final class EraBridge {

    /**
     * What a route's bridge needs: where round states go, and the tool lists' caching hints.
     *
     * @param predatesRemoval whether a round state began before a reload here removed the route: its call ran
     *                        on a server that may not be this route's now
     */
    record Settings(String endpoint, SessionStore store, InstantSource clock, long ttlMs, String cacheScope,
                    Predicate<Session> predatesRemoval) {
    }

    private static final String INPUT_KEY = "toolgate-input-";

    private final Settings settings;
    private final ModernResults results;
    private final LegacySessions sessions;
    private final ServerQuestions questions = new ServerQuestions();
    private final AtomicLong ids = new AtomicLong();
    private final String prefix = "tg-" + Long.toHexString(System.nanoTime() & 0xffffff) + "-";

    /** @param sessions the sessions with the legacy server, which outlive this configuration */
    EraBridge(Settings settings, LegacySessions sessions) {
        this.settings = settings;
        this.sessions = sessions;
        this.results = new ModernResults(settings.ttlMs(), settings.cacheScope());
    }

    /**
     * One bridged request and what it needs along the way; {@code gone} completes when its client goes away.
     * {@code traced} is its record, whose trace context each upstream request sent for it carries.
     */
    private record Call(Exchange exchange, ModernRequest modern, UpstreamLink link, ClientAnswer answer, String holder,
                        String key, Predicate<String> shows, Future<Void> gone, RpcRecord traced,
                        QuestionTie tie) {
        JsonRpcMessage.Request request() {
            return modern.request();
        }
    }

    /**
     * Answers a checked modern request through the legacy server.
     *
     * @param shows    which tools the caller may see (tool ACLs), or null for all
     * @param observed gets each message sent to the client, for the route's traffic events
     */
    Future<Void> answer(Exchange exchange, ModernRequest modern, UpstreamLink link, Predicate<String> shows,
                        Consumer<byte[]> observed) {
        // a digest: the declaration comes with each request, as long as a body may be, and the key is kept with
        // each of up to LegacySessions.MAX_SESSIONS sessions (whole, a megabyte each). The client's name, not its
        // version or the rest of its info: what the server offers depends on who the client is and what it can
        // do, and a client that varies its version per request would open a session upstream for each
        // Of the capabilities, those the server is told (LegacyHandshake.forwarded): others change nothing upstream.
        // And the upstream path (and query): a prefix route serves many, and a session opened at one is none at another.
        String holder = BridgeState.holder(exchange);
        String key = BridgeState.digest(BridgeState.client(exchange) + "\n" + link.uri() + "\n"
                + Json.text(LegacyHandshake.forwarded(modern.meta())) + "\n"
                + (modern.meta().clientInfo() == null ? "" : modern.meta().clientInfo().path("name").asText()));
        ClientAnswer answer = new ClientAnswer(exchange.request().response(), modern.request().id(), observed);
        // the hang-up heard from the start, not once the server's stream begins: a server computing a JSON answer
        // sends nothing before it
        Call call = new Call(exchange, modern, link, answer, holder, key, shows,
                ClientAnswer.hangUp(exchange.request().response()),
                exchange.observation().record(modern.request().id()), new QuestionTie());
        // counted in flight: a reload retiring the route's sessions lets it finish before they end at the server
        Future<Void> done = sessions.retirement().running(() -> switch (modern.request().method()) {
            case "server/discover" -> sessions.of(holder, key, link, modern.meta(), opening(link, modern, holder))
                    .compose(session -> call.answer().finish(JsonRpc.result(modern.request().id(),
                            results.discover(session.initialize(), BridgeState.identifiesItself(exchange)))));
            case "ping", "initialize", "logging/setLevel", "resources/subscribe", "resources/unsubscribe",
                 "subscriptions/listen" -> throw new GatewayException(new GatewayError.UnknownMethod(
                    modern.request().id(), modern.request().method()));
            default -> resumes(modern.request()) ? resume(call) : forward(call, true);
        });
        return done.onComplete(v -> questions.leave(call.tie())).recover(failure -> failure instanceof CallCancelled ? call.answer().abandon()
                : call.answer().fail(MessageEvents.upstreamFailed(call.traced(),
                        failure instanceof GatewayException refused ? refused.error() : upstreamError(link, failure))));
    }

    /**
     * The call, told to the server as cancelled ({@code notifications/cancelled}) when it ends because its client
     * went away or the service's read_timeout passed: a requester that gives up on a request SHOULD say so, and a
     * legacy server goes on computing an answer nobody reads until it is told.
     */
    private static <T> Future<T> cancelling(Call call, LegacySessions.Opened session, JsonNode upstreamId,
                                            Future<T> running) {
        return running.onFailure(failure -> {
            if (failure instanceof CallCancelled || failure instanceof UpstreamException e
                    && e.kind() == UpstreamException.Kind.TIMEOUT) {
                var cancelled = JsonRpc.notification("notifications/cancelled",
                        Json.object().set("requestId", upstreamId));
                call.link().tell(cancelled, session.id(), session.version(), call.traced());
            }
        });
    }

    /**
     * True for a retry carrying a {@code requestState}: it continues the call in flight the state names (bound to
     * its caller and request), or is refused; it never starts another call upstream.
     */
    static boolean resumes(JsonRpcMessage.Request request) {
        return request.params() != null && request.params().has("requestState");
    }

    private Future<Void> forward(Call call, boolean retryOn404) {
        return sessions.of(call.holder(), call.key(), call.link(), call.modern().meta(),
                        opening(call.link(), call.modern(), call.holder()))
                .compose(session -> watched(call, session).map(session)).compose(session -> {
            if (call.gone().isComplete()) {
                return Future.failedFuture(new CallCancelled()); // nothing asked of the server yet: nothing to cancel
            }
            JsonNode upstreamId = Json.MAPPER.getNodeFactory().textNode(prefix + ids.incrementAndGet());
            ObjectNode params = call.request().params() instanceof ObjectNode p ? ModernMeta.withoutProtocolFields(p)
                    : null;
            // the client's _meta.traceparent (a copy) names the gateway's span, as the header does: a server SDK
            // that reads it would otherwise parent its span to the client's, past the gateway's
            if (params != null && params.get("_meta") instanceof ObjectNode meta && meta.has("traceparent")) {
                call.traced().writeTraceContext(meta);
            }
            ObjectNode message = JsonRpc.notification(call.request().method(), params);
            message.set("id", upstreamId);
            return cancelling(call, session, upstreamId, call.link().post(message, session.id(), session.version(),
                    call.gone(), call.traced())).compose(answer -> {
                if (answer.status() == 404 && session.id() != null && retryOn404) {
                    UpstreamLink.discard(answer);
                    sessions.forget(call.key(), session);
                    return forward(call, false);
                }
                return cancelling(call, session, upstreamId, stream(call, session, upstreamId).read(answer, null));
            });
        });
    }

    /**
     * What is done with a session the bridge opens: its standalone stream watched for a while when its client may be
     * asked something, so that the server's first questions are answered rather than lost.
     */
    private Function<LegacySessions.Opened, Future<Void>> opening(UpstreamLink link, ModernRequest modern,
                                                                 String holder) {
        // decided here, not in the function: the session's future keeps it, and the request (a declaration may
        // be a megabyte) is not to be kept with it
        if (!ServerQuestions.mayBeAsked(modern.meta())) {
            return opened -> Future.succeededFuture();
        }
        return opened -> questions.opening(link, opened, holder);
    }

    /** The session's standalone stream, watched for the server's questions when this call may be asked one. */
    private Future<Void> watched(Call call, LegacySessions.Opened session) {
        return ServerQuestions.asks(call.request().method(), call.modern().meta())
                ? questions.enter(call.tie(), call.link(), session) : Future.succeededFuture();
    }

    /** A retry that carries the client's answers: hand them to the server, then read the rest of the call. */
    private Future<Void> resume(Call call) {
        JsonNode params = call.request().params();
        JsonNode requestState = params.get("requestState");
        if (!requestState.isTextual()) {
            throw new GatewayException(new GatewayError.InvalidRequestState(call.request().id(), "must be a string"));
        }
        String client = BridgeState.client(call.exchange());
        String request = BridgeState.fingerprint(call.request());
        java.util.function.Predicate<BridgeState> owned = s -> s.caller().equals(client) && s.request().equals(request);
        return BridgeState.load(settings.store(), settings.endpoint(), requestState.asText(), owned,
                        settings.predatesRemoval())
                .recover(t -> Future.failedFuture(new GatewayException(new GatewayError.SessionsUnavailable())))
                .compose(state -> {
            if (state == null) {
                throw new GatewayException(new GatewayError.InvalidRequestState(call.request().id(),
                        "is unknown, altered, expired or already used"));
            }
            if (!owned.test(state)) {
                throw new GatewayException(new GatewayError.InvalidRequestState(call.request().id(),
                        "was issued to another caller or for another request"));
            }
            JsonNode responses = params.path("inputResponses");
            LegacySessions.Opened session = sessions.known(call.key(), state.session(), state.version());
            Future<Void> handed = watched(call, session); // before the server goes on: it may ask again
            for (Map.Entry<String, String> input : state.pending().entrySet()) {
                JsonNode response = responses.get(input.getKey());
                if (response == null || !response.isObject()) {
                    throw new GatewayException(new GatewayError.InvalidParams(call.request().id(),
                            "inputResponses needs an object for '" + input.getKey() + "'"));
                }
                ObjectNode reply = JsonRpc.result(parse(input.getValue()), response);
                handed = handed.compose(v -> call.link().tell(reply, state.session(), state.version(), call.traced())
                        .mapEmpty());
            }
            JsonNode upstreamId = parse(state.call());
            return handed.compose(v -> call.link().resume(state.session(), state.version(), state.lastEventId(),
                            call.traced()))
                    .compose(answer -> answer.status() / 100 == 2
                            ? cancelling(call, session, upstreamId, stream(call, session, upstreamId).read(answer,
                            state.lastEventId()))
                            : Future.failedFuture(new GatewayException(new GatewayError.InvalidRequestState(
                            call.request().id(), "names a call the server no longer has (HTTP "
                            + UpstreamLink.discard(answer) + ")"))));
        });
    }

    /** The call's stream from the server, its messages and its answer acted on here. */
    private PolledStream stream(Call call, LegacySessions.Opened session, JsonNode upstreamId) {
        return new PolledStream(call.link(), session, call.gone(), call.traced(), upstreamId, call.tie(),
                new PolledStream.Reader() {
            @Override
            public Future<Void> answered(JsonNode response) {
                return finish(call, session, response);
            }

            @Override
            public Future<Void> message(UpstreamLink.Stream stream, String earlierId, JsonNode message) {
                return onMessage(call, session, upstreamId, stream, earlierId, message);
            }

            @Override
            public Future<Void> asked(String lastEventId, java.util.List<JsonNode> requests) {
                return askClient(call, session, upstreamId, lastEventId, requests);
            }
        });
    }

    /**
     * Acts on one message of the call's stream; a future when it ends the client's request, else null.
     * {@code earlierId} is the last event id of the call's earlier streams, which a resumed one without ids keeps.
     */
    private Future<Void> onMessage(Call call, LegacySessions.Opened session, JsonNode upstreamId,
                                   UpstreamLink.Stream stream, String earlierId, JsonNode message) {
        String method = message.path("method").asText(null);
        if (method == null) {
            return upstreamId.equals(message.get("id")) ? finish(call, session, message) : null;
        }
        if (!message.has("id")) {
            // a legacy server logs at the level it was last set to (the bridge never sets one): the client's filters
            String asked = call.modern().meta().logLevel();
            if (method.equals("notifications/progress") || method.equals("notifications/message") && asked != null
                    && LoggingLevels.shown(message.path("params").path("level").asText(null), asked)) {
                call.answer().notify(message);
                stream.holdUntil(call.answer().writable());
            }
            return null;
        }
        return switch (method) {
            case "ping" -> {
                call.link().tell(JsonRpc.result(message.get("id"), Json.object()), session.id(), session.version(),
                        call.traced());
                yield null;
            }
            case "sampling/createMessage", "elicitation/create", "roots/list" ->
                    askClient(call, session, upstreamId,
                            stream.lastEventId() != null ? stream.lastEventId() : earlierId, java.util.List.of(message));
            default -> {
                call.link().tell(JsonRpc.error(message.get("id"), JsonRpc.METHOD_NOT_FOUND,
                        "Method not found: " + method), session.id(), session.version(), call.traced());
                yield null;
            }
        };
    }

    /** Answers the client {@code input_required} with the server's requests, the round's state saved. */
    private Future<Void> askClient(Call call, LegacySessions.Opened session, JsonNode upstreamId,
                                   String lastEventId, java.util.List<JsonNode> requests) {
        if (lastEventId == null) {
            return Future.failedFuture(new UpstreamException(UpstreamException.Kind.BROKEN, "the server asked the "
                    + "client for input on a stream it cannot resume (its events have no ids), which a modern client "
                    + "cannot answer"));
        }
        Map<String, String> pending = new LinkedHashMap<>();
        ObjectNode inputs = Json.object();
        for (JsonNode request : requests) {
            String key = INPUT_KEY + ids.incrementAndGet();
            ObjectNode params = request.get("params") instanceof ObjectNode p ? p.deepCopy() : Json.object();
            if (request.path("method").asText().equals("elicitation/create") && !params.has("mode")) {
                params.put("mode", "form");
            }
            pending.put(key, Json.text(request.get("id")));
            ObjectNode input = inputs.putObject(key);
            input.put("method", request.path("method").asText());
            input.set("params", params);
        }
        BridgeState state = new BridgeState(session.id(), session.version(), Json.text(upstreamId), lastEventId,
                pending, BridgeState.client(call.exchange()), BridgeState.fingerprint(call.request()));
        if (!state.storable()) {
            return Future.failedFuture(new UpstreamException(UpstreamException.Kind.BROKEN, "the server asked the "
                    + "client for input, but its session, call and event ids are too long to continue the call from "
                    + "a retry (more than " + BridgeState.MAX_BYTES + " bytes)"));
        }
        // the gateway's own store refused the round (full, or out of reach): not the server's failure
        return state.save(settings.store(), settings.endpoint(), settings.clock())
                .recover(t -> {
                    // the record ends with the refusal its client gets, as any other refused request's
                    GatewayError refused = GatewayError.TooManySessions.orUnavailable(t);
                    MessageEvents.refused(call.exchange().observation().record(call.request().id()), refused);
                    return Future.failedFuture(new GatewayException(refused));
                })
                .compose(requestState -> {
            ObjectNode result = Json.object();
            result.put("resultType", "input_required");
            result.set("inputRequests", inputs);
            result.put("requestState", requestState);
            return call.answer().finish(JsonRpc.result(call.request().id(), result));
        });
    }

    /** Answers the client with the server's response; a method the server does not know is a 2026 404. */
    private Future<Void> finish(Call call, LegacySessions.Opened session, JsonNode message) {
        if (message.path("error").path("code").asInt() == JsonRpc.METHOD_NOT_FOUND) {
            return call.answer().fail(new GatewayError.UnknownMethod(call.request().id(), call.request().method()));
        }
        // the answer may be this client's alone: it sent the server credentials of its own, or it is anonymous and
        // its session is its address's (BridgeState.holder), whose lists may hold what it added (session resources)
        boolean personal = BridgeState.identifiesItself(call.exchange()) || BridgeState.anonymous(call.exchange());
        return call.answer().finish(results.translate(call.request(), call.shows(), personal, session.initialize(),
                message));
    }

    private static JsonNode parse(String json) {
        try {
            return Json.parse(json);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static GatewayError upstreamError(UpstreamLink link, Throwable failure) {
        UpstreamException cause = UpstreamException.from(failure, link.target());
        return cause.kind() == UpstreamException.Kind.TIMEOUT
                ? new GatewayError.UpstreamTimeout(link.target().service(), cause.detail())
                : new GatewayError.UpstreamUnavailable(link.target().service(), cause.detail());
    }
}
