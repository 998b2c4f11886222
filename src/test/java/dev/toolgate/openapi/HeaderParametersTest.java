package dev.toolgate.openapi;

import dev.toolgate.mode.ToolSpec;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A parameter is identified by its name and location, and a header's name is case-insensitive: the
 * operation's {@code x-trace} overrides its path's {@code X-Trace}, and one level naming a header twice
 * is refused for that operation, not served as two arguments for one header.
 */
class HeaderParametersTest {

    static final String SPEC = """
            openapi: 3.0.3
            info: {title: x, version: '1'}
            paths:
              /a:
                parameters:
                  - {name: X-Trace, in: header, schema: {type: string}}
                  - {name: q, in: query, schema: {type: string}}
                get:
                  operationId: overrides
                  parameters:
                    - {name: x-trace, in: header, required: true, schema: {type: integer}}
                  responses: {'200': {description: ok}}
                post:
                  operationId: inherits
                  responses: {'200': {description: ok}}
              /b:
                get:
                  operationId: twice
                  parameters:
                    - {name: X-Trace, in: header, schema: {type: string}}
                    - {name: x-trace, in: header, schema: {type: string}}
                  responses: {'200': {description: ok}}
                put:
                  operationId: queryTwice
                  parameters:
                    - {name: q, in: query, schema: {type: string}}
                    - {name: q, in: query, schema: {type: integer}}
                  responses: {'200': {description: ok}}
              /c:
                get:
                  operationId: claims
                  parameters:
                    - {name: X-Forwarded-Scheme, in: header, schema: {type: string}}
                    - {name: X-Envoy-Internal, in: header, schema: {type: string}}
                    - {name: Client-IP, in: header, schema: {type: string}}
                    - {name: X-Trace, in: header, schema: {type: string}}
                  responses: {'200': {description: ok}}
            """;

    static ToolGenerator.Generated generated() {
        return CredentialParametersTest.generate(SPEC.getBytes(StandardCharsets.UTF_8), "spec.yaml");
    }

    static ToolSpec tool(String name) {
        return generated().tools().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void anOperationsHeaderOverridesItsPathsHeaderOfTheSameNameInAnotherCase() {
        ToolSpec tool = tool("overrides");

        assertThat(CredentialParametersTest.arguments(tool)).containsExactly("header:x-trace", "query:q");
        assertThat(tool.parameters().getFirst().required()).isTrue();
        assertThat(tool.parameters().getFirst().schema().path("type").asText()).isEqualTo("integer");
        assertThat(CredentialParametersTest.arguments(tool("inherits"))).containsExactly("header:X-Trace", "query:q");
    }

    @Test
    void anOperationNamingOneHeaderTwiceInTwoCasesIsSkippedWithTheReason() {
        ToolGenerator.Generated generated = generated();

        assertThat(generated.tools()).extracting(ToolSpec::name).doesNotContain("twice", "queryTwice");
        assertThat(generated.skipped()).anySatisfy(s -> assertThat(s.toString())
                .isEqualTo("GET /b (twice): declares header parameter 'X-Trace' twice, as 'X-Trace' and 'x-trace' "
                        + "(header names are case-insensitive)"));
        assertThat(generated.skipped()).anySatisfy(s -> assertThat(s.toString())
                .isEqualTo("PUT /b (queryTwice): declares query parameter 'q' twice"));
    }

    @Test
    void anOperationsSchemeOrClientClaimHeadersAreLeftOutAndTheRestServed() {
        assertThat(CredentialParametersTest.arguments(tool("claims"))).containsExactly("header:X-Trace");
    }
}
