package dev.toolgate.openapi;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The parameters that carry one of the document's API keys ({@code components.securitySchemes} of type
 * {@code apiKey}: a header, query or cookie by name). They are the operator's to set on the service side
 * (request-transformer, as README says): as an argument, a caller's value would be sent instead of the
 * operator's key, since {@code add} only sets a value the request does not have.
 */
final class CredentialParameters {

    /** {@code in:name} (a header's name in lower case, as headers compare) to the scheme's name. */
    private final Map<String, String> schemes = new HashMap<>();

    CredentialParameters(OpenApiDocument document) {
        for (Map.Entry<String, JsonNode> entry : document.root().path("components").path("securitySchemes").properties()) {
            JsonNode scheme = entry.getValue();
            if (scheme.has("$ref")) {
                JsonNode target = document.resolve(scheme.path("$ref").asText());
                scheme = target != null ? target : scheme;
            }
            if (scheme.path("type").asText().equals("apiKey") && scheme.path("name").isTextual()) {
                schemes.putIfAbsent(key(scheme.path("in").asText(), scheme.path("name").asText()), entry.getKey());
            }
        }
    }

    /** The name of the security scheme whose key the parameter carries, or null. */
    String scheme(String in, String name) {
        return schemes.get(key(in, name));
    }

    private static String key(String in, String name) {
        return in + ":" + (in.equals("header") ? name.toLowerCase(Locale.ROOT) : name);
    }
}
