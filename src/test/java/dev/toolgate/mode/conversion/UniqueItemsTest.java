package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.networknt.schema.Error;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import dev.toolgate.mcp.Json;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Tool schemas' {@code uniqueItems}: items equal as JSON Schema says, found in n log n time whatever the items. */
class UniqueItemsTest {

    private static final String TAGS = "{\"type\":\"object\",\"properties\":{\"tags\":{\"type\":\"array\",\"uniqueItems\":true}}}";

    private static List<Error> errors(String schema, String instance) throws Exception {
        return CompiledSchema.now(ToolSchemas.compileOrThrow(Json.parse(schema))).validate(Json.parse(instance));
    }

    private static List<Error> tagErrors(String tags) throws Exception {
        return errors(TAGS, "{\"tags\":" + tags + "}");
    }

    /** {@code count} distinct strings of 16 {@code Aa}/{@code BB} pairs: they all have one hash code. */
    static ArrayNode collidingStrings(int count) {
        ArrayNode items = Json.MAPPER.createArrayNode();
        for (int i = 0; i < count; i++) {
            StringBuilder item = new StringBuilder(32);
            for (int bit = 15; bit >= 0; bit--) {
                item.append((i >> bit & 1) == 0 ? "Aa" : "BB");
            }
            items.add(item.toString());
        }
        return items;
    }

    @Test
    void aRepeatedItemIsReportedAsTheLibraryReportsIt() throws Exception {
        String instance = "{\"tags\":[\"a\",\"b\",\"a\",\"a\"]}";
        List<Error> library = SchemaRegistry.withDefaultDialect(Dialects.getDraft202012())
                .getSchema(Json.parse(TAGS)).validate(Json.parse(instance));

        List<Error> ours = errors(TAGS, instance);

        assertThat(library).hasSize(2);
        assertThat(ours).extracting(UniqueItemsTest::shape).isEqualTo(library.stream().map(UniqueItemsTest::shape).toList());
        assertThat(ours.getFirst().getMessage()).isEqualTo("must have only unique items in the array");
        assertThat(ours.getFirst().getInstanceLocation()).hasToString("/tags");
        assertThat(ours.getFirst().getKeyword()).isEqualTo("uniqueItems");
    }

    /** What a tool result and the error list show of an error. */
    private static String shape(Error error) {
        return error + " | " + error.getMessage() + " | " + error.getInstanceLocation() + " | " + error.getEvaluationPath()
                + " | " + error.getSchemaLocation() + " | " + error.getKeyword() + " | " + error.getInstanceNode();
    }

    @Test
    void numbersAreEqualByValueWhateverTheirWriting() throws Exception {
        for (String tags : List.of("[1,1.0]", "[1,1e0]", "[10,1E+1]", "[0,-0.0]", "[0.5,5e-1]", "[2.50,2.5]",
                "[12345678901234567890,1.2345678901234567890e19]", "[[1,2],[1.0,2.00]]")) {
            assertThat(tagErrors(tags)).as(tags).hasSize(1);
        }
    }

    @Test
    void objectsAreEqualWhateverTheOrderOfTheirKeys() throws Exception {
        for (String tags : List.of("[{\"a\":1,\"b\":{\"c\":[true,null]}},{\"b\":{\"c\":[true,null]},\"a\":1}]",
                "[{\"a\":1,\"b\":{\"c\":[true,null]}},{\"b\":{\"c\":[true,null]},\"a\":1.0}]")) {
            assertThat(tagErrors(tags)).as(tags).hasSize(1);
        }
    }

    @Test
    void valuesThatOnlyLookAlikeAreDistinct() throws Exception {
        for (String tags : List.of("[1,\"1\"]", "[[1,2],[2,1]]", "[[\"ab\"],[\"a\",\"b\"]]", "[{\"a\":\"b\"},[\"a\",\"b\"]]",
                "[\"1:a\",\"1\"]", "[null,\"null\",false,0,\"\"]", "[{\"a\":1},{\"a\":1,\"b\":1}]", "[1,1.0000001]",
                "[{\"ab\":\"c\"},{\"a\":\"bc\"}]", "[\"2:ab\",[\"ab\"]]", "[[],{},\"\"]")) {
            assertThat(tagErrors(tags)).as(tags).isEmpty();
        }
    }

    @Test
    void onlyTrueAsksForUniqueItemsAndOnlyOfArrays() throws Exception {
        assertThat(errors("{\"uniqueItems\":false}", "[1,1]")).isEmpty();
        assertThat(errors("{\"uniqueItems\":true}", "{\"a\":1,\"b\":1}")).isEmpty();
        assertThat(errors("{\"uniqueItems\":true}", "\"aa\"")).isEmpty();
    }

    @Test
    void itemsThatShareAHashCodeAreCheckedAllTheSame() throws Exception {
        ArrayNode items = collidingStrings(25_000);
        JsonNode schema = Json.parse("{\"type\":\"array\",\"uniqueItems\":true,\"items\":{\"type\":\"string\"}}");
        CompiledSchema compiled = CompiledSchema.now(ToolSchemas.compileOrThrow(schema));

        assertThat(compiled.validate(items)).isEmpty();
        items.add(items.get(12_345));
        assertThat(compiled.validate(items)).singleElement().extracting(Error::getMessage)
                .isEqualTo("must have only unique items in the array");
    }

    @Test
    void longsThatShareAHashCodeAreCheckedAllTheSame() throws Exception {
        ArrayNode items = Json.MAPPER.createArrayNode();
        for (long k = 1; k <= 60_000; k++) {
            items.add(k << 32 | k);
        }
        JsonNode schema = Json.parse("{\"type\":\"array\",\"uniqueItems\":true}");
        CompiledSchema compiled = CompiledSchema.now(ToolSchemas.compileOrThrow(schema));

        assertThat(compiled.validate(items)).isEmpty();
        items.add(5L << 32 | 5L);
        assertThat(compiled.validate(items)).hasSize(1);
    }
}
