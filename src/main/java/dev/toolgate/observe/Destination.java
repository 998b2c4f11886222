package dev.toolgate.observe;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

import java.net.URI;

/**
 * Where a log or telemetry sink sends: its URL as the Vert.x client's request target (host, the
 * scheme's port when none is given, path and query).
 */
public final class Destination {

    private Destination() {
    }

    /** True for an https URL: the client must speak TLS. */
    public static boolean tls(URI uri) {
        return "https".equals(uri.getScheme());
    }

    /** A request to {@code uri} with {@code method}; headers and timeout are the sink's to add. */
    public static RequestOptions request(URI uri, HttpMethod method) {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        return new RequestOptions().setMethod(method).setHost(uri.getHost())
                .setPort(uri.getPort() > 0 ? uri.getPort() : tls(uri) ? 443 : 80)
                .setURI(uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery());
    }
}
