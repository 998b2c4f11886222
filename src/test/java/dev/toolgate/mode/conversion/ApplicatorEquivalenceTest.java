package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Schema;
import dev.toolgate.mcp.Json;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Random;

import static dev.toolgate.mode.conversion.LibraryBranches.described;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Toolgate's {@code not}, {@code if} and {@code contains} ({@link Not}, {@link Condition}, {@link Contains}) accept,
 * refuse and list exactly what the validator's own did: the input and output schemas real API documents become
 * ({@link BranchEquivalenceTest#tools}), each put under those keywords, against the values {@link SchemaValues} makes
 * for them (alone, or as the items of arrays), from mostly right to mostly wrong.
 */
class ApplicatorEquivalenceTest {

    /** Tools checked per document, spread over it; each schema is put under nine keywords. */
    private static final int TOOLS = 40;
    private static final int VALUES = 8;
    /** Where a schema stands under each keyword ({@code S}), with its {@code $defs} moved to the root beside it. */
    private static final List<String> WRAPPERS = List.of(
            "{\"not\":S}",
            "{\"if\":S,\"then\":{\"maxProperties\":3},\"else\":{\"type\":\"object\",\"minProperties\":1}}",
            "{\"type\":\"object\",\"if\":S,\"else\":{\"required\":[\"x\"]},\"unevaluatedProperties\":false}",
            "{\"type\":\"array\",\"contains\":S}",
            "{\"type\":\"array\",\"contains\":S,\"minContains\":2}",
            "{\"type\":\"array\",\"contains\":S,\"maxContains\":1}",
            "{\"type\":\"array\",\"contains\":S,\"minContains\":0,\"maxContains\":2}",
            "{\"type\":\"array\",\"contains\":S,\"minContains\":3,\"maxContains\":1}",
            "{\"type\":\"array\",\"contains\":S,\"unevaluatedItems\":{\"type\":\"object\"}}");

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"stripe-api-v3.0.yaml", "github-rest-api-v3.0.json", "discord-api-v10-v3.1.json",
            "box-platform-api-v3.0.json", "twilio-api-v2010-v3.0.json"})
    void everyValueIsAcceptedOrRefusedAndListedAsTheValidatorsOwnKeywordsDid(String document) throws Exception {
        List<Tool> tools = BranchEquivalenceTest.tools(document);
        int[] outcomes = new int[3];
        int stride = Math.max(1, tools.size() / TOOLS);
        for (int i = 0; i < tools.size(); i += stride) {
            Tool tool = tools.get(i);
            compare(tool.name() + " input", tool.definition().get("inputSchema"), i, outcomes);
            if (tool.definition().has("outputSchema")) {
                compare(tool.name() + " output", tool.definition().get("outputSchema"), i, outcomes);
            }
        }
        assertThat(outcomes[0]).as("accepted").isPositive();
        assertThat(outcomes[1]).as("refused").isPositive();
        assertThat(outcomes[2]).as("refused with more than are listed").isPositive();
    }

    private static void compare(String what, JsonNode schema, long seed, int[] outcomes) throws Exception {
        for (String wrapper : WRAPPERS) {
            JsonNode wrapped = wrapped(wrapper, schema);
            Schema ours = ToolSchemas.compileOrThrow(wrapped);
            Schema library = LibraryBranches.compile(wrapped);
            Random sizes = new Random(seed);
            for (int wrongOneIn : new int[]{1_000, 25, 6}) {
                SchemaValues values = new SchemaValues(schema, seed * 31 + wrongOneIn, wrongOneIn);
                for (int v = 0; v < VALUES; v++) {
                    JsonNode value = wrapper.contains("contains") ? items(values, sizes.nextInt(8)) : values.value();
                    List<String> expected = described(LibraryBranches.check(library, value).errors());
                    assertThat(described(LibraryBranches.check(ours, value).errors()))
                            .as("%s under %s: %s", what, wrapper, value).isEqualTo(expected);
                    outcomes[expected.isEmpty() ? 0 : 1]++;
                    outcomes[2] += expected.size() > FirstErrors.LISTED ? 1 : 0;
                }
            }
        }
    }

    /** The schema where {@code S} stands in the wrapper; its {@code $defs} at the root, where its references look. */
    private static JsonNode wrapped(String wrapper, JsonNode schema) throws Exception {
        ObjectNode inner = schema.deepCopy();
        JsonNode defs = inner.remove("$defs");
        ObjectNode root = (ObjectNode) Json.parse(wrapper.replace("S", inner.toString()));
        if (defs != null) {
            root.set("$defs", defs);
        }
        return root;
    }

    private static ArrayNode items(SchemaValues values, int count) {
        ArrayNode items = Json.MAPPER.createArrayNode();
        for (int i = 0; i < count; i++) {
            items.add(values.value());
        }
        return items;
    }
}
