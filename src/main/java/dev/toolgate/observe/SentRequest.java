package dev.toolgate.observe;

import java.util.Set;

/**
 * A request the gateway sent upstream, kept as it was sent: its span's HTTP view ({@link UpstreamHttp}) is made
 * from it, the URL with its secret query arguments masked as the logs' {@code upstream_uri} is (a transformer or
 * a tool's fixed query may add a key there).
 *
 * @param tls      it went over TLS
 * @param host     the {@code Host} it named (the port left out when it is the scheme's)
 * @param method   the HTTP method sent
 * @param uri      the path and query sent
 * @param template the path's low-cardinality template, or null when none is known ({@link UpstreamHttp#template})
 */
public record SentRequest(boolean tls, String host, String method, String uri, String template) {

    /** The request as its span shows it ({@code http.request.method}, {@code url.full}, {@code url.template}). */
    public UpstreamHttp http(Redaction redaction) {
        return new UpstreamHttp(method, (tls ? "https://" : "http://") + host + maskedUri(uri, redaction), template);
    }

    /** A URI sent upstream with its secret query arguments masked; null for null. */
    public static String maskedUri(String uri, Redaction redaction) {
        if (uri == null) {
            return null;
        }
        int question = uri.indexOf('?');
        return question < 0 ? uri
                : uri.substring(0, question + 1) + redaction.query(uri.substring(question + 1), Set.of());
    }
}
