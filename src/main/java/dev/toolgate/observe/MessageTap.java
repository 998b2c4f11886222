package dev.toolgate.observe;

import dev.toolgate.mcp.McpEnvelope;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Reads JSON-RPC messages on the side of a stream and reports each as an {@link TapEvent}. It picks
 * out only what it needs ({@link McpEnvelope}: method, id, tool name, error code, isError), builds
 * no trees, and pairs each response with its request to give method and latency. The bytes are the
 * caller's and are never changed.
 *
 * <p>Pairing: a response matches a request with its id on the same route and session. Ids are unique
 * only per client, and clients without a session (stateless servers) all share the null session, so
 * among several such requests the one sent in the same HTTP exchange wins; a response arriving on
 * another exchange (the old HTTP+SSE transport, answers to server-sent requests) takes the oldest. Where more
 * than one request could be the one answered (an id repeated in a batch, or in one session across exchanges
 * answered on another), the response's method, tool and latency are left unknown rather than guessed
 * ({@link PendingRequests}); what the client receives is never touched.
 */
public final class MessageTap {

    private final TapSink sink;
    private final LongSupplier nanoTime;
    /** The most routes whose servers' tool names are kept. */
    static final int MOST_ROUTES = 10_000;

    private final PendingRequests pending = new PendingRequests();
    /**
     * The exchanges that sent exactly one request, until they are {@linkplain #settled settled}: a server's error
     * without an id (its transport's refusal: no session, a bad header) answers that one.
     */
    private final Map<Long, Lone> lone = new ConcurrentHashMap<>();
    private final AtomicLong exchanges = new AtomicLong();
    private final Map<String, Set<String>> listedTools = new ConcurrentHashMap<>();

    /** @param nanoTime monotonic time source ({@code System::nanoTime} in production) */
    public MessageTap(TapSink sink, LongSupplier nanoTime) {
        this.sink = sink;
        this.nanoTime = nanoTime;
    }

    /**
     * Where a route keeps the tool names its MCP server listed in {@code tools/list} answers (the route's
     * mode reads them): here, with the tap, so that they outlast a reload, as the sessions that listed them
     * do. A set per route label, for at most {@value #MOST_ROUTES} routes (past that, one for the caller alone).
     */
    public Set<String> listedTools(String route) {
        Set<String> names = listedTools.get(route);
        if (names != null) {
            return names;
        }
        return listedTools.size() < MOST_ROUTES ? listedTools.computeIfAbsent(route, r -> ConcurrentHashMap.newKeySet())
                : ConcurrentHashMap.newKeySet();
    }

    /** A new number for one HTTP exchange (a request and its response), to pass to {@link #observe}. */
    public long exchange() {
        return exchanges.incrementAndGet();
    }

    /**
     * Observes one JSON-RPC message or batch, exactly as it crossed.
     *
     * @param exchange the HTTP exchange it crossed in, from {@link #exchange()}
     */
    public void observe(String route, String session, long exchange, TapEvent.Direction direction,
                        byte[] bytes, int offset, int length) {
        observe(route, session, exchange, direction, bytes, offset, length, null);
    }

    /**
     * Same, also telling {@code local} (the exchange's own listener, or null) about each message, with
     * the bytes it was read from and where the message itself lies in them (all of them, or its element of a batch).
     *
     * @return the messages read (one, or each element of a batch); none when the bytes are not JSON-RPC
     */
    public List<McpEnvelope> observe(String route, String session, long exchange, TapEvent.Direction direction,
                                     byte[] bytes, int offset, int length, Local local) {
        return observe(route, session, exchange, direction, bytes, offset, length, local, true);
    }

    /**
     * Observes a client's message or batch that the gateway refuses whole before forwarding anything
     * (a batch too large): its messages are reported as they crossed, but its requests wait for no
     * answer, since none will come from the server.
     */
    public void observeRefused(String route, String session, long exchange, byte[] bytes, int offset, int length,
                               Local local) {
        observe(route, session, exchange, TapEvent.Direction.CLIENT_TO_SERVER, bytes, offset, length, local, false);
    }

    /**
     * The gateway answered the client's exchange itself (a refusal, a tool result a limit answered with):
     * those of its requests still waiting for an answer will get none from the server, so they stop
     * waiting. Requests of other exchanges with the same ids are left alone.
     *
     * @param bytes the client's message or batch, as it was observed
     */
    public void forget(String route, String session, long exchange, byte[] bytes, int offset, int length) {
        List<McpEnvelope> messages;
        try {
            messages = McpEnvelope.readAll(bytes, offset, length);
        } catch (IOException e) {
            return; // nothing was remembered of a body that could not be read
        }
        drop(route, session, exchange, messages);
    }

    /**
     * The exchange's answer ended (or its client went away). A JSON answer is the whole of it: a
     * streamable-HTTP server answers a POST's requests in that POST's answer, so those it did not answer stop
     * waiting (their log entries say so by the exchange's outcome). Other answers leave them waiting, up to the
     * TTL: an event stream may be resumed on another exchange, and the old HTTP+SSE transport answers on its GET
     * stream.
     *
     * @param sent       what {@link #observe} read of the client's body
     * @param jsonAnswer whether the exchange was answered with JSON
     */
    public void settled(String route, String session, long exchange, List<McpEnvelope> sent, boolean jsonAnswer) {
        lone.remove(exchange);
        if (jsonAnswer) {
            drop(route, session, exchange, sent);
        }
    }

    /** Forgets what waited longer than the TTL: for a timer, off the request path (one walk of what waits). */
    public void expire() {
        long now = nanoTime.getAsLong();
        pending.expire(now);
        lone.values().removeIf(waiting -> PendingRequests.expired(waiting.startNanos(), now));
    }

