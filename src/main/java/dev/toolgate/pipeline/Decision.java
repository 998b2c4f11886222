package dev.toolgate.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.error.GatewayError;
import io.vertx.core.Future;

import java.util.Map;
import java.util.function.Function;

/**
 * What a policy says about an exchange or a message: go on, refuse with an error from the catalog,
 * answer here (a CORS preflight) without reaching the mode, or, for a message policy's
 * {@code tools/call}, answer with a tool result (a per-tool limit: the model reads it and can wait).
 */
public sealed interface Decision {

    /** Go on to the next policy, then the mode. */
    Continue CONTINUE = new Continue();

    /** {@link #CONTINUE} as a completed future: what a synchronous policy returns most of the time. */
    Future<Decision> PROCEED = Future.succeededFuture(CONTINUE);

    /**
     * Go on.
     *
     * @param spent takes back what deciding spent (a per-tool limit's count), should the message not be sent
     *              after all: a passthrough batch is refused whole when a later call of it is refused
     */
    record Continue(Spent spent) implements Decision {

        public Continue() {
            this(Spent.NOTHING);
        }
    }

    /** What a message policy spent letting a request through, and how to take it back. */
    @FunctionalInterface
    interface Spent {

        Spent NOTHING = Future::succeededFuture;

        /** Gives back what was spent; fails when it cannot be reached (the counters are down). */
        Future<Void> takeBack();

        /** This and {@code other}: both are taken back, this first. */
        default Spent and(Spent other) {
            if (other == NOTHING || this == NOTHING) {
                return this == NOTHING ? other : this;
            }
            return () -> takeBack().transform(ignored -> other.takeBack());
        }
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

    /**
     * Answer a {@code tools/call} with this result instead of calling the tool: a refusal the model
     * should read and act on, so it is a tool result with {@code isError: true}, not a protocol error.
     * Only message policies return it, only for {@code tools/call}; the result is not to be changed.
     *
     * @param result   the {@code CallToolResult}
     * @param withheld what each other request of a passthrough batch is answered with, by its id: a batch is
     *                 decided whole, so this result keeps the rest of it from the server too
     */
    record ToolResult(ObjectNode result, Function<JsonNode, GatewayError> withheld) implements Decision {
    }

    /** A completed future refusing with {@code error}. */
    static Future<Decision> reject(GatewayError error) {
        return Future.succeededFuture(new Reject(error));
    }
}
