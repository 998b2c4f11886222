package dev.toolgate.mode.passthrough;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.error.GatewayError;
import dev.toolgate.error.GatewayException;
import dev.toolgate.mcp.Json;
import dev.toolgate.mode.JsonBody;
import dev.toolgate.mcp.JsonRpc;
import dev.toolgate.mcp.JsonRpcMessage;
import dev.toolgate.mcp.ModernMeta;
import dev.toolgate.mcp.ProtocolVersion;
import dev.toolgate.mcp.Session;
import dev.toolgate.mcp.SessionStore;
import dev.toolgate.pipeline.Exchange;
import dev.toolgate.pipeline.MessageEvents;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;

import java.time.InstantSource;
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

    private final String endpoint;
    private final SessionStore store;
    private final InstantSource clock;
    private final long sessionTtlSeconds;
    /** The session's requests, each a call of rounds upstream. */
    private final LegacyRounds rounds;
    private final LegacyBatch batches;
    /** Sessions a reload here ended with the route, unknown to one of the same name loaded again. */
    private final Predicate<Session> predatesRemoval;
    /** Whether the route is still served as this bridge was built for it. */
    private final RouteTenure tenure;

    /**
     * @param route  the route the bridge serves, whose calls a reload removing it ends
     * @param tenure whether the route is still served as built: a session created once it is not ends at once
     */
    LegacyBridge(String endpoint, LegacyCalls.Route route, SessionStore store, InstantSource clock,
                 long sessionTtlSeconds, LegacyCalls calls, Predicate<Session> predatesRemoval, RouteTenure tenure) {
        this.endpoint = endpoint;
        this.tenure = tenure;
        this.predatesRemoval = predatesRemoval;
        this.store = store;
        this.clock = clock;
        this.sessionTtlSeconds = sessionTtlSeconds;
        this.rounds = new LegacyRounds(route, calls);
        this.batches = new LegacyBatch(rounds);
    }

    /**
     * What the bridge admitted of an exchange before the route's message policies: the caller's session it names, or
     * null for an {@code initialize} alone, which opens a session of its own.
     */
    record Admitted(Session session) {
    }

    /**
     * The bridge's refusal of an exchange, judged before the route's message policies (which may spend a tool
     * limit or write an audit): the transport's rules, a method it does not serve, and, for anything but an
     * {@code initialize} alone, the caller's session. Fails with the refusal; succeeds with what {@link #answer}
     * then serves, so that it looks the session up no more.
     */
    Future<Admitted> admit(Exchange exchange, Buffer body) {
        BridgedTransport.checkLegacy(exchange, body);
        if (exchange.request().method() == HttpMethod.GET) {
            // the server has no stream to offer: a legacy client goes on without one
            throw new GatewayException(new GatewayError.MethodNotAllowed("GET", BridgedTransport.LEGACY_METHODS));
        }
        if (ModernTraffic.opensSession(exchange, body) && !JsonBody.opensBatch(body)) {
            // opens a session of its own: any it names is none of its concern
            return Future.succeededFuture(new Admitted(null));
        }
        return session(exchange).map(Admitted::new);
    }

    /**
     * Answers a legacy exchange through the modern server.
     *
     * @param admitted what {@link #admit} admitted of the exchange (its transport's rules are judged already)
     * @param access   the route's message policies (which already let the exchange through), or null
     * @param observed gets each message sent to the client, for the route's traffic events
     */
    Future<Void> answer(Exchange exchange, Buffer body, Admitted admitted, UpstreamLink link, UpstreamEras eras,
                        PassthroughAccess access, Consumer<byte[]> observed) {
        if (exchange.request().method() == HttpMethod.DELETE) {
            return session(exchange, admitted).compose(session -> store.remove(session, exchange.clientNetwork())
                            .recover(t -> Future.failedFuture(
                                    new GatewayException(GatewayError.TooManyEndedSessions.orUnavailable(t)))))
                    .compose(v -> exchange.request().response().setStatusCode(200).end());
        }
        JsonNode message = JsonBody.parse(body);
        if (message instanceof ArrayNode batch) {
            return session(exchange, admitted).compose(session -> batches.answer(exchange, batch, session, link, access,
                    observed, body));
        }
        return switch (JsonRpcMessage.classify(message)) {
            case JsonRpcMessage.Invalid invalid ->
                    throw new GatewayException(new GatewayError.InvalidMessage(invalid.id(), invalid.reason()));
            // nothing to forward, but only into a live session of this caller's: a client whose session ended
            // learns it now (404), as on the gateway's own sessions, not at its next request
            case JsonRpcMessage.Notification n -> session(exchange, admitted).compose(session -> {
                rounds.cancel(session, n);
                return exchange.request().response().setStatusCode(202).end();
            });
            // only the caller that owns the session may answer the requests its calls are waiting on
            case JsonRpcMessage.Response response -> session(exchange, admitted).compose(session -> {
                rounds.answered(session, response);
                return exchange.request().response().setStatusCode(202).end();
            });
            case JsonRpcMessage.Request r when r.method().equals("initialize") -> initialize(exchange, r, link, eras, observed);
            case JsonRpcMessage.Request r -> {
                ClientAnswer answer = new ClientAnswer(exchange.request().response(), r.id(), observed);
                Future<Void> hungUp = ClientAnswer.hangUp(exchange.request().response());
                yield session(exchange, admitted).compose(session -> rounds.request(exchange, r, session, link, answer,
                        hungUp, access, body));
            }
        };
    }

    /** The session {@link #admit} found, or, for a message it looked none up for, the caller's session now. */
    private Future<Session> session(Exchange exchange, Admitted admitted) {
        // a notification named initialize is not one: its session was not looked up before the policies
        return admitted.session() != null ? Future.succeededFuture(admitted.session()) : session(exchange);
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
            return store.create(draft, sessionTtlSeconds, exchange.clientNetwork())
                    .recover(t -> {
                        // the record ends with the refusal its client gets, as any other refused request's
                        GatewayError refused = GatewayError.TooManySessions.orUnavailable(t);
                        MessageEvents.refused(exchange.observation().record(r.id()), refused);
                        return Future.failedFuture(new GatewayException(refused));
                    })
                    .compose(session -> tenure.keep(session, store))
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

    /**
     * The caller's bridged session the exchange names; fails as unknown when it is not one of the caller's, or
     * began before a reload here removed the route.
     */
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
                    return found.result() == null || predatesRemoval.test(found.result())
                            ? Future.failedFuture(new GatewayException(new GatewayError.UnknownSession()))
                            : Future.succeededFuture(found.result());
                });
    }
}
