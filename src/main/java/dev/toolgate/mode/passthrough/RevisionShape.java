package dev.toolgate.mode.passthrough;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.mcp.JsonRpc;

/**
 * What the legacy bridge sends a legacy client, shaped for the revision its session negotiated: a 2026-07-28 server
 * writes its input requests and errors as 2025-11-25 and 2026-07-28 define them, and a client of an older revision
 * must not meet what its revision lacks. Only that is removed or translated; what the revision defines goes as the
 * server wrote it.
 */
final class RevisionShape {

    /** The revision that added elicitation's {@code mode}, {@code $schema}, titled enums and defaults (SEP-1034/1330). */
    private static final String ELICITATION_REWORK = "2025-11-25";

    /** Resource not found in every legacy revision; 2026-07-28 says -32602 instead. */
    static final int RESOURCE_NOT_FOUND = -32002;

    private RevisionShape() {
    }

    /**
     * The params of a server request ({@code elicitation/create}, ...) as the session's revision defines them. Before
     * 2025-11-25 a form elicitation has no {@code mode} (form is all there is), its requested schema no
     * {@code $schema}, a titled single-select enum ({@code oneOf} of {@code const}/{@code title}) is an {@code enum}
     * with {@code enumNames}, and only a boolean has a {@code default}. What has no older form (a URL elicitation, a
     * multi-select enum) goes as it is: the client refuses it as it would the server's own.
     */
    static JsonNode params(String version, String method, JsonNode params) {
        if (!method.equals("elicitation/create") || !before(version, ELICITATION_REWORK)
                || !(params instanceof ObjectNode given)) {
            return params;
        }
        ObjectNode shaped = given.deepCopy();
        if ("form".equals(shaped.path("mode").asText(null))) {
            shaped.remove("mode");
        }
        if (shaped.get("requestedSchema") instanceof ObjectNode schema) {
            schema.remove("$schema");
            if (schema.get("properties") instanceof ObjectNode properties) {
                properties.forEach(property -> {
                    if (property instanceof ObjectNode field) {
                        primitive(field);
                    }
                });
            }
        }
        return shaped;
    }

    /** One property of a requested schema as 2025-06-18 defines its primitives. */
    private static void primitive(ObjectNode field) {
        if (!"boolean".equals(field.path("type").asText())) {
            field.remove("default");
        }
        if (field.get("oneOf") instanceof ArrayNode options && !field.has("enum")
                && "string".equals(field.path("type").asText())) {
            ArrayNode values = field.putArray("enum");
            ArrayNode names = field.putArray("enumNames");
            options.forEach(option -> {
                values.add(option.path("const").asText());
                names.add(option.path("title").asText(option.path("const").asText()));
            });
            field.remove("oneOf");
        }
    }

    /**
     * A server's error as a legacy client expects it: a {@code resources/read} miss, which 2026-07-28 tells as -32602
     * with {@code data} exactly {@code {uri}}, is the -32002 every legacy revision defines for it; a capability the
     * server requires and the client did not declare (-32021, which legacy revisions do not define) is the invalid
     * parameters it amounts to (-32602). Message and data are kept.
     */
    static ObjectNode error(String method, ObjectNode error) {
        ObjectNode shaped = error.deepCopy();
        int code = shaped.path("code").asInt();
        if (code == JsonRpc.MISSING_CLIENT_CAPABILITY) {
            shaped.put("code", JsonRpc.INVALID_PARAMS);
        } else if (code == JsonRpc.INVALID_PARAMS && method.equals("resources/read") && notFound(shaped.get("data"))) {
            shaped.put("code", RESOURCE_NOT_FOUND);
        }
        return shaped;
    }

    private static boolean notFound(JsonNode data) {
        return data instanceof ObjectNode d && d.size() == 1 && d.path("uri").isTextual();
    }

    /** Whether {@code version} (a legacy revision, YYYY-MM-DD) is older than {@code revision}. */
    private static boolean before(String version, String revision) {
        return version != null && version.compareTo(revision) < 0;
    }
}
