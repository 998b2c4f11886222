package dev.toolgate.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.error.GatewayError;
import io.vertx.core.Future;

import java.util.Map;

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

    /**
     * Answer a {@code tools/call} with this result instead of calling the tool: a refusal the model
     * should read and act on, so it is a tool result with {@code isError: true}, not a protocol error.
     * Only message policies return it, only for {@code tools/call}; the result is not to be changed.
     *
     * @param result the {@code CallToolResult}
     */
    record ToolResult(ObjectNode result) implements Decision {
    }

    /** A completed future refusing with {@code error}. */
    static Future<Decision> reject(GatewayError error) {
        return Future.succeededFuture(new Reject(error));
    }
}
