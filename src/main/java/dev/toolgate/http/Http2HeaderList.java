package dev.toolgate.http;

import dev.toolgate.error.GatewayError;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;

import java.util.Map;

/**
 * The size of an h2c request's header list. Netty refuses a list over {@code SETTINGS_MAX_HEADER_LIST_SIZE}
 * with 431 on its stream, but ends the whole connection (GOAWAY) once the encoded header block passes a
 * quarter more than that, taking the client's other streams with it; with Vert.x's 8 KiB, a header over
 * 10 KiB did. So the listener advertises {@link #DECODED} and refuses a list over {@link #LIMIT} itself, on
 * its stream alone: the limit an HTTP/1.1 request head has, and only a block past 80 KiB still ends the
 * connection (HPACK's shared state cannot be kept without decoding it). A refused stream's headers are
 * dropped when it is answered, so a connection holds no more of them than before.
 */
final class Http2HeaderList {

    /** What a request may carry, counted as RFC 9113 §6.5.2 counts (name, value and 32 bytes a field). */
    static final int LIMIT = 8 * 1024;
    /** What Netty decodes before it refuses a stream itself (and a quarter more of encoded block: GOAWAY). */
    static final int DECODED = 64 * 1024;
    private static final int FIELD_OVERHEAD = 32;

    private Http2HeaderList() {
    }

    /** {@code options} advertising (and decoding up to) {@link #DECODED}. */
    static HttpServerOptions options(HttpServerOptions options) {
        options.getInitialSettings().setMaxHeaderListSize(DECODED);
        return options;
    }

    /** The refusal of an HTTP/2 request whose header list is over {@link #LIMIT}, or null. */
    static GatewayError check(HttpServerRequest request) {
        long size = field(":method", request.method().name()) + field(":path", request.uri())
                + field(":scheme", request.scheme()) + field(":authority", request.authority());
        for (Map.Entry<String, String> header : request.headers()) {
            size += field(header.getKey(), header.getValue());
            if (size > LIMIT) {
                return new GatewayError.HeaderFieldsTooLarge(LIMIT);
            }
        }
        return size > LIMIT ? new GatewayError.HeaderFieldsTooLarge(LIMIT) : null;
    }

    private static long field(String name, Object value) {
        return value == null ? 0 : name.length() + value.toString().length() + FIELD_OVERHEAD;
    }
}
