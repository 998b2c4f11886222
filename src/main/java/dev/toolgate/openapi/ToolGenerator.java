package dev.toolgate.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.config.Redacted;
import dev.toolgate.mode.ParameterSpec;
import dev.toolgate.mode.ToolAnnotations;
import dev.toolgate.mode.ToolSpec;
import dev.toolgate.mode.conversion.ReservedHeaders;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One tool per OpenAPI operation, as Kong tool definitions, so that {@code config.openapi} and
 * {@code toolgate openapi2mcp} produce exactly the same tools. Operations that cannot be served are
 * listed with the reason instead of failing the document.
 */
public final class ToolGenerator {

    /** An operation left out, and why. */
    public record Skipped(String operation, String reason) {
        @Override
        public String toString() {
            return operation + ": " + reason;
        }
    }

    /**
     * The generated tools, in document order, the operations skipped, and what was left out of the
     * document's schemas because JSON Schema does not allow it (see {@link SchemaConverter#notes}).
     */
    public record Generated(List<ToolSpec> tools, List<Skipped> skipped, List<String> adjusted) {
    }

    /** Bytes of {@code $defs} an argument schema may carry (beyond it, components are stubs). */
    static final int INPUT_BUDGET = 24 * 1024;
    /** Bytes of {@code $defs} an output schema may carry: output schemas inform, inputs matter more. */
    static final int OUTPUT_BUDGET = 4 * 1024;

    /**
     * Operations (after {@code include}/{@code exclude}) one document may yield: each is a tool held in
     * memory and listed to clients, and a minimal one is thirty bytes of JSON. GitHub's has 1,223.
     */
    static final int MAX_OPERATIONS = 10_000;

    private static final List<String> METHODS = List.of("get", "put", "post", "delete", "options", "head", "patch", "trace");
    private static final Set<String> IGNORED_HEADERS = Set.of("accept", "content-type", "authorization");

    private final OpenApiDocument document;
    private final SchemaConverter schemas;
    private final OperationContent content;
    private final OperationNames names = new OperationNames();
    private final OperationFilter filter;
    private final String server;
    private final CredentialParameters credentials;
    /** Parameters left out because they carry one of the document's API keys. */
    private final List<String> leftOut = new ArrayList<>();

    public ToolGenerator(OpenApiDocument document, OperationFilter filter) {
        this.document = document;
        this.schemas = new SchemaConverter(document);
        this.content = new OperationContent(document, schemas);
        this.filter = filter;
        this.server = ServerUrls.first(document.root().path("servers"), document.location());
        this.credentials = new CredentialParameters(document);
    }

    /** Generates every kept operation's tool. */
    public Generated generate() {
        List<ToolSpec> tools = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        for (Map.Entry<String, JsonNode> entry : document.root().path("paths").properties()) {
            JsonNode item = document.dereferenced(entry.getValue(), "paths." + entry.getKey());
            for (String method : METHODS) {
                JsonNode operation = item.get(method);
                if (operation == null || !operation.isObject()) {
                    continue;
                }
                String label = method.toUpperCase(Locale.ROOT) + " " + entry.getKey()
                        + (operation.has("operationId") ? " (" + operation.get("operationId").asText() + ")" : "");
                if (!filter.keeps(operation.path("operationId").asText(null), tags(operation), method, entry.getKey())) {
                    continue;
                }
                if (tools.size() + skipped.size() == MAX_OPERATIONS) {
                    throw new OpenApiException("paths." + entry.getKey() + "." + method + ": the document has more than "
                            + MAX_OPERATIONS + " operations; keep fewer with config.openapi.include or exclude");
                }
                try {
                    tools.add(tool(entry.getKey(), method, item, operation));
                } catch (Unsupported e) {
                    skipped.add(new Skipped(label, e.getMessage()));
                }
            }
        }
        List<String> adjusted = new ArrayList<>(schemas.notes());
        adjusted.addAll(leftOut);
        return new Generated(tools, skipped, List.copyOf(adjusted));
    }

    private ToolSpec tool(String path, String method, JsonNode item, JsonNode operation) {
        if (method.equals("trace")) {
            throw new Unsupported("TRACE operations are not served");
        }
        checkServer(operation.has("servers") ? operation.get("servers") : item.get("servers"));
        String where = "paths." + path + "." + method;
        List<ParameterSpec> parameters = parameters(item, operation, where);
        JsonNode requestBody = content.requestBody(operation, where);
        namedApart(parameters, requestBody);
        JsonNode responses = content.responses(operation, where);
        schemas.budget().written(where, parameters, requestBody, responses);
        String summary = text(operation, "summary");
        String description = description(summary, text(operation, "description"), method, path);
        ToolAnnotations annotations = annotations(method, summary);
        String name = names.unique(operation.path("operationId").asText(""), method, path);
        int fragment = path.indexOf('#');
        String requestPath = fragment < 0 ? path : path.substring(0, fragment);
        return new ToolSpec(description, name, method.toUpperCase(Locale.ROOT), requestPath, null, null, Map.of(),
                Map.of(), parameters, requestBody, responses, annotations, null, null);
    }

    /** Gives the arguments' differing definitions of one name distinct names ({@link ArgumentDefinitions}). */
    private static void namedApart(List<ParameterSpec> parameters, JsonNode requestBody) {
        ArgumentDefinitions definitions = new ArgumentDefinitions();
        parameters.replaceAll(p -> {
            if (!(p.schema() instanceof ObjectNode schema)) {
                return p;
            }
            ObjectNode apart = definitions.apart(schema);
            return apart == schema ? p : new ParameterSpec(p.name(), p.in(), p.required(), p.description(), apart,
                    p.style(), p.explode(), p.contentType());
        });
        if (requestBody != null) {
            for (JsonNode media : requestBody.path("content")) {
                if (media.get("schema") instanceof ObjectNode schema) {
                    ((ObjectNode) media).set("schema", definitions.apart(schema));
                }
            }
        }
    }