    private void drop(String route, String session, long exchange, List<McpEnvelope> messages) {
        String sessionKey = PendingKeys.session(session);
        for (McpEnvelope m : messages) {
            if (m.method() != null && m.idText() != null) {
                pending.drop(PendingKeys.of(route, sessionKey, TapEvent.Direction.CLIENT_TO_SERVER, m.idText()),
                        exchange);
            }
        }
    }

    private List<McpEnvelope> observe(String route, String session, long exchange, TapEvent.Direction direction,
                                      byte[] bytes, int offset, int length, Local local, boolean remember) {
        List<McpEnvelope> messages;
        try {
            messages = McpEnvelope.readAll(bytes, offset, length);
        } catch (IOException e) {
            invalid(route, session, direction, length);
            return List.of();
        }
        // the session header may be kilobytes long: digested once, not once per message of a batch
        String sessionKey = PendingKeys.session(session);
        if (remember && direction == TapEvent.Direction.CLIENT_TO_SERVER && messages.size() == 1
                && messages.getFirst().method() != null && messages.getFirst().idText() != null
                && "2.0".equals(messages.getFirst().version())) {
            String id = messages.getFirst().idText();
            lone.put(exchange, new Lone(PendingKeys.of(route, sessionKey, direction, id), id, nanoTime.getAsLong()));
        }
        for (McpEnvelope m : messages) {
            TapEvent event = emit(route, session, sessionKey, exchange, direction, m, remember);
            if (local != null && event != null) {
                // a batch element's own bytes: its payload is logged as a lone message's is
                local.seen(event, m, bytes, offset + m.start(), m.length());
            }
        }
        return messages;
    }

    /** An exchange's own listener: hears the messages of its exchange, with what they were read from. */
    @FunctionalInterface
    public interface Local {

        /**
         * @param bytes what the message was read from: the message is at {@code offset}, {@code length} in it (in a
         *              batch, its own element only)
         */
        void seen(TapEvent event, McpEnvelope envelope, byte[] bytes, int offset, int length);

        /** A message of the server's stream was too large to read and went to the client unseen. */
        default void unread() {
        }
    }

    /** Requests still waiting for their response (bounded). */
    public int pending() {
        return pending.size();
    }

    private TapEvent emit(String route, String session, String sessionKey, long exchange, TapEvent.Direction direction,
                          McpEnvelope m, boolean remember) {
        if (!"2.0".equals(m.version())) {
            invalid(route, session, direction, m.bytes());
            return null;
        }
        TapEvent event;
        String id = m.idText();
        if (m.method() != null) {
            TapEvent.Kind kind = id == null ? TapEvent.Kind.NOTIFICATION : TapEvent.Kind.REQUEST;
            if (kind == TapEvent.Kind.REQUEST && remember) {
                pending.remember(PendingKeys.of(route, sessionKey, direction, id), new PendingRequests.Pending(exchange, m.method(),
                        m.tool(), nanoTime.getAsLong()));
            }
            event = new TapEvent(route, session, direction, kind, m.method(), id, m.tool(), null, null, m.bytes(), -1);
        } else if ((m.result() || m.error()) && id != null) {
            PendingRequests.Paired request = pending.take(PendingKeys.of(route, sessionKey, opposite(direction), id),
                    exchange);
            long latency = request == null || !request.timed() ? -1 : (nanoTime.getAsLong() - request.startNanos()) / 1_000;
            event = new TapEvent(route, session, direction, TapEvent.Kind.RESPONSE,
                    request == null ? null : request.method(), id, request == null ? null : request.tool(),
                    m.errorCode(), m.toolError(), m.bytes(), latency);
        } else if (m.error()) {
            // without an id (JSON-RPC 2.0 §5: a null one, for a request whose id could not be read), an error in the
            // answer to an exchange of one request is that request's
            event = answeringLone(route, session, exchange, direction, m);
            if (event == null) {
                return null;
            }
        } else {
            invalid(route, session, direction, m.bytes());
            return null;
        }
        sink.accept(event);
        return event;
    }

    /**
     * An error without an id: the answer to the exchange's lone request when that still waits (and the server sent
     * it), else a response to no known request, or nothing valid when its id is missing rather than null.
     */
    private TapEvent answeringLone(String route, String session, long exchange, TapEvent.Direction direction,
                                   McpEnvelope m) {
        Lone sent = direction == TapEvent.Direction.SERVER_TO_CLIENT ? lone.remove(exchange) : null;
        PendingRequests.Paired request = sent == null ? null : pending.takeOwn(sent.key(), exchange);
        if (request != null) {
            long latency = request.timed() ? (nanoTime.getAsLong() - request.startNanos()) / 1_000 : -1;
            return new TapEvent(route, session, direction, TapEvent.Kind.RESPONSE, request.method(), sent.id(),
                    request.tool(), m.errorCode(), m.toolError(), m.bytes(), latency);
        }
        if (!m.nullId()) {
            invalid(route, session, direction, m.bytes());
            return null;
        }
        return new TapEvent(route, session, direction, TapEvent.Kind.RESPONSE, null, null, null, m.errorCode(), null,
                m.bytes(), -1);
    }

    /** An exchange's only request: where it waits, its id, and when it was read. */
    private record Lone(String key, String id, long startNanos) {
    }

    private void invalid(String route, String session, TapEvent.Direction direction, int bytes) {
        sink.accept(new TapEvent(route, session, direction, TapEvent.Kind.INVALID, null, null, null, null, null, bytes, -1));
    }

    private static TapEvent.Direction opposite(TapEvent.Direction direction) {
        return direction == TapEvent.Direction.CLIENT_TO_SERVER ? TapEvent.Direction.SERVER_TO_CLIENT
                : TapEvent.Direction.CLIENT_TO_SERVER;
    }
}
