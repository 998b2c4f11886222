package dev.toolgate.openapi;

import dev.toolgate.mode.ParameterSpec;
import dev.toolgate.mode.ToolSpec;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A parameter that carries one of the document's API-key credentials is the operator's to set (on the
 * service side), never a caller's argument: a caller's value would replace the operator's key upstream.
 */
class CredentialParametersTest {

    static final String SPEC = """
            openapi: 3.0.3
            info: {title: x, version: '1'}
            paths:
              /a:
                get:
                  operationId: a
                  parameters:
                    - {name: key, in: query, schema: {type: string}}
                    - {name: Key, in: query, schema: {type: string}}
                    - {name: session, in: cookie, schema: {type: string}}
                    - {name: X-Api-Key, in: header, schema: {type: string}}
                    - {name: session, in: query, schema: {type: string}}
                    - {name: q, in: query, schema: {type: string}}
                  responses: {'200': {description: ok}}
            components:
              securitySchemes:
                google: {type: apiKey, in: query, name: key}
                browser: {type: apiKey, in: cookie, name: session}
                header: {type: apiKey, in: header, name: x-api-key}
                bearer: {type: http, scheme: bearer}
            """;

    static ToolGenerator.Generated generate(byte[] document, String location) {
        return new ToolGenerator(OpenApiDocument.parse(document, location), new OperationFilter(List.of(), List.of()))
                .generate();
    }

    static List<String> arguments(ToolSpec tool) {
        return tool.parameters().stream().map(p -> p.in() + ":" + p.name()).toList();
    }

    @Test
    void queryCookieAndHeaderApiKeysAreLeftOutWithAWarningAndOtherParametersStay() {
        ToolGenerator.Generated generated = generate(SPEC.getBytes(StandardCharsets.UTF_8), "spec.yaml");

        assertThat(arguments(generated.tools().getFirst())).containsExactly("query:Key", "query:session", "query:q");
        assertThat(generated.adjusted()).anySatisfy(note -> assertThat(note)
                .contains("paths./a.get").contains("query parameter 'key'").contains("'google'"));
        assertThat(generated.adjusted()).anySatisfy(note -> assertThat(note).contains("cookie parameter 'session'"));
        assertThat(generated.adjusted()).anySatisfy(note -> assertThat(note).contains("header parameter 'X-Api-Key'"));
    }

    @Test
    void petstoresApiKeyHeaderIsNoArgumentOfDeletePet() throws Exception {
        for (String file : List.of("swagger-petstore-v3.0.yaml", "swagger-petstore-v2.0.yaml")) {
            Path path = RealDocumentsTest.fixture(file);
            ToolGenerator.Generated generated = generate(Files.readAllBytes(path), path.toString());

            ToolSpec deletePet = generated.tools().stream().filter(t -> t.name().equals("deletePet")).findFirst().orElseThrow();
            assertThat(deletePet.parameters()).extracting(ParameterSpec::name).as(file).containsExactly("petId");
            assertThat(generated.adjusted()).as(file).anySatisfy(note -> assertThat(note)
                    .contains("header parameter 'api_key'"));
        }
    }
}
