package dev.toolgate.pipeline;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerResponse;

import java.util.Map;
import java.util.function.Consumer;

/**
 * What the policies do to the head of the answer the client gets, whatever it is (a success, a refusal, a relayed
 * upstream answer): headers they add (CORS, rate limits, the trace id) and the route's response-transformer. Both
 * run as the head is written, in that order (as Kong's header filters run by priority).
 *
 * <p>Part of its {@link Exchange}: confined to the request's event loop, not thread-safe.
 */
public final class AnswerHead {

    private final MultiMap added = MultiMap.caseInsensitiveMultiMap();
    private Consumer<MultiMap> rewrite;

    AnswerHead(HttpServerResponse response) {
        response.headersEndHandler(v -> written(response.headers()));
    }

    private AnswerHead() {
    }

    /** One written to no answer: a replay's on the route that owns a tool (its limits are not the client's). */
    static AnswerHead detached() {
        return new AnswerHead();
    }

    /**
     * Headers added to the answer, replacing any of the same name when the head is written ({@code Vary} is
     * added to instead).
     */
    public MultiMap headers() {
        return added;
    }

    /**
     * What the route's response-transformer does to the answer, when the gateway writes it (an MCP answer of its
     * own, a refusal, an error). An upstream answer passthrough relays is transformed as it is copied:
     * {@link #rewritten()} then stops this one.
     */
    public void rewrite(Consumer<MultiMap> rewrite) {
        this.rewrite = rewrite;
    }

    /** The answer's headers were transformed already (passthrough's relayed upstream answer). */
    public void rewritten() {
        rewrite = null;
    }

    private void written(MultiMap sent) {
        // the gateway's own headers replace an upstream's (Kong's set_header); Vary accumulates
        for (Map.Entry<String, String> header : added) {
            if (!header.getKey().equalsIgnoreCase("vary")) {
                sent.remove(header.getKey());
            }
        }
        for (Map.Entry<String, String> header : added) {
            sent.add(header.getKey(), header.getValue());
        }
        if (rewrite != null) {
            rewrite.accept(sent);
        }
    }
}
