package dev.toolgate.http;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerResponse;

import java.util.Locale;
import java.util.Set;

/**
 * Headers about the connection, which only HTTP/1.x answers may carry: HTTP/2 forbids them (RFC 9113
 * §8.2.2), and its clients reset a stream whose answer has one (Netty: "Illegal connection-specific
 * header"; curl: PROTOCOL_ERROR). An answer of the gateway's own, or one a policy rewrote, is left without
 * them over HTTP/2; over HTTP/1.x they stay as written.
 */
public final class ConnectionHeaders {

    private static final Set<String> NAMES = Set.of("connection", "keep-alive", "proxy-connection",
            "transfer-encoding", "upgrade");

    private ConnectionHeaders() {
    }

    /** True when {@code response} is an HTTP/2 stream's: a stream has an id, an HTTP/1.x answer none. */
    public static boolean http2(HttpServerResponse response) {
        return response.streamId() > 0;
    }

    /** True for a header an HTTP/2 answer may not carry ({@code TE} only as {@code trailers}). */
    public static boolean forbiddenOverHttp2(String name, String value) {
        String lower = name.toLowerCase(Locale.ROOT);
        return NAMES.contains(lower) || lower.equals("te") && !"trailers".equalsIgnoreCase(value.trim());
    }

    /** Removes from an HTTP/2 answer's headers those it may not carry; an HTTP/1.x answer keeps them. */
    public static void leaveOutOverHttp2(HttpServerResponse response) {
        if (!http2(response)) {
            return;
        }
        MultiMap headers = response.headers();
        NAMES.forEach(headers::remove);
        if (headers.getAll("te").stream().anyMatch(value -> forbiddenOverHttp2("te", value))) {
            headers.remove("te");
        }
    }
}
