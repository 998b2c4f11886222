package dev.toolgate.mode.passthrough;

import io.vertx.core.buffer.Buffer;

import java.util.function.Predicate;

/**
 * Filters the answers to a caller's {@code tools/list} requests in an upstream's JSON body or SSE
 * stream ({@link ToolListFilter}). A JSON body is held whole (bounded); an SSE stream is relayed
 * event by event, each event's {@code id:}, {@code event:} and comment lines kept as they were (so
 * resumption still works), until every awaited answer has passed, and as it arrives after that. An
 * answer too large to filter is never relayed unfiltered: a JSON body fails (502), and an SSE event is
 * read to its end without being held and replaced by a JSON-RPC error for its id, as the gateway reports
 * an oversized answer elsewhere (an event too large whose id cannot be read cuts the exchange). An event
 * whose start shows a request or notification (never a tool list) is relayed as it comes, however large.
 */
final class ToolListRewrite {

    /** Thrown when an answer cannot be filtered: larger than what the gateway holds, or not told from a request. */
    static final class Unfilterable extends RuntimeException {
        Unfilterable(String detail) {
            super(detail, null, false, false);
        }
    }

    /** An event relayed as a request turned out to hold a {@code result} or {@code error} too. */
    static final String MIXED = "an event relayed as a request (a top-level \"method\") holds a \"result\" or "
            + "\"error\" too, which may be a tool list";

    private ToolListRewrite() {
    }

    /** Why an answer is not relayed, after "service 'x' is unavailable: ". */
    static String detail(int limit) {
        return "an answer larger than " + limit + " bytes, too large to filter for the caller's tool ACLs";
    }

    /** For a JSON (or JSON batch) answer. */
    static BodyRewrite json(ListAnswers answers, Predicate<String> shows, int limit) {
        return new BodyRewrite() {
            private final Buffer held = Buffer.buffer();

            @Override
            public Buffer feed(Buffer chunk) {
                if (held.length() + chunk.length() > limit) {
                    throw new Unfilterable(detail(limit));
                }
                held.appendBuffer(chunk);
                return Buffer.buffer();
            }

            @Override
            public Buffer end() {
                byte[] filtered = ToolListFilter.filter(held.getBytes(), answers, shows);
                return filtered == null ? held : Buffer.buffer(filtered);
            }
        };
    }

    /** For an SSE stream ({@link ListAnswers#ANY} filters every answer on it, to its end: a GET stream). */
    static BodyRewrite sse(ListAnswers answers, Predicate<String> shows, int limit, String service) {
        return new ToolListEvents(answers, shows, limit, service);
    }
}
