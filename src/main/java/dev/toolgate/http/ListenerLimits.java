package dev.toolgate.http;

/**
 * What one listener allows a client connection: how many at once, how long it may take to send a
 * request or sit idle, and how long it may leave an answer unread. Every bound closes the connection when
 * it is passed; while the gateway is answering only the last applies (streams and slow upstreams have their
 * own limits).
 *
 * @param maxConnections  open connections at once; one more is answered 503 and closed
 * @param keepAliveMs     how long a connection may sit without a request in progress (Kong's {@code keepalive_timeout})
 * @param headerTimeoutMs how long a request head may take from its first byte, and a new connection
 *                        to its first byte (Kong's {@code client_header_timeout}); 408 and closed
 * @param bodyTimeoutMs   the longest pause between two reads of a request body (Kong's
 *                        {@code client_body_timeout}); 408 and closed
 * @param sendTimeoutMs   the longest time an answer may wait on a client that reads none of it (nginx's
 *                        {@code send_timeout}); the connection is closed. A client that never reads would
 *                        otherwise hold what feeds the answer (a passthrough answer's pooled upstream
 *                        connection) for as long as it likes
 */
public record ListenerLimits(int maxConnections, long keepAliveMs, long headerTimeoutMs, long bodyTimeoutMs,
                             long sendTimeoutMs) {

    /** nginx's {@code send_timeout}, which Kong keeps. */
    public static final long DEFAULT_SEND_TIMEOUT_MS = 60_000;

    /** The defaults of {@code toolgate run}. */
    public static final ListenerLimits DEFAULT = new ListenerLimits(10_000, 60_000, 10_000, 30_000);

    public ListenerLimits {
        if (maxConnections < 1 || keepAliveMs < 1 || headerTimeoutMs < 1 || bodyTimeoutMs < 1 || sendTimeoutMs < 1) {
            throw new IllegalArgumentException("listener limits must be positive");
        }
    }

    /** The bounds with the default send timeout. */
    public ListenerLimits(int maxConnections, long keepAliveMs, long headerTimeoutMs, long bodyTimeoutMs) {
        this(maxConnections, keepAliveMs, headerTimeoutMs, bodyTimeoutMs, DEFAULT_SEND_TIMEOUT_MS);
    }
}
