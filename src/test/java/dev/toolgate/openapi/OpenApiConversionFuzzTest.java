package dev.toolgate.openapi;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes OpenAPI conversion with any document: it is converted into tools (or operations skipped with
 * a reason), or refused with an {@link OpenApiException}; nothing else escapes. The document lies in a
 * folder of its own and may reference only files in it, as the gateway loads a spec beside its
 * configuration; Jazzer's path-traversal sanitizer fails the run if any file outside it is touched.
 */
class OpenApiConversionFuzzTest {

    private static final Path FOLDER = folder();
    private static final OpenApiDocument.Access ACCESS = new OpenApiDocument.Access(FOLDER, false);
    private static final String LOCATION = FOLDER.resolve("fuzz.yaml").toString();

    @FuzzTest(maxDuration = "5s")
    void anyDocumentBecomesToolsOrAReasonWhyNot(byte[] document) {
        try {
            OpenApiDocument parsed = OpenApiDocument.parse(document, LOCATION, ACCESS);
            ToolGenerator.Generated generated = new ToolGenerator(parsed, new OperationFilter(List.of(), List.of())).generate();
            generated.tools().forEach(tool -> assertThat(tool.name()).matches("[A-Za-z0-9_.-]{1,64}"));
            generated.skipped().forEach(skipped -> assertThat(skipped.toString()).isNotBlank());
        } catch (OpenApiException e) {
            assertThat(e.getMessage()).isNotBlank();
        }
    }

    /** A folder with one document to reference ({@code common.yaml#/Pet}), so references can be followed. */
    private static Path folder() {
        try {
            Path folder = Files.createTempDirectory("toolgate-fuzz-spec");
            Files.writeString(folder.resolve("common.yaml"), "Pet:\n  type: object\n  properties:\n    name: {type: string}\n",
                    StandardCharsets.UTF_8);
            folder.toFile().deleteOnExit();
            folder.resolve("common.yaml").toFile().deleteOnExit();
            return folder;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
