package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.keyword.NonValidationKeyword;
import dev.toolgate.mcp.HeaderDeclarations;

import java.util.List;

/**
 * Tool schemas compiled as {@link ToolSchemas} does, but with the validator's own {@code anyOf} and {@code oneOf}:
 * what {@link AnyOf} and {@link OneOf} must accept, refuse and list exactly as.
 */
final class LibraryBranches {

    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(
            Dialect.builder(Dialects.getDraft202012()).keyword(new NonValidationKeyword(HeaderDeclarations.KEYWORD))
                    .keyword(UniqueItems.KEYWORD).build(),
            b -> b.schemaLoader(l -> l.fetchRemoteResources(false)).schemaRegistryConfig(SchemaRegistryConfig.builder()
                    .regularExpressionFactory(BoundedPatterns.INSTANCE).build()));

    private LibraryBranches() {
    }

    static Schema compile(JsonNode schema) {
        Schema compiled = REGISTRY.getSchema(schema);
        compiled.initializeValidators();
        return compiled;
    }

    /** The node's first errors against the schema, as a call's validation collects them, and the pattern reads. */
    static Checked check(Schema schema, JsonNode node) {
        long[] budget = BoundedPatterns.fresh();
        // no allowance: the budget left says how many characters the patterns read
        List<Error> errors = BoundedPatterns.within(budget, 0, () -> FirstErrors.of(schema, node));
        return new Checked(errors, BoundedPatterns.STEPS - budget[0]);
    }

    /** A validation's errors, and how many characters its patterns read. */
    record Checked(List<Error> errors, long reads) {

        /** The tool error's text: where and what, the first ten, and whether more exist. */
        String listed() {
            return ResultMapper.invalidArguments("t", errors).get("content").get(0).get("text").asText();
        }
    }
}
