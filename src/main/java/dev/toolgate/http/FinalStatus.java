package dev.toolgate.http;

import io.vertx.core.http.HttpClientResponse;

/**
 * Whether an upstream's status line is a final answer the gateway can use. Vert.x handles {@code 100}
 * and {@code 103} itself but hands any other 1xx on as if it were the final answer, then returns the
 * connection to the pool: the real answer that follows would be read as the answer to the next request
 * sent on that connection, another caller's perhaps. So an interim status fails the exchange, as a
 * status outside 100-599 does, and the connection is closed rather than reused.
 */
public final class FinalStatus {

    private FinalStatus() {
    }

    /** Why {@code status} cannot be the answer, or null when it can. */
    public static UpstreamException problem(UpstreamTarget target, int status) {
        if (status < 100 || status > 599) {
            return UpstreamException.invalidStatus(target, status);
        }
        return status < 200 ? UpstreamException.interimStatus(target, status) : null;
    }

    /** Closes the connection of an answer refused: what it still carries belongs to no one. */
    public static void discard(HttpClientResponse response) {
        // the failure is reported already: Vert.x would log the reset of the answer as an error of its own
        response.exceptionHandler(ignored -> { });
        response.request().connection().close();
    }
}
