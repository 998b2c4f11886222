package dev.toolgate.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.mcp.Json;
import dev.toolgate.mcp.MediaTypes;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * What a generated tool sends and receives: the operation's request body in the one media type the
 * tool uses for it, and its first 2xx response with a JSON schema, each with a self-contained schema.
 */
final class OperationContent {

    private final OpenApiDocument document;
    private final SchemaConverter schemas;

    OperationContent(OpenApiDocument document, SchemaConverter schemas) {
        this.document = document;
        this.schemas = schemas;
    }

    /** The Kong {@code requestBody}, or null when the operation has none. */
    JsonNode requestBody(JsonNode operation, String where) {
        JsonNode body = operation.get("requestBody");
        if (body == null) {
            return null;
        }
        body = document.dereferenced(body, where + ".requestBody");
        JsonNode content = body.path("content");
        String chosen = chosenMediaType(content);
        if (chosen == null) {
            if (content.isEmpty()) {
                return null;
            }
            throw new Unsupported("request body type " + String.join(", ", iterable(content.fieldNames()))
                    + " is not supported (JSON, form-urlencoded and multipart/form-data are)");
        }
        JsonNode media = content.get(chosen);
        ObjectNode out = Json.object();
        if (body.path("required").asBoolean(false)) {
            out.put("required", true);
        }
        String description = ToolGenerator.text(body, "description");
        if (description != null) {
            out.put("description", description);
        }
        // the declared JSON type is kept: an upstream taking merge-patch+json or vnd.api+json refuses plain JSON
        ObjectNode chosenMedia = out.putObject("content").putObject(chosen.endsWith("/*") ? "application/json" : chosen);
        chosenMedia.set("schema", media.has("schema")
                ? schemas.selfContained(media.get("schema"), where + ".requestBody", ToolGenerator.INPUT_BUDGET,
                        OneWayProperties.Direction.REQUEST)
                : Json.object());
        if (media.has("encoding")) {
            chosenMedia.set("encoding", encoding(media.get("encoding")));
        }
        return out;
    }

    /**
     * The Kong {@code responses} holding the first 2xx response with a JSON schema, and beside it what the other
     * 2xx responses say of the output schema ({@link dev.toolgate.mode.conversion.OutputSchema}): one without
     * content (a DELETE's 204: an empty answer is then a success), or with content of other types only (a text
     * answer: then no schema); null when no 2xx response has a JSON schema.
     */
    JsonNode responses(JsonNode operation, String where) {
        ObjectNode responses = Json.object();
        boolean found = false;
        for (Map.Entry<String, JsonNode> entry : operation.path("responses").properties()) {
            if (!entry.getKey().matches("2(\\d\\d|XX)")) {
                continue;
            }
            JsonNode response = document.dereferenced(entry.getValue(), where + ".responses." + entry.getKey());
            JsonNode content = response.path("content");
            JsonNode schema = null;
            boolean json = false;
            for (Map.Entry<String, JsonNode> m : content.properties()) {
                json |= MediaTypes.isJson(m.getKey());
                if (schema == null && MediaTypes.isJson(m.getKey()) && m.getValue().has("schema")) {
                    schema = m.getValue().get("schema");
                }
            }
            if (schema != null && !found) {
                found = true;
                responses.putObject(entry.getKey()).putObject("content").putObject("application/json").set("schema",
                        schemas.selfContained(schema, where + ".responses." + entry.getKey(), ToolGenerator.OUTPUT_BUDGET,
                                OneWayProperties.Direction.RESPONSE));
            } else if (content.isEmpty()) {
                responses.putObject(entry.getKey()).put("description", "no content");
            } else if (!json) {
                ObjectNode types = responses.putObject(entry.getKey()).putObject("content");
                content.fieldNames().forEachRemaining(type -> types.putObject(type));
            }
        }
        return found ? responses : null;
    }

    /** JSON first, then form, multipart and wildcards; null when the tool can send none of them. */
    private static String chosenMediaType(JsonNode content) {
        for (Iterator<String> types = content.fieldNames(); types.hasNext(); ) {
            String type = types.next();
            if (MediaTypes.isJson(type)) {
                return type;
            }
        }
        // */* (Swagger 2.0 without "consumes") admits JSON, the most useful choice for a model
        for (String preferred : List.of("application/x-www-form-urlencoded", "multipart/form-data", "*/*", "application/*")) {
            if (content.has(preferred)) {
                return preferred;
            }
        }
        return null;
    }

    private static ObjectNode encoding(JsonNode encoding) {
        ObjectNode out = Json.object();
        encoding.properties().forEach(e -> {
            ObjectNode field = out.putObject(e.getKey());
            for (String key : List.of("contentType", "style", "explode")) {
                if (e.getValue().has(key)) {
                    field.set(key, e.getValue().get(key));
                }
            }
        });
        return out;
    }

    private static <T> Iterable<T> iterable(Iterator<T> iterator) {
        List<T> list = new ArrayList<>();
        iterator.forEachRemaining(list::add);
        return list;
    }
}
