package dev.toolgate.admin;

import java.net.URI;
import java.util.Locale;

/**
 * The one browser origin the Admin API answers: its own, {@code scheme://host:port} as the request's
 * {@code Host} names the listener. The live page at {@code /dashboard} is served from there; any other
 * page, a loopback one on another port included, must not drive the API (replace the configuration
 * with {@code POST /config}) through the operator's browser.
 */
final class AdminOrigin {

    private AdminOrigin() {
    }

    /**
     * True when a request may proceed: it carries no {@code Origin} (not made by a page), or its origin is
     * the listener's own. Without a {@code Host} there is nothing to compare with, so an origin is refused.
     */
    static boolean allows(String origin, String hostHeader, boolean tls) {
        if (origin == null) {
            return true;
        }
        if (hostHeader == null || hostHeader.isBlank()) {
            return false;
        }
        String scheme = tls ? "https" : "http";
        try {
            URI page = new URI(origin.trim());
            URI self = new URI(scheme + "://" + hostHeader.trim());
            return scheme.equalsIgnoreCase(page.getScheme()) && page.getRawUserInfo() == null && page.getHost() != null
                    && self.getRawUserInfo() == null && self.getHost() != null
                    && host(page).equals(host(self)) && port(page, scheme) == port(self, scheme)
                    && (page.getRawPath() == null || page.getRawPath().isEmpty() || page.getRawPath().equals("/"))
                    && page.getRawQuery() == null && page.getRawFragment() == null;
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    /**
     * True when a browser made the request for a page of another site, and it may not proceed. A browser says
     * where a request comes from in {@code Sec-Fetch-Site} even when it sends no {@code Origin}: an {@code <img>}
     * pointed at {@code /dashboard/events} would take one of its 16 places, a form posted without an Origin
     * would replace the configuration. {@code same-site} is refused as well: a site ignores the port, so a
     * page on another loopback port is same-site. A link followed from elsewhere (a top-level navigation by
     * GET, whose answer the linking page cannot read) still opens the page, the event stream aside. Clients
     * other than browsers (curl, decK) send no {@code Sec-Fetch-Site} and pass.
     *
     * @param stream the request is for the event stream, which a navigation does not open either
     */
    static boolean refusesFetch(String site, String mode, String dest, String method, boolean stream) {
        if (site == null) {
            return false;
        }
        String from = site.trim().toLowerCase(Locale.ROOT);
        if (from.equals("same-origin") || from.equals("none")) {
            return false; // this listener's own page, or an address the person typed
        }
        boolean topLevelRead = "navigate".equalsIgnoreCase(mode) && "document".equalsIgnoreCase(dest)
                && (method.equals("GET") || method.equals("HEAD"));
        return !topLevelRead || stream;
    }

    /** The host as written, lower case, without the trailing dot of a fully qualified name. */
    private static String host(URI uri) {
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        return host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    }

    private static int port(URI uri, String scheme) {
        return uri.getPort() >= 0 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
    }
}
