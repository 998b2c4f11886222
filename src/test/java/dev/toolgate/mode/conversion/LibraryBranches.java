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
import dev.toolgate.mcp.Json;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tool schemas compiled as {@link ToolSchemas} does, but with the validator's own {@code anyOf}, {@code oneOf},
 * {@code not}, {@code if} and {@code contains}: what Toolgate's ({@link ApplicatorKeyword}) must accept, refuse and
 * list exactly as.
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

    /** Checks the value with both keywords: the same errors, in the same order, and no more pattern reads; ours. */
    static Checked sameAsLibrary(String schema, String value) throws Exception {
        JsonNode node = Json.parse(value);
        Checked ours = check(ToolSchemas.compileOrThrow(Json.parse(schema)), node);
        Checked library = check(compile(Json.parse(schema)), node);
        assertThat(described(ours.errors())).as("errors of %s", value).isEqualTo(described(library.errors()));
        assertThat(ours.reads()).as("pattern reads").isLessThanOrEqualTo(library.reads());
        return ours;
    }

    /** Each error as where, which keyword and what: all that a tool error or a reader of them could see. */
    static List<String> described(List<Error> errors) {
        return errors.stream().map(e -> e.getInstanceLocation() + " " + e.getEvaluationPath() + " " + e.getKeyword()
                + ": " + e.getMessage()).toList();
    }

    /** {@code count} copies of {@code item}, comma-separated, in an array. */
    static String array(String item, int count) {
        return "[" + (item + ",").repeat(count - 1) + item + "]";
    }

    /** A validation's errors, and how many characters its patterns read. */
    record Checked(List<Error> errors, long reads) {

        /** The tool error's text: where and what, the first ten, and whether more exist. */
        String listed() {
            return ResultMapper.invalidArguments("t", errors).get("content").get(0).get("text").asText();
        }
    }
}
