package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.keyword.NonValidationKeyword;
import dev.toolgate.config.ConfigReport;
import dev.toolgate.mcp.HeaderDeclarations;
import dev.toolgate.mcp.Json;
import dev.toolgate.mode.ParameterSpec;

import java.util.List;
import java.util.Map;

/**
 * Builds a tool's {@code inputSchema} (arguments {@code <in>_<name>} from its parameters, and
 * {@code body} from its {@link BodyPart}) and compiles tool schemas ({@link OutputSchema} is the
 * output side). JSON Schema 2020-12 is the default dialect, as MCP says; remote {@code $ref}s are
 * never fetched.
 */
public final class ToolSchemas {

    /**
     * JSON Schema 2020-12, knowing {@code x-mcp-header} as an annotation (unknown, each compile would log a warning),
     * with Toolgate's own {@code uniqueItems} ({@link UniqueItems}: the validator's takes quadratic time on items
     * that share a hash code) and {@code anyOf}, {@code oneOf}, {@code not}, {@code if} and {@code contains}
     * ({@link ApplicatorKeyword}: the validator's build every error of a failing subschema, to show few or none).
     */
    private static final Dialect DIALECT = Dialect.builder(Dialects.getDraft202012())
            .keyword(new NonValidationKeyword(HeaderDeclarations.KEYWORD)).keyword(UniqueItems.KEYWORD)
            .keyword(ApplicatorKeyword.ANY_OF).keyword(ApplicatorKeyword.ONE_OF).keyword(ApplicatorKeyword.NOT)
            .keyword(ApplicatorKeyword.IF).keyword(ApplicatorKeyword.CONTAINS).build();
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(
            DIALECT, b -> b.schemaLoader(l -> l.fetchRemoteResources(false))
                    .schemaRegistryConfig(com.networknt.schema.SchemaRegistryConfig.builder()
                            .regularExpressionFactory(BoundedPatterns.INSTANCE).build()));
    private static final Schema META_SCHEMA = REGISTRY.getSchema(
            com.networknt.schema.SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));

    /** The argument that carries the request body. */
    public static final String BODY = "body";

    private ToolSchemas() {
    }

    /**
     * The input schema: one property per parameter ({@code <in>_<name>}) and {@code body}. A required
     * parameter with a {@code default} is not a required argument: the gateway sends the default when
     * the argument is absent (Kong honours defaults too), so a client need not, and a model is not
     * pushed to, supply it.
     */
    public static ObjectNode input(List<ParameterSpec> parameters, BodyPart body) {
        ObjectNode schema = Json.object();
        schema.put("type", "object");
        ObjectNode properties = schema.putObject("properties");
        ArrayNode required = Json.MAPPER.createArrayNode();
        for (ParameterSpec p : parameters) {
            properties.set(p.argument(), described(ServedSchemas.input(p.schema()), p.description()));
            if (p.required() && !p.schema().has("default")) {
                required.add(p.argument());
            }
        }
        if (body.encoding() != BodyEncoding.NONE) {
            properties.set(BODY, described(ServedSchemas.input(body.schema()), body.description()));
            if (body.required()) {
                required.add(BODY);
            }
        }
        if (!required.isEmpty()) {
            schema.set("required", required);
        }
        hoistDefinitions(schema, properties);
        return schema;
    }

    /**
     * Argument schemas carry their own {@code $defs}; a {@code #/$defs/...} reference resolves against
     * the root of the input schema, so the definitions move there (one copy per name).
     */
    private static void hoistDefinitions(ObjectNode root, ObjectNode properties) {
        ObjectNode defs = null;
        for (Map.Entry<String, JsonNode> property : properties.properties()) {
            if (property.getValue() instanceof ObjectNode schema && schema.get("$defs") instanceof ObjectNode own) {
                ObjectNode copy = Json.object();
                schema.properties().forEach(f -> {
                    if (!f.getKey().equals("$defs")) {
                        copy.set(f.getKey(), f.getValue());
                    }
                });
                property.setValue(copy);
                if (defs == null) {
                    defs = root.putObject("$defs");
                }
                ObjectNode target = defs;
                own.properties().forEach(d -> {
                    if (!target.has(d.getKey())) {
                        target.set(d.getKey(), d.getValue());
                    }
                });
            }
        }
    }

    /**
     * Argument schemas share the input schema's root {@code $defs} (see {@link #input}): two written
     * arguments that define one name differently are a problem, as one of them would be served with the
     * other's definition.
     */
    static void checkDefinitionClashes(List<ParameterSpec> parameters, BodyPart body, String at, ConfigReport report) {
        Map<String, JsonNode> seen = new java.util.HashMap<>();
        for (int i = 0; i <= parameters.size(); i++) {
            JsonNode schema = i < parameters.size() ? parameters.get(i).schema() : body.schema();
            String path = i < parameters.size() ? at + ".parameters[" + i + "].schema" : at + ".request_body";
            if (schema == null) {
                continue;
            }
            for (Map.Entry<String, JsonNode> definition : schema.path("$defs").properties()) {
                JsonNode earlier = seen.putIfAbsent(definition.getKey(), definition.getValue());
                if (earlier != null && !earlier.equals(definition.getValue())) {
                    report.problem(path, "$defs " + definition.getKey() + " is defined differently by another argument "
                            + "of this tool; the arguments share one $defs, so rename one of them");
                }
            }
        }
    }

    /** Compiles a schema now, so no request pays for it; an invalid schema is a problem at {@code path}. */
    public static Schema compile(JsonNode schema, String path, ConfigReport report) {
        try {
            Schema compiled = REGISTRY.getSchema(schema);
            compiled.initializeValidators();
            return compiled;
        } catch (RuntimeException e) {
            report.problem(path, "is not a valid JSON Schema: " + firstLine(e));
            return null;
        }
    }

    /** Compiles a schema that is known to be valid (generated ones); a failure is a bug, thrown. */
    static Schema compileOrThrow(JsonNode schema) {
        Schema compiled = REGISTRY.getSchema(schema);
        compiled.initializeValidators();
        return compiled;
    }

    /** Reports where a schema breaks the JSON Schema 2020-12 meta-schema (a typo such as {@code type: strin}). */
    static void checkMetaSchema(JsonNode schema, String path, ConfigReport report) {
        String problem = metaSchemaProblem(schema);
        if (problem != null) {
            report.problem(path, problem);
        }
    }

    /** Where a schema breaks the JSON Schema 2020-12 meta-schema, as {@code is not a valid JSON Schema: ...}; null if nowhere. */
    public static String metaSchemaProblem(JsonNode schema) {
        List<com.networknt.schema.Error> errors;
        try {
            errors = META_SCHEMA.validate(schema);
        } catch (RuntimeException e) {
            return "is not a valid JSON Schema: " + firstLine(e);
        }
        if (errors.isEmpty()) {
            return null;
        }
        StringBuilder text = new StringBuilder("is not a valid JSON Schema: ");
        for (int i = 0; i < errors.size(); i++) {
            text.append(i == 0 ? "" : "; ").append(errors.get(i).getMessage());
        }
        return text.toString();
    }

    private static String firstLine(RuntimeException e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    /**
     * Why the first {@code pattern} (or {@code patternProperties} key) of a schema is not a regular
     * expression the validator can compile, or null when all are. A tool with such a schema could
     * never validate its arguments, so it is refused at load rather than failing at call time.
     */
    public static String invalidPattern(JsonNode node) {
        if (node == null || !node.isContainerNode()) {
            return null;
        }
        if (node.isObject()) {
            JsonNode pattern = node.get("pattern");
            String problem = pattern != null && pattern.isTextual() ? compiles(pattern.asText()) : null;
            if (problem == null && node.get("patternProperties") instanceof ObjectNode properties) {
                for (String key : (Iterable<String>) properties::fieldNames) {
                    problem = problem == null ? compiles(key) : problem;
                }
            }
            if (problem != null) {
                return problem;
            }
        }
        for (JsonNode child : node) {
            String found = invalidPattern(child);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    private static String compiles(String regex) {
        try {
            java.util.regex.Pattern.compile(regex);
            return null;
        } catch (java.util.regex.PatternSyntaxException e) {
            return "pattern " + Json.text(regex) + " is not a valid regular expression: " + e.getDescription();
        }
    }

    /**
     * The first {@code $ref} that does not point into the schema's own {@code $defs}, or null. Kong's
     * tool definitions allow no references; Toolgate allows local ones, which keep recursive schemas
     * finite (this is what {@code config.openapi} and {@code openapi2mcp} generate).
     */
    public static String foreignReference(JsonNode node) {
        if (node == null) {
            return null;
        }
        JsonNode ref = node.isObject() ? node.get("$ref") : null;
        if (ref != null && !(ref.isTextual() && ref.asText().startsWith("#/$defs/"))) {
            return ref.toString();
        }
        for (JsonNode child : node) {
            String found = foreignReference(child);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    private static JsonNode described(JsonNode schema, String description) {
        if (description == null || schema.has("description") || !schema.isObject()) {
            return schema;
        }
        ObjectNode copy = ((ObjectNode) schema).deepCopy();
        copy.put("description", description);
        return copy;
    }
}
