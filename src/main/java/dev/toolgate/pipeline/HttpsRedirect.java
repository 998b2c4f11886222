package dev.toolgate.pipeline;

import dev.toolgate.config.Route;
import dev.toolgate.error.GatewayError;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Kong's answer to a plain HTTP request on an HTTPS-only route: its {@code https_redirect_status_code},
 * 426 or a redirect to the same host and path over HTTPS ({@code https://$host$request_uri}).
 */
final class HttpsRedirect {

    /** A DNS name or IPv4 address, or an IPv6 literal: nothing that could end the authority or start another. */
    private static final Pattern HOST = Pattern.compile("[a-z0-9]([a-z0-9.-]*[a-z0-9])?|\\[[0-9a-f:.]+]");

    private HttpsRedirect() {
    }

    /**
     * The answer for {@code route}. The location's host is the one the client asked for (through a trusted
     * proxy, the first of its {@code X-Forwarded-Host}), without its port
     * (that of plain HTTP, as nginx's {@code $host} leaves it out); a host that is no plain name or address
     * (HTTP/1.1 allows {@code ;}, {@code %} and more in one) is not redirected to, and gets 426: what follows
     * {@code https://} must name that host and no other.
     */
    static Decision of(Route route, Exchange exchange) {
        // Kong's forwarded host: a trusted proxy's X-Forwarded-Host (the name the client used), else Host
        String forwarded = exchange.fromTrustedProxy() ? exchange.request().getHeader("x-forwarded-host") : null;
        String host = host(forwarded != null ? forwarded.split(",", 2)[0].strip() : exchange.authority());
        if (route.httpsRedirectStatusCode() == 426 || host == null) {
            return new Decision.Reject(new GatewayError.HttpsRequired());
        }
        String path = exchange.request().path();
        String query = exchange.request().query();
        String location = "https://" + host + (path == null || !path.startsWith("/") ? "/" : path)
                + (query == null ? "" : "?" + query);
        return new Decision.Respond(route.httpsRedirectStatusCode(), Map.of("location", location));
    }

    /** The host of an authority, lower case and without its port, or null when it is no plain host. */
    static String host(String authority) {
        if (authority == null) {
            return null;
        }
        String lower = authority.toLowerCase(Locale.ROOT);
        int colon = lower.lastIndexOf(':');
        String host = colon > lower.lastIndexOf(']') ? lower.substring(0, colon) : lower;
        return HOST.matcher(host).matches() ? host : null;
    }
}
