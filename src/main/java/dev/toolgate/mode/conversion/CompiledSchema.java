package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import dev.toolgate.config.BoundedText;
import dev.toolgate.mcp.Json;

import java.util.List;

/**
 * A JSON Schema validator, compiled at load ({@link #now}) or on first use ({@link #later}). Generated
 * tools (an OpenAPI document can give thousands) use the second, and the gateway compiles them all on
 * a background thread right after the configuration is swapped in, so startup does not wait for them
 * and a call rarely does.
 */
public final class CompiledSchema {

    /**
     * The deepest value (levels of objects and arrays) checked against a schema. The validator recurses about six
     * frames a level through a recursive schema's {@code $ref}s, and Jackson's own bound (1,000 levels) is more than
     * an event loop's stack takes on a fresh JVM (about 400 overflow it); REST arguments and answers nest a few tens.
     */
    public static final int MAX_DEPTH = 128;

    private final JsonNode schema;
    private volatile Schema compiled;

    private CompiledSchema(JsonNode schema, Schema compiled) {
        this.schema = schema;
        this.compiled = compiled;
    }

    static CompiledSchema now(Schema compiled) {
        return new CompiledSchema(null, compiled);
    }

    static CompiledSchema later(JsonNode schema) {
        return new CompiledSchema(schema, null);
    }

    /** The validator, compiling it now if it has not been yet. */
    public Schema get() {
        Schema result = compiled;
        if (result == null) {
            synchronized (this) {
                result = compiled;
                if (result == null) {
                    result = ToolSchemas.compileOrThrow(schema);
                    compiled = result;
                }
            }
        }
        return result;
    }

    /** The node's errors against the schema, its patterns with a budget of their own. */
    public List<Error> validate(JsonNode node) {
        return validate(node, BoundedPatterns.fresh());
    }

    /**
     * The node's errors against the schema, the first {@link FirstErrors#LISTED} and one more when others may
     * follow (the validation stops there). Its patterns are paid from {@code shared}, the budget of the
     * request's validations together ({@link BoundedPatterns}); a value that spends it is the one error, and the
     * validation stops there too.
     */
    List<Error> validate(JsonNode node, long[] shared) {
        if (Json.deeperThan(node, MAX_DEPTH)) {
            return List.of(Error.builder().message("nested deeper than " + MAX_DEPTH + " levels of objects and "
                    + "arrays, the most the gateway checks against a schema").build());
        }
        Schema schema = get();
        // most of it left: the value alone spent it, not the calls before it
        boolean whole = shared[0] > BoundedPatterns.STEPS / 2;
        try {
            return BoundedPatterns.within(shared, textChars(node), () -> FirstErrors.of(schema, node));
        } catch (BoundedText.Exhausted e) {
            return List.of(Error.builder().message(whole
                    ? "a value took too long to match a pattern of the schema; send a shorter one"
                    : "a value took too long to match a pattern of the schema: the calls of one request (a batch) "
                    + "share the time for this, and earlier ones used it up; send this call on its own").build());
        }
    }

    /** The characters of the node's strings and field names: what its patterns may read. */
    private static long textChars(JsonNode node) {
        if (node.isTextual()) {
            return node.textValue().length();
        }
        long chars = 0;
        if (node.isObject()) {
            for (var field : node.properties()) {
                chars += field.getKey().length() + textChars(field.getValue());
            }
        } else if (node.isArray()) {
            for (JsonNode item : node) {
                chars += textChars(item);
            }
        }
        return chars;
    }

    /** True once compiled. */
    public boolean ready() {
        return compiled != null;
    }
}
