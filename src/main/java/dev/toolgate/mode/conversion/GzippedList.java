package dev.toolgate.mode.conversion;

import dev.toolgate.http.GzipHead;
import io.vertx.core.buffer.Buffer;

/**
 * A {@code tools/list} answer from a page compressed at load and this request's own tail (its id): the gzip
 * body sent, and the JSON it inflates to, which only the logs ask for ({@code log_payloads}).
 */
record GzippedList(GzipHead head, byte[] tail) {

    /** The gzip body sent to the client. */
    Buffer body() {
        return head.withTail(tail);
    }

    /** The answer's length uncompressed, as a plain {@code tools/list} answer counts it. */
    int length() {
        return head.length(tail);
    }

    /** The answer's JSON, uncompressed. */
    byte[] json() {
        return head.plain(tail);
    }
}
