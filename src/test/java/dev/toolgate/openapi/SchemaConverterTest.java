package dev.toolgate.openapi;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Schemas whose references would multiply when copied in are refused with a message, in bounded time and memory. */
public class SchemaConverterTest {

    /** {@code levels} definitions outside components, each referencing the one before twice. */
    public static String doublingReferences(int levels, String where) {
        StringBuilder yaml = new StringBuilder(SpecReferencesTest.openapi(where + "/d" + (levels - 1)));
        yaml.append(where.equals("#/x-defs") ? "x-defs:\n" : "components:\n  schemas:\n    Holder:\n      properties:\n");
        String indent = where.equals("#/x-defs") ? "  " : "        ";
        yaml.append(indent).append("d0: {type: string}\n");
        for (int i = 1; i < levels; i++) {
            yaml.append(indent).append("d").append(i).append(": {allOf: [{$ref: '").append(where).append("/d").append(i - 1)
                    .append("'}, {$ref: '").append(where).append("/d").append(i - 1).append("'}]}\n");
        }
        return yaml.toString();
    }

    static ToolGenerator.Generated generate(String yaml) {
        return generate(yaml, "doubling.yaml");
    }

    /** The tools of a document, read as a file of this name would be (its extension says JSON or YAML). */
    static ToolGenerator.Generated generate(String text, String name) {
        OpenApiDocument document = OpenApiDocument.parse(text.getBytes(StandardCharsets.UTF_8), name);
        return new ToolGenerator(document, new OperationFilter(List.of(), List.of())).generate();
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void referencesThatDoubleAtEveryLevelAreRefusedInsteadOfExhaustingTheHeap() {
        assertThatThrownBy(() -> generate(doublingReferences(40, "#/x-defs")))
                .isInstanceOf(OpenApiException.class)
                .hasMessageContaining("expand to more than 100000 schema objects");
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void referencesIntoAComponentThatDoubleAreRefusedToo() {
        assertThatThrownBy(() -> generate(doublingReferences(40, "#/components/schemas/Holder/properties")))
                .isInstanceOf(OpenApiException.class)
                .hasMessageContaining("expand to more than 100000 schema objects");
    }

    /** {@code yaml} (from {@link SpecReferencesTest#openapi}) with {@code count} query parameters of that schema. */
    public static String withParameters(String yaml, int count, String schema) {
        StringBuilder parameters = new StringBuilder("      operationId: a\n      parameters:\n");
        for (int i = 0; i < count; i++) {
            parameters.append("        - {name: p").append(i).append(", in: query, schema: ").append(schema).append("}\n");
        }
        return yaml.replace("      operationId: a\n", parameters.toString());
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void parametersThatEachCopyInTheSameLargeSchemaAreRefusedForTheWholeDocument() {
        // each parameter alone stays under the per-schema cap (65,535 objects); 500 of them would be 32 million
        String yaml = withParameters(doublingReferences(16, "#/x-defs"), 500, "{$ref: '#/x-defs/d15'}");

        assertThatThrownBy(() -> generate(yaml))
                .isInstanceOf(OpenApiException.class)
                .hasMessageStartingWith("paths./a.get.parameters.p")
                .hasMessageContaining("the document's schemas expand to more than 250000 schema objects in all");
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aLargeComponentReferencedByThousandsOfParametersIsRefusedForTheWholeDocument() {
        StringBuilder big = new StringBuilder("components:\n  schemas:\n    Big:\n      properties:\n");
        for (int i = 0; i < 300; i++) {
            big.append("        f").append(i).append(": {type: string, description: ").append("x".repeat(30)).append("}\n");
        }
        // ~20 KB of $defs in each parameter's schema (within its 24 KB budget): 2,000 of them would be 40 MB
        String yaml = withParameters(SpecReferencesTest.openapi("#/components/schemas/Big"), 2000,
                "{$ref: '#/components/schemas/Big'}") + big;

        assertThatThrownBy(() -> generate(yaml))
                .isInstanceOf(OpenApiException.class)
                .hasMessageStartingWith("paths./a.get.parameters.p")
                .hasMessageContaining("the document's schemas carry more than 32 MiB of $defs in all");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aDocumentWithMoreThanTenThousandOperationsIsRefused() {
        StringBuilder json = new StringBuilder("{\"openapi\": \"3.0.0\", \"info\": {\"title\": \"x\", \"version\": \"1\"}, \"paths\": {");
        for (int i = 0; i <= 10_000; i++) {
            json.append(i == 0 ? "" : ",").append("\"/p").append(i).append("\": {\"get\": {\"responses\": {}}}");
        }
        OpenApiDocument document = OpenApiDocument.parse(json.append("}}").toString().getBytes(StandardCharsets.UTF_8), "many.json");

        assertThatThrownBy(() -> new ToolGenerator(document, new OperationFilter(List.of(), List.of())).generate())
                .isInstanceOf(OpenApiException.class)
                .hasMessage("paths./p10000.get: the document has more than 10000 operations; keep fewer with "
                        + "config.openapi.include or exclude");
        // include/exclude narrow what counts
        assertThat(new ToolGenerator(document, new OperationFilter(List.of("GET /p1*"), List.of())).generate().tools())
                .isNotEmpty();
    }

    /** A 3.0 document (JSON) whose one operation answers {@code where/c0}, with {@code links} definitions each holding the next. */
    public static String referenceChain(int links, String where) {
        StringBuilder json = new StringBuilder("{\"openapi\": \"3.0.0\", \"info\": {\"title\": \"x\", \"version\": \"1\"}, "
                + "\"paths\": {\"/a\": {\"get\": {\"operationId\": \"a\", \"responses\": {\"200\": {\"description\": \"ok\", "
                + "\"content\": {\"application/json\": {\"schema\": {\"$ref\": \"" + where + "/c0\"}}}}}}}}, ");
        json.append(where.equals("#/x-defs") ? "\"x-defs\": {" : "\"components\": {\"schemas\": {");
        for (int i = 0; i < links; i++) {
            json.append("\"c").append(i).append("\": {\"type\": \"array\", \"items\": {\"$ref\": \"").append(where)
                    .append("/c").append(i + 1).append("\"}}, ");
        }
        json.append("\"c").append(links).append("\": {\"type\": \"string\"}}").append(where.equals("#/x-defs") ? "}" : "}}");
        return json.toString();
    }

    static ToolGenerator.Generated generateJson(String json) {
        return generate(json, "chain.json");
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aChainOfTwentyThousandComponentsIsRefusedNamingWhereInsteadOfOverflowingTheStack() {
        assertThatThrownBy(() -> generateJson(referenceChain(20_000, "#/components/schemas")))
                .isInstanceOf(OpenApiException.class)
                .hasMessageStartingWith("component c")
                .hasMessageContaining("(first used at paths./a.get.responses.200): the schema nests deeper than 128 levels, "
                        + "counting the $refs followed on the way");
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aChainOfReferencesOutsideComponentsIsRefusedBeforeItsSchemaIsTooDeepToCheckOrWrite() {
        // 600 links inline as a schema 1,200 levels deep: past Jackson's write limit and the meta-schema check's stack
        assertThatThrownBy(() -> generateJson(referenceChain(600, "#/x-defs")))
                .isInstanceOf(OpenApiException.class)
                .hasMessage("paths./a.get.responses.200: the schema nests deeper than 128 levels, counting the $refs "
                        + "followed on the way (a chain of references, or a schema nested that deep)");
        assertThatThrownBy(() -> generateJson(referenceChain(20_000, "#/x-defs")))
                .isInstanceOf(OpenApiException.class)
                .hasMessageContaining("nests deeper than 128 levels");
    }

    @Test
    void aSchemaJustWithinTheDepthConvertsAndIsWrittenOut() {
        // nullable objects without a type become anyOf wrappers: the deepest JSON a schema within the bound makes
        StringBuilder schema = new StringBuilder();
        for (int i = 0; i < 127; i++) {
            schema.append("{\"nullable\": true, \"properties\": {\"p\": ");
        }
        schema.append("{\"type\": \"string\"}").append("}}".repeat(127));
        String json = referenceChain(0, "#/x-defs").replace("{\"$ref\": \"#/x-defs/c0\"}", schema);

        ToolGenerator.Generated generated = generateJson(json);

        assertThat(generated.skipped()).isEmpty();
        assertThat(dev.toolgate.mcp.Json.bytes(generated.tools().getFirst().responses())).isNotEmpty();
    }

    @Test
    void aDefaultValueNestedTooDeepToWriteOutIsLeftOutWithANoteInsteadOfFailingTheLoad() {
        // 990 levels read (Jackson reads 1,000), but inside a tool definition they would pass what it writes
        String deep = "[".repeat(990) + "]".repeat(990);
        String json = referenceChain(0, "#/x-defs").replace("{\"$ref\": \"#/x-defs/c0\"}",
                "{\"type\": \"array\", \"default\": " + deep + "}");

        ToolGenerator.Generated generated = generateJson(json);

        assertThat(generated.skipped()).isEmpty();
        assertThat(generated.adjusted()).anySatisfy(note -> assertThat(note).contains("paths./a.get.responses.200: a "
                + "schema's default is a value nested deeper than 8 levels, but JSON Schema wants a value nested at most "
                + "64 levels; the keyword is left out"));
        assertThat(dev.toolgate.mcp.Json.bytes(generated.tools().getFirst().responses())).isNotEmpty();
    }

    @Test
    void aNullableReferenceToABooleanSchemaIsServedAsThatBooleanInsteadOfFailingTheLoad() {
        String yaml = SpecReferencesTest.openapi("#/components/schemas/M").replace("      operationId: a\n", """
                      operationId: a
                      parameters:
                        - {name: any, in: query, schema: {$ref: '#/components/schemas/M/additionalProperties', nullable: true}}
                        - {name: none, in: query, schema: {$ref: '#/components/schemas/N/additionalProperties', nullable: true}}
                """) + """
                components:
                  schemas:
                    M: {type: object, additionalProperties: true}
                    N: {type: object, additionalProperties: false}
                """;

        ToolGenerator.Generated generated = generate(yaml);

        assertThat(generated.tools()).singleElement().satisfies(tool -> {
            // true admits null already; false admits nothing, and nullable adds null
            assertThat(tool.parameters().get(0).schema().toString()).isEqualTo("{}");
            assertThat(tool.parameters().get(1).schema().toString()).isEqualTo("{\"type\":\"null\"}");
        });
    }

    @Test
    void aFewLevelsOfSharedReferencesStillConvert() {
        assertThat(generate(doublingReferences(8, "#/x-defs")).tools()).hasSize(1);
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void componentsThatEachReferenceTheNextAThousandTimesLoadInsteadOfRunningForHours() {
        // ~160 KB, ~4,000 schema objects: looking for readOnly/writeOnly through every part of every
        // component reached from the property would be 1000^4 steps
        StringBuilder yaml = new StringBuilder(SpecReferencesTest.openapi("#/components/schemas/Body"))
                .append("components:\n  schemas:\n    Body: {type: object, properties: {p: {$ref: '#/components/schemas/A'}}}\n")
                .append("    E: {type: string}\n");
        String chain = "ABCDE";
        for (int i = 0; i < 4; i++) {
            String next = "{$ref: '#/components/schemas/" + chain.charAt(i + 1) + "'}";
            yaml.append("    ").append(chain.charAt(i)).append(": {allOf: [")
                    .append(String.join(", ", java.util.Collections.nCopies(1000, next))).append("]}\n");
        }

        ToolGenerator.Generated generated = generate(yaml.toString());

        assertThat(generated.tools()).singleElement().satisfies(tool ->
                assertThat(tool.responses().toString()).contains("\"properties\":{\"p\":{\"$ref\":\"#/$defs/A\"}}"));
    }
}
