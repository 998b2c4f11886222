package dev.toolgate.openapi;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.URI;
import java.util.regex.Pattern;

/** The URL of an OpenAPI {@code servers} list: its first entry, with variables at their defaults. */
final class ServerUrls {

    private ServerUrls() {
    }

    /** A URL's userinfo ({@code https://user:pass@host}): the text from after {@code ://} to its last {@code @}. */
    private static final Pattern USERINFO = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*://)[^/?#\\s]*@");

    /**
     * @param servers  a {@code servers} array (may be missing or empty: the URL is then {@code /})
     * @param location where the document came from; a relative server URL resolves against a URL location,
     *                 without the credentials the URL may carry (its userinfo, query and fragment): they were
     *                 for fetching the document, and the server URL is written out ({@code openapi2mcp})
     */
    static String first(JsonNode servers, String location) {
        if (servers == null || !servers.isArray() || servers.isEmpty()) {
            return "/";
        }
        JsonNode server = servers.get(0);
        String url = server.path("url").asText("/");
        for (var variable : server.path("variables").properties()) {
            JsonNode value = variable.getValue().has("default") ? variable.getValue().get("default")
                    : variable.getValue().path("enum").path(0);
            url = url.replace("{" + variable.getKey() + "}", value.asText(""));
        }
        if (!url.contains("://") && (location.startsWith("http://") || location.startsWith("https://"))) {
            try {
                url = URI.create(base(location)).resolve(url).toString();
            } catch (IllegalArgumentException e) {
                // a variable without a default left in place ("/{base}/v1"), a space: not a URI, kept as written
                // (the service URL is the operator's to give), rather than failing the load with an internal error
            }
        }
        return url.length() > 1 && url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** {@code location} without its userinfo, query and fragment. */
    private static String base(String location) {
        String base = USERINFO.matcher(location).replaceFirst("$1");
        int query = base.indexOf('?');
        int fragment = base.indexOf('#');
        int end = query < 0 ? fragment : fragment < 0 ? query : Math.min(query, fragment);
        return end < 0 ? base : base.substring(0, end);
    }
}
