package dev.toolgate.observe;

import java.util.Set;

/**
 * The HTTP request a message's upstream call sent, as the call's CLIENT span shows it by the OpenTelemetry
 * HTTP client conventions. Made only for a message whose trace is recorded.
 *
 * @param method   the HTTP method sent ({@code http.request.method}); {@value #OTHER} for one the conventions do not
 *                 know (a passthrough client chooses its method, and each would be a value of its own)
 * @param url      the absolute URL sent, its secret query arguments masked as the logs' {@code upstream_uri}
 *                 ({@code url.full})
 * @param template the path's low-cardinality template ({@code /widgets/{id}}: a converted tool's configured
 *                 path), or null when none is known ({@code url.template})
 */
public record UpstreamHttp(String method, String url, String template) {

    /** The {@code http.request.method} of a method outside the known set. */
    public static final String OTHER = "_OTHER";
    private static final Set<String> KNOWN = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS",
            "TRACE", "PATCH", "QUERY");

    public UpstreamHttp {
        method = KNOWN.contains(method) ? method : OTHER;
    }

    /**
     * The client span's name as the HTTP conventions give it: {@code {method} {url.template}}, or the method
     * alone when no template is known (a path that varies would make a span name per request); {@code HTTP} for
     * a method outside the known set.
     */
    public String spanName() {
        String shown = OTHER.equals(method) ? "HTTP" : method;
        return template == null ? shown : shown + " " + template;
    }
}