    private void checkServer(JsonNode servers) {
        if (servers == null || !servers.isArray() || servers.isEmpty()) {
            return;
        }
        String own = ServerUrls.first(servers, document.location());
        if (!own.equals(server)) {
            // a relative server resolves against the spec URL, credentials written in it included
            throw new Unsupported("uses its own server " + Redacted.url(own) + " (the document's is "
                    + Redacted.url(server) + "); serve it from a service with that URL");
        }
    }

    private List<ParameterSpec> parameters(JsonNode item, JsonNode operation, String where) {
        Map<String, JsonNode> merged = new LinkedHashMap<>();
        for (JsonNode list : List.of(item.path("parameters"), operation.path("parameters"))) {
            Map<String, String> level = new HashMap<>();
            for (JsonNode p : list) {
                JsonNode parameter = document.dereferenced(p, where);
                String in = parameter.path("in").asText();
                String name = parameter.path("name").asText();
                String earlier = level.put(identity(in, name), name);
                if (earlier != null) {
                    // which of the two a caller's value should fill is the document's to say, not a guess
                    throw new Unsupported("declares " + in + " parameter '" + earlier + "' twice"
                            + (earlier.equals(name) ? "" : ", as '" + earlier + "' and '" + name
                            + "' (header names are case-insensitive)"));
                }
                // an operation's parameter overrides its path's of the same identity, in the path's place
                merged.put(identity(in, name), parameter);
            }
        }
        List<ParameterSpec> parameters = new ArrayList<>();
        for (JsonNode p : merged.values()) {
            String name = p.path("name").asText();
            String in = p.path("in").asText();
            if (!ParameterSpec.LOCATIONS.contains(in)) {
                throw new Unsupported("parameter '" + name + "' is in '" + in + "', which is not query, path, header or cookie");
            }
            // left out, not refused: a header an argument may not set (hop-by-hop, the gateway's identity
            // and forwarding headers, a name that cannot be sent) must not cost a third party's document
            // the whole operation
            if (in.equals("header") && (IGNORED_HEADERS.contains(name.toLowerCase(Locale.ROOT))
                    || ReservedHeaders.refusal(name) != null)) {
                continue;
            }
            String scheme = credentials.scheme(in, name);
            if (scheme != null) {
                leftOut.add(where + ": " + in + " parameter '" + name + "' carries the API key of security scheme '"
                        + scheme + "'; it is no argument (set the key on the service side, e.g. with request-transformer)");
                continue;
            }
            // content (one media type) instead of schema: the value is serialized in that type, not by a style
            String contentType = p.has("schema") ? null : firstType(p.path("content"));
            JsonNode schema = p.has("schema") ? p.get("schema") : firstSchema(p.path("content"));
            ObjectNode converted = schema == null ? ParameterSpec.stringSchema()
                    : schemas.selfContained(schema, where + ".parameters." + name, INPUT_BUDGET,
                            OneWayProperties.Direction.REQUEST);
            String style = contentType != null ? ParameterSpec.defaultStyle(in)
                    : p.path("style").asText(ParameterSpec.defaultStyle(in));
            boolean explode = contentType == null && p.path("explode").asBoolean("form".equals(style));
            parameters.add(new ParameterSpec(name, in, in.equals("path") || p.path("required").asBoolean(false),
                    text(p, "description"), converted, style, explode, contentType));
        }
        return parameters;
    }

    /**
     * What identifies a parameter (OpenAPI: its name and location); HTTP header names are case-insensitive,
     * so {@code X-Trace} and {@code x-trace} are one header and would otherwise be two arguments for it.
     */
    private static String identity(String in, String name) {
        return in + ":" + (in.equals("header") ? name.toLowerCase(Locale.ROOT) : name);
    }

    private static ToolAnnotations annotations(String method, String summary) {
        boolean readOnly = method.equals("get") || method.equals("head");
        boolean idempotent = method.equals("put") || method.equals("delete");
        return new ToolAnnotations(summary, readOnly ? Boolean.TRUE : null, method.equals("delete") ? Boolean.TRUE : null,
                idempotent ? Boolean.TRUE : null, null);
    }

    private static String description(String summary, String description, String method, String path) {
        if (summary != null && description != null && !description.startsWith(summary)) {
            return summary + "\n\n" + description;
        }
        String text = description != null ? description : summary;
        return text != null ? text : method.toUpperCase(Locale.ROOT) + " " + path;
    }

    private static String firstType(JsonNode content) {
        Iterator<String> types = content.fieldNames();
        return types.hasNext() ? types.next() : null;
    }

    private static JsonNode firstSchema(JsonNode content) {
        Iterator<JsonNode> media = content.elements();
        return media.hasNext() ? media.next().get("schema") : null;
    }

    private static List<String> tags(JsonNode operation) {
        List<String> tags = new ArrayList<>();
        operation.path("tags").forEach(t -> tags.add(t.asText()));
        return tags;
    }

    /** A text field, stripped, or null when it is absent, not text or blank. */
    static String text(JsonNode node, String key) {
        JsonNode value = node.get(key);
        return value != null && value.isTextual() && !value.asText().isBlank() ? value.asText().strip() : null;
    }
}
