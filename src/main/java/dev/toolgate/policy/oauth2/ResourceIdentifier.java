package dev.toolgate.policy.oauth2;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * A resource identifier (RFC 8707) in the form two spellings of one resource share: an absolute URI
 * whose path is empty gets the path {@code /} (RFC 3986 §6.2.3: {@code http://h} and {@code http://h/}
 * are the same resource, and an MCP client that reads the metadata's {@code resource} as a URL asks for,
 * and gets an {@code aud} of, the {@code /} form). Nothing else is normalised: {@code /mcp} and
 * {@code /mcp/} are different resources, and a value that is not an absolute URI is compared as written.
 */
final class ResourceIdentifier {

    private ResourceIdentifier() {
    }

    static String canonical(String value) {
        try {
            URI uri = new URI(value);
            if (uri.isAbsolute() && !uri.isOpaque() && uri.getRawAuthority() != null && uri.getRawPath().isEmpty()) {
                String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
                String fragment = uri.getRawFragment() == null ? "" : "#" + uri.getRawFragment();
                return uri.getScheme() + "://" + uri.getRawAuthority() + "/" + query + fragment;
            }
        } catch (URISyntaxException e) {
            // not a URI: only the very same string names this resource
        }
        return value;
    }
}
