package dev.toolgate.observe;

import dev.toolgate.mcp.McpEnvelope;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Reads JSON-RPC messages on the side of a stream and reports each as an {@link McpEvent}. It picks
 * out only what it needs ({@link McpEnvelope}: method, id, tool name, error code, isError), builds
 * no trees, and pairs each response with its request to give method and latency. The bytes are the
 * caller's and are never changed.
 *
 * <p>Pairing: a response matches a request with its id on the same route and session. Ids are unique
 * only per client, and clients without a session (stateless servers) all share the null session, so
 * among several such requests the one sent in the same HTTP exchange wins; a response arriving on
 * another exchange (the old HTTP+SSE transport, answers to server-sent requests) takes the oldest.
 */
public final class MessageTap {

    private final McpTraffic sink;
    private final LongSupplier nanoTime;
    private final PendingRequests pending = new PendingRequests();
    private final AtomicLong exchanges = new AtomicLong();

    /** @param nanoTime monotonic time source ({@code System::nanoTime} in production) */
    public MessageTap(McpTraffic sink, LongSupplier nanoTime) {
        this.sink = sink;
        this.nanoTime = nanoTime;
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
    public void observe(String route, String session, long exchange, McpEvent.Direction direction,
                        byte[] bytes, int offset, int length) {
        List<McpEnvelope> messages;
        try {
            messages = McpEnvelope.readAll(bytes, offset, length);
        } catch (IOException e) {
            invalid(route, session, direction, length);
            return;
        }
        messages.forEach(m -> emit(route, session, exchange, direction, m));
    }

    /** Requests still waiting for their response (bounded). */
    public int pending() {
        return pending.size();
    }

    private void emit(String route, String session, long exchange, McpEvent.Direction direction, McpEnvelope m) {
        if (!"2.0".equals(m.version())) {
            invalid(route, session, direction, m.bytes());
            return;
        }
        String id = m.idText();
        if (m.method() != null) {
            McpEvent.Kind kind = id == null ? McpEvent.Kind.NOTIFICATION : McpEvent.Kind.REQUEST;
            if (kind == McpEvent.Kind.REQUEST) {
                pending.remember(key(route, session, direction, id), new PendingRequests.Pending(exchange, m.method(),
                        m.tool(), nanoTime.getAsLong()));
            }
            sink.accept(new McpEvent(route, session, direction, kind, m.method(), id, m.tool(), null, null, m.bytes(), -1));
        } else if ((m.result() || m.error()) && id != null) {
            PendingRequests.Pending request = pending.take(key(route, session, opposite(direction), id), exchange);
            long latency = request == null ? -1 : (nanoTime.getAsLong() - request.startNanos()) / 1_000;
            sink.accept(new McpEvent(route, session, direction, McpEvent.Kind.RESPONSE,
                    request == null ? null : request.method(), id, request == null ? null : request.tool(),
                    m.errorCode(), m.toolError(), m.bytes(), latency));
        } else if (m.error() && m.nullId()) {
            // JSON-RPC 2.0 §5: the answer to a request whose id could not be read (a parse error)
            sink.accept(new McpEvent(route, session, direction, McpEvent.Kind.RESPONSE, null, null, null,
                    m.errorCode(), null, m.bytes(), -1));
        } else {
            invalid(route, session, direction, m.bytes());
        }
    }

    private void invalid(String route, String session, McpEvent.Direction direction, int bytes) {
        sink.accept(new McpEvent(route, session, direction, McpEvent.Kind.INVALID, null, null, null, null, null, bytes, -1));
    }

    private static String key(String route, String session, McpEvent.Direction requester, String id) {
        return route + '\u0000' + session + '\u0000' + requester.ordinal() + '\u0000' + id;
    }

    private static McpEvent.Direction opposite(McpEvent.Direction direction) {
        return direction == McpEvent.Direction.CLIENT_TO_SERVER ? McpEvent.Direction.SERVER_TO_CLIENT
                : McpEvent.Direction.CLIENT_TO_SERVER;
    }
}
