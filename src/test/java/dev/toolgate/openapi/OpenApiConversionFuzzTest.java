package dev.toolgate.openapi;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes OpenAPI conversion with any document: it is converted into tools (or operations skipped with
 * a reason), or refused with an {@link OpenApiException}; nothing else escapes.
 */
class OpenApiConversionFuzzTest {

    @FuzzTest(maxDuration = "5s")
    void anyDocumentBecomesToolsOrAReasonWhyNot(byte[] document) {
        try {
            OpenApiDocument parsed = OpenApiDocument.parse(document, "fuzz.yaml");
            ToolGenerator.Generated generated = new ToolGenerator(parsed, new OperationFilter(List.of(), List.of())).generate();
            generated.tools().forEach(tool -> assertThat(tool.name()).matches("[A-Za-z0-9_.-]{1,64}"));
            generated.skipped().forEach(skipped -> assertThat(skipped.toString()).isNotBlank());
        } catch (OpenApiException e) {
            assertThat(e.getMessage()).isNotBlank();
        }
    }
}
