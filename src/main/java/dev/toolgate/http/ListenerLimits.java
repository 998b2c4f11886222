package dev.toolgate.http;

/**
 * What one listener allows a client connection: how many at once, and how long it may take to send a
 * request or sit idle. Every bound closes the connection when it is passed; none applies while the
 * gateway itself is answering (streams and slow upstreams have their own limits).
 *
 * @param maxConnections  open connections at once; one more is answered 503 and closed
 * @param keepAliveMs     how long a connection may sit without a request in progress (Kong's {@code keepalive_timeout})
 * @param headerTimeoutMs how long a request head may take from its first byte, and a new connection
 *                        to its first byte (Kong's {@code client_header_timeout}); 408 and closed
 * @param bodyTimeoutMs   the longest pause between two reads of a request body (Kong's
 *                        {@code client_body_timeout}); 408 and closed
 */
public record ListenerLimits(int maxConnections, long keepAliveMs, long headerTimeoutMs, long bodyTimeoutMs) {

    /** The defaults of {@code toolgate run}. */
    public static final ListenerLimits DEFAULT = new ListenerLimits(10_000, 60_000, 10_000, 30_000);

    public ListenerLimits {
        if (maxConnections < 1 || keepAliveMs < 1 || headerTimeoutMs < 1 || bodyTimeoutMs < 1) {
            throw new IllegalArgumentException("listener limits must be positive");
        }
    }
}
