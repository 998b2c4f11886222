package dev.toolgate.mode.passthrough;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.error.GatewayError;
import dev.toolgate.error.GatewayException;
import dev.toolgate.http.UpstreamQuery;
import dev.toolgate.mcp.Json;
import dev.toolgate.mcp.McpEnvelope;
import dev.toolgate.mcp.ProtocolVersion;
import dev.toolgate.mcp.Session;
import dev.toolgate.mcp.SessionStore;
import dev.toolgate.pipeline.Exchange;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;

import java.io.IOException;
import java.time.InstantSource;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * A passthrough route's upstream sessions, bound to the caller that opened them. The server knows its
 * clients by {@code Mcp-Session-Id} alone, so whoever learned another consumer's id would read that
 * consumer's stream and act in its session. When the gateway identified the caller (a consumer, or a
 * credential: {@link dev.toolgate.pipeline.Principal#sessionOwner}), the id the server answers
 * {@code initialize} with is kept in the route's session store ({@code server.session}) under an id the
 * store issues, bound to that caller; the client only ever sees the store's id, and each of its requests
 * goes upstream with the server's. Another caller's id, or one the store does not know, is refused as an
 * unknown session (404) and never forwarded. In this process and in Redis the store keeps the server's id;
 * with {@code strategy: client} it is sealed into the client's id with the owner, so every instance holding
 * the secret serves it. The binding ends with the session: a DELETE or a 404 from the server, the store's
 * idle expiry or TTL. A caller the gateway did not identify is forwarded as before, its ids unchanged. Only
 * on a route whose {@code server.session.strategy} is set (shared or sealed): kept in this process alone, a
 * binding would be unknown to the instance a balancer sends the next request to, and passthrough needed no
 * shared state before.
 */
final class BoundSessions {

    /** The longest server session id kept: more would not fit a sealed id in a request header. */
    static final int MAX_UPSTREAM_ID = 1024;
    /**
     * Where the HTTP+SSE transport of 2024-11-05 names the session, in the query of the endpoint its stream
     * names, as servers read it: {@code sessionId} (TypeScript, Java), {@code session_id} (Python),
     * {@code sessionid} (Go), in any case (ASP.NET), as {@code sessionId[]} (Express): compared as
     * {@link #sessionParameter} folds a name.
     */
    private static final String QUERY_SESSION = "sessionid";
    /** An open stream renews its session at least this often (twice), however long the session may idle. */
    static final long MAX_KEEPALIVE_SECONDS = 60;

    private final boolean binds;
    private final String endpoint;
    private final String service;
    private final SessionStore store;
    private final long ttlSeconds;
    private final InstantSource clock;
    /** Bindings a reload here ended with the route, unknown to one of the same name loaded again. */
    private final Predicate<Session> predatesRemoval;
    /** Whether the route is still served as these bindings were built for it. */
    private final RouteTenure tenure;

    /**
     * @param binds    whether sessions are bound at all (the route's {@code server.session.strategy} is set)
     * @param endpoint what the bindings are kept under in {@code store}: the route's, apart from its bridges'
     * @param service  the route's service, named when its session id cannot be kept
     * @param predatesRemoval whether a binding began before a reload here removed the route: the server it names
     *                 may not be this route's now
     * @param tenure   whether the route is still served as built: a binding created once it is not ends at once
     */
    BoundSessions(boolean binds, String endpoint, String service, SessionStore store, long ttlSeconds,
                  InstantSource clock, Predicate<Session> predatesRemoval, RouteTenure tenure) {
        this.tenure = tenure;
        this.binds = binds;
        this.endpoint = endpoint;
        this.service = service;
        this.store = store;
        this.ttlSeconds = ttlSeconds;
        this.clock = clock;
        this.predatesRemoval = predatesRemoval;
    }

    /**
     * The session the client's id stands for; null (succeeded) when the caller is nobody the gateway
     * identified or sent no id, and the exchange goes upstream as it came. Fails with an unknown session
     * (404) when the id is not one this route issued to this caller (or one begun before a reload here removed
     * the route), with sessions unavailable (503) when
     * the store cannot be reached, and, for an identified caller, when a POST's query names a session (the
     * HTTP+SSE transport's messages, whose id in the query cannot be bound: {@link #QUERY_SESSION}) or a GET
     * looks like that transport's stream ({@link #sseTransportStream}).
     */
    Future<Session> resolve(Exchange exchange) {
        String caller = exchange.principal().sessionOwner();
        if (!binds || caller == null) {
            return Future.succeededFuture();
        }
        String parameter = exchange.request().method() == HttpMethod.POST
                ? sessionParameter(exchange.request().query()) : null;
        if (parameter != null) {
            // the HTTP+SSE transport's POSTs: an id bound to nobody, which anyone who learned it could use
            return Future.failedFuture(new GatewayException(new GatewayError.SessionInQuery(parameter)));
        }
        if (sseTransportStream(exchange)) {
            return Future.failedFuture(new GatewayException(new GatewayError.UnboundSseTransport()));
        }
        String id = exchange.sessionId();
        if (id == null) {
            return Future.succeededFuture();
        }
        return store.find(id, endpoint, caller).transform(found -> {
            if (found.failed()) {
                return Future.failedFuture(new GatewayException(new GatewayError.SessionsUnavailable()));
            }
            Session session = found.result();
            // another caller's session, or the server's own id sent past the gateway's, does not exist here
            return session == null || session.upstream() == null || !session.usableBy(caller)
                    || predatesRemoval.test(session)
                    ? Future.failedFuture(new GatewayException(new GatewayError.UnknownSession()))
                    : Future.succeededFuture(session);
        });
    }

    /**
     * Whether a GET is the HTTP+SSE transport's stream, whose first event would show the caller the server's own
     * session id: it names no session, nor a protocol version, which a Streamable HTTP client of 2025-06-18 or
     * later sends on every request after {@code initialize} (and its GET stream comes only after it).
     */
    private static boolean sseTransportStream(Exchange exchange) {
        return exchange.request().method() == HttpMethod.GET && exchange.sessionId() == null
                && exchange.header("mcp-protocol-version") == null;
    }

    /**
     * The query argument that names a session to some server, as the client wrote its name (cut at 64
     * characters), or null. Names are folded as servers read them: percent-decoded, in any case, without
     * {@code _} or {@code -}, and without a {@code [...]} or {@code .x} suffix; {@code ;} separates arguments
     * too, as some servers take it to.
     */
    static String sessionParameter(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return null;
        }
        for (var argument : UpstreamQuery.decode(rawQuery.replace(';', '&'), true)) {
            String name = argument.getKey();
            int suffix = indexOfAny(name, "[.");
            String folded = (suffix < 0 ? name : name.substring(0, suffix)).replace("_", "").replace("-", "")
                    .strip().toLowerCase(Locale.ROOT);
            if (folded.equals(QUERY_SESSION)) {
                return name.length() <= 64 ? name : name.substring(0, 64);
            }
        }
        return null;
    }

    private static int indexOfAny(String text, String characters) {
        for (int i = 0; i < text.length(); i++) {
            if (characters.indexOf(text.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The server's session id an answer names that the client must not get as it is: a session the server
     * opened for an identified caller, which a successful answer binds ({@link #bindable}) and an error
     * withholds. Whatever the request: a server may open its session on another request than
     * {@code initialize}, or on an {@code initialize} inside a batch. Null when the answer names none, or the
     * caller's bound session (shown by the client's id: {@link #showingClientsId}), and when nothing is bound.
     */
    String opened(Exchange exchange, Session session, HttpClientResponse answer) {
        String id = binds && exchange.principal().sessionOwner() != null ? answer.getHeader("mcp-session-id") : null;
        return id == null || session != null && id.equals(session.upstream()) ? null : id;
    }

    /**
     * Whether the session an answer opened is bound to the caller: only when it succeeded. An error leaves
     * nothing to go on in (the Python SDK's server answers a request without a session 400, with a new
     * session's id), and binding each would let a client fill the store with the errors it provokes.
     */
    static boolean bindable(HttpClientResponse answer) {
        return answer.statusCode() / 100 == 2;
    }

    /**
     * True when the request is one {@code initialize} alone, whose answer may be refused when its session
     * cannot be kept: the server ran nothing else.
     */
    static boolean onlyInitialize(Buffer request) {
        try {
            byte[] bytes = request.getBytes();
            var messages = McpEnvelope.readAll(bytes, 0, bytes.length);
            return messages.size() == 1 && "initialize".equals(messages.getFirst().method());
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The answer's headers without the session id it named (after {@code then}). */
    static Relay.HeaderRewrite withoutId(Relay.HeaderRewrite then) {
        return headers -> {
            if (then != null) {
                then.rewrite(headers);
            }
            headers.remove("mcp-session-id");
        };
    }

    /**
     * What the client must see of an answer's headers in {@code session}: its own id, where the server named
     * the session. Servers may repeat their id on every answer (the TypeScript SDK's does on each stream), and
     * clients adopt the id an answer carries (the TypeScript SDK's does), then send it: the server's own id,
     * which the gateway refuses as unknown. Without a bound session, {@code then} alone.
     */
    static Relay.HeaderRewrite showingClientsId(Session session, Relay.HeaderRewrite then) {
        if (session == null) {
            return then;
        }
        return headers -> {
            if (headers.contains("mcp-session-id")) {
                headers.set("mcp-session-id", session.id());
            }
            if (then != null) {
                then.rewrite(headers);
            }
        };
    }

    /**
     * Issues the client's id for the server's session {@code upstream}, bound to the caller. Fails as the
     * gateway's error to answer with: the store's caps reached or the store unreachable, or an id too long
     * to keep.
     */
    Future<Session> issue(Exchange exchange, Buffer opening, String upstream) {
        if (upstream.length() > MAX_UPSTREAM_ID) {
            return Future.failedFuture(new GatewayException(new GatewayError.UpstreamUnavailable(service,
                    "the server's Mcp-Session-Id is longer than " + MAX_UPSTREAM_ID + " characters")));
        }
        Session draft = new Session(null, endpoint, requestedVersion(exchange, opening), null, null, null, clock.millis(),
                exchange.principal().sessionOwner(), upstream);
        return store.create(draft, ttlSeconds, exchange.clientNetwork()).recover(failure -> Future.failedFuture(
                new GatewayException(GatewayError.TooManySessions.orUnavailable(failure))))
                .compose(session -> tenure.keep(session, store));
    }

    /**
     * The server answered a request of {@code session} with {@code status}: a DELETE it accepted, or a 404
     * (it no longer knows the session), ends the binding too, within the client address's budget of ended
     * sessions (past it the binding lives on to its TTL, the server's answer unchanged). Completes once the
     * store is told.
     */
    Future<Void> answered(Session session, String method, int status, String client) {
        if (status == 404 || "DELETE".equals(method) && status / 100 == 2) {
            return store.remove(session, client).otherwise((Void) null);
        }
        return Future.succeededFuture();
    }

    /**
     * Keeps the session of an open GET stream alive while the stream stays open, as an open stream keeps a
     * conversion session alive: the store renews a session only when it is looked up, and a client that only
     * listens sends nothing else. Looks it up at half its idle time (the store decides what a lookup renews).
     * A binding that is gone ({@code client} past its {@code session_ttl}, or ended elsewhere) ends the stream
     * ({@code gone}): the gateway answers 404 to that session now, so the stream must not outlive it. A store
     * that cannot be reached now does not end it.
     *
     * @param gone ends the client's stream and the upstream request
     */
    void keepAlive(Exchange exchange, Session session, Runnable gone) {
        HttpServerResponse response = exchange.request().response();
        Vertx vertx = Vertx.currentContext().owner();
        // capped before it is halved: a TTL of years must not overflow
        long halfIdleMs = Math.max(1, Math.min(store.idleSeconds(ttlSeconds), MAX_KEEPALIVE_SECONDS) * 500);
        vertx.setPeriodic(halfIdleMs, timer -> {
            if (response.ended() || response.closed()) {
                vertx.cancelTimer(timer);
            } else {
                store.find(session.id(), endpoint, session.owner()).onSuccess(live -> {
                    if (live == null) {
                        vertx.cancelTimer(timer);
                        gone.run();
                    }
                });
            }
        });
    }

    /** Ends a binding whose answer never reached the client. */
    void forget(Session session) {
        store.remove(session);
    }

    /**
     * The version the client asked for, for the store's record (a label: the server negotiates): its
     * {@code initialize}'s, else its {@code MCP-Protocol-Version} header's (a session opened by another request).
     */
    static String requestedVersion(Exchange exchange, Buffer opening) {
        try {
            JsonNode requested = Json.parse(opening.getBytes()).path("params").path("protocolVersion");
            if (requested.isTextual() && requested.asText().length() <= 64) {
                return requested.asText();
            }
        } catch (IOException | RuntimeException e) {
            // the server accepted it; the record only needs a label
        }
        String header = exchange.protocolVersion();
        return header != null && header.length() <= 64 ? header : ProtocolVersion.ASSUMED_WHEN_ABSENT;
    }
}
