package dev.toolgate.pipeline;

import dev.toolgate.error.GatewayError;
import io.vertx.core.Future;

import java.util.Map;

/**
 * What a policy says about an exchange or a message: go on, refuse with an error from the catalog,
 * or answer here (a CORS preflight) without reaching the mode.
 */
public sealed interface Decision {

    /** Go on to the next policy, then the mode. */
    Continue CONTINUE = new Continue();

    /** {@link #CONTINUE} as a completed future: what a synchronous policy returns most of the time. */
    Future<Decision> PROCEED = Future.succeededFuture(CONTINUE);

    /** Go on. */
    record Continue() implements Decision {
    }

    /** Refuse; the catalog decides status, code and headers. */
    record Reject(GatewayError error) implements Decision {
    }

    /**
     * Answer the request here with an empty body: the exchange is complete and not an error.
     *
     * @param status  HTTP status
     * @param headers response headers
     */
    record Respond(int status, Map<String, String> headers) implements Decision {

        public Respond {
            headers = Map.copyOf(headers);
        }
    }

    /** A completed future refusing with {@code error}. */
    static Future<Decision> reject(GatewayError error) {
        return Future.succeededFuture(new Reject(error));
    }
}
