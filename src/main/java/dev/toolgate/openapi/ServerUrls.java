package dev.toolgate.openapi;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.URI;

/** The URL of an OpenAPI {@code servers} list: its first entry, with variables at their defaults. */
final class ServerUrls {

    private ServerUrls() {
    }

    /**
     * @param servers  a {@code servers} array (may be missing or empty: the URL is then {@code /})
     * @param location where the document came from; a relative server URL resolves against a URL location
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
                url = URI.create(location).resolve(url).toString();
            } catch (IllegalArgumentException e) {
                // a variable without a default left in place ("/{base}/v1"), a space: not a URI, kept as written
                // (the service URL is the operator's to give), rather than failing the load with an internal error
            }
        }
        return url.length() > 1 && url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
