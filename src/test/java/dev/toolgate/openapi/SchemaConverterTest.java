package dev.toolgate.openapi;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Schemas whose references would multiply when copied in are refused with a message, in bounded time and memory. */
class SchemaConverterTest {

    /** {@code levels} definitions outside components, each referencing the one before twice. */
    static String doublingReferences(int levels, String where) {
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
        OpenApiDocument document = OpenApiDocument.parse(yaml.getBytes(StandardCharsets.UTF_8), "doubling.yaml");
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

    @Test
    void aFewLevelsOfSharedReferencesStillConvert() {
        assertThat(generate(doublingReferences(8, "#/x-defs")).tools()).hasSize(1);
    }
}
