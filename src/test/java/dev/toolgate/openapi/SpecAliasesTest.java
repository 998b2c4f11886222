package dev.toolgate.openapi;

import dev.toolgate.mode.OpenApiSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A YAML alias ({@code *name}) in an OpenAPI document: Jackson's YAML reader would read the anchor's name where
 * every other OpenAPI tool reads the anchored node, so the document is refused at the alias's line, named.
 */
class SpecAliasesTest {

    static final String ANCHORED = """
            openapi: 3.0.0
            info: {title: pets, version: '1'}
            paths:
              /pets:
                get:
                  operationId: listPets
                  parameters:
                    - &limit {name: limit, in: query, schema: {type: integer}}
                  responses: {'200': {description: ok}}
              /owners:
                get:
                  operationId: listOwners
                  parameters:
                    - *limit
                  responses: {'200': {description: ok}}
            """;

    @TempDir
    Path folder;

    private OpenApiDocument load(String file) {
        return OpenApiDocument.load(new OpenApiSource(file, List.of(), List.of()),
                new OpenApiDocument.Access(folder, false));
    }

    @Test
    void aDocumentWithAnAliasIsRefusedAtItsLineNamingTheDocument() throws IOException {
        Files.writeString(folder.resolve("pets.yaml"), ANCHORED);

        assertThatThrownBy(() -> load("pets.yaml")).isInstanceOf(OpenApiException.class)
                .hasMessageContaining("pets.yaml is not valid YAML: line 14")
                .hasMessageContaining("a YAML alias (*name) is not supported");
    }

    @Test
    void aReferencedFileWithAnAliasIsRefusedNamingThatFile() throws IOException {
        Files.writeString(folder.resolve("common.yaml"), """
                Limit: &limit {name: limit, in: query, schema: {type: integer}}
                Other: *limit
                """);
        Files.writeString(folder.resolve("api.yaml"), ANCHORED.replace("- &limit {name: limit, in: query, schema: {type: integer}}",
                "- {$ref: 'common.yaml#/Limit'}").replace("- *limit", "- {$ref: 'common.yaml#/Other'}"));

        assertThatThrownBy(() -> load("api.yaml")).isInstanceOf(OpenApiException.class)
                .hasMessageContaining("common.yaml is not valid YAML: line 2")
                .hasMessageContaining("a YAML alias (*name) is not supported");
    }

    @Test
    void anAnchorThatNoAliasUsesIsHarmless() throws IOException {
        Files.writeString(folder.resolve("pets.yaml"), ANCHORED.replace("- *limit", "- {name: limit, in: query}"));

        assertThat(load("pets.yaml").root().at("/paths/~1owners/get/parameters/0/name").asText()).isEqualTo("limit");
    }
}
