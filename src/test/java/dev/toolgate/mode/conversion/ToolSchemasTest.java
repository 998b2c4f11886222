package dev.toolgate.mode.conversion;

import dev.toolgate.testing.Configs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static dev.toolgate.mode.conversion.ToolCompilerTest.ROUTE;
import static dev.toolgate.mode.conversion.ToolCompilerTest.TOOL_AT;
import static dev.toolgate.mode.conversion.ToolCompilerTest.document;
import static org.assertj.core.api.Assertions.assertThat;

/** The schemas of a tool (parameters, request body, responses), checked and compiled while provisioning. */
class ToolSchemasTest {

    /**
     * What a user should read about a {@code $ref}. (The message must not send them to {@code config.openapi}:
     * the ai-mcp-proxy schema has no such key and rejects it as unknown.)
     */
    /** Only references into the schema's own $defs resolve; anything else is refused with the reference named. */
    private static String noRef(String reference) {
        return "$ref \"" + reference + "\" is not supported: inline the schema or put it under the schema's own $defs";
    }

    @TempDir
    Path baseDirectory;

    private Configs.Checked check(String tools) {
        return Configs.check(document(ROUTE, tools), baseDirectory);
    }

    @Test
    void refInARequestBodyIsReportedAtTheRequestBody() {
        var checked = check("""
                - description: d
                  method: POST
                  path: /shop/users
                  request_body:
                    content:
                      application/json:
                        schema: {$ref: '#/components/schemas/User'}
                """);

        assertThat(checked.problems()).contains(TOOL_AT + ".request_body: " + noRef("#/components/schemas/User")
                + " (or load the API with config.openapi)");
    }

    @Test
    void refInResponsesIsReportedAtTheResponses() {
        var checked = check("""
                - description: d
                  method: GET
                  path: /shop/users
                  responses:
                    '200':
                      content:
                        application/json:
                          schema: {$ref: '#/components/schemas/Users'}
                """);

        assertThat(checked.problems()).contains(TOOL_AT + ".responses: " + noRef("#/components/schemas/Users")
                + " (or load the API with config.openapi)");
    }

    @Test
    void refInAParameterSchemaIsReportedAtTheSchema() {
        var checked = check("""
                - description: d
                  method: GET
                  path: /shop/users
                  parameters:
                    - {name: q, in: query, schema: {$ref: '#/components/schemas/Query'}}
                """);

        assertThat(checked.problems()).contains(TOOL_AT + ".parameters[0].schema: " + noRef("#/components/schemas/Query"));
    }

    @Test
    void refInARequestBodyIsNotAlsoReportedAsAnInvalidParametersSchema() {
        var checked = check("""
                - description: d
                  method: POST
                  path: /shop/users
                  request_body:
                    content:
                      application/json:
                        schema: {$ref: '#/components/schemas/User'}
                """);

        assertThat(checked.problems()).noneMatch(p -> p.startsWith(TOOL_AT + ".parameters"));
    }

    @Test
    void twoSuccessResponsesWithJsonSchemasAreReported() {
        var checked = check("""
                - description: d
                  method: POST
                  path: /shop/users
                  responses:
                    '200': {content: {application/json: {schema: {type: object}}}}
                    '201': {content: {application/json: {schema: {type: object}}}}
                    '400': {content: {application/json: {schema: {type: object}}}}
                """);

        assertThat(checked.problems()).containsExactly(
                TOOL_AT + ".responses: only one 2xx response may have a JSON schema (found 200 and 201)");
    }

    @Test
    void oneSuccessResponseBecomesTheOutputSchemaWrappedWhenNotAnObject() {
        var checked = check("""
                - description: d
                  method: GET
                  path: /shop/users
                  responses:
                    '200': {content: {application/json: {schema: {type: array, items: {type: string}}}}}
                    '404': {content: {application/json: {schema: {type: object}}}}
                """);

        assertThat(checked.problems()).isEmpty();
        Tool tool = checked.snapshot().toolSets().values().iterator().next().tools().getFirst();
        assertThat(tool.wrapsOutput()).isTrue();
        assertThat(tool.definition().at("/outputSchema/properties/result/type").asText()).isEqualTo("array");
        assertThat(tool.definition().at("/outputSchema/required/0").asText()).isEqualTo("result");
    }

    @Test
    void parameterSchemaWithAnInvalidPatternIsReportedOnOneLine() {
        var checked = check("""
                - description: d
                  method: GET
                  path: /shop/users
                  parameters:
                    - {name: q, in: query, schema: {type: string, pattern: '('}}
                """);

        assertThat(checked.problems()).singleElement().asString()
                .isEqualTo(TOOL_AT + ".parameters: pattern \"(\" is not a valid regular expression: Unclosed group")
                .doesNotContain("\n");
    }

    @Test
    void aGeneratedToolWithAPatternThatDoesNotCompileMakesTheDocumentInvalid() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("toolgate-pattern");
        java.nio.file.Files.writeString(dir.resolve("api.yaml"), """
                openapi: 3.0.3
                info: {title: t, version: "1"}
                paths:
                  /items:
                    get:
                      operationId: listItems
                      parameters:
                        - {name: q, in: query, schema: {type: string, pattern: "(["}}
                      responses:
                        "200":
                          description: ok
                          content: {application/json: {schema: {$ref: "#/components/schemas/Pairs"}}}
                components:
                  schemas:
                    Pairs: {type: array, items: [{type: string}]}
                """);
        var checked = dev.toolgate.testing.Configs.check("""
                _format_version: "3.0"
                services:
                  - name: shop
                    url: http://127.0.0.1:9
                    routes:
                      - name: shop-mcp
                        paths: [/shop]
                        plugins:
                          - name: ai-mcp-proxy
                            config: {mode: conversion-listener, openapi: {spec: api.yaml}}
                """, dir);

        assertThat(checked.problems()).singleElement().asString()
                .contains("config.openapi(listItems)").contains("GET /items: parameter q: pattern \"([\"")
                .contains("is not a valid regular expression");
    }

    @Test
    void aGeneratedSchemaThatBreaksTheMetaSchemaCostsItsOperationOrComponentWithAWarningAndTheOthersServe() throws Exception {
        // a list-form items (draft 4) is kept by the converter, but 2020-12 wants one schema there
        java.nio.file.Files.writeString(baseDirectory.resolve("api.yaml"), """
                openapi: 3.1.0
                info: {title: t, version: "1"}
                paths:
                  /pairs:
                    get:
                      operationId: listPairs
                      responses:
                        "200":
                          description: ok
                          content: {application/json: {schema: {type: array, items: [{type: string}]}}}
                  /items:
                    get:
                      operationId: listItems
                      responses:
                        "200":
                          description: ok
                          content: {application/json: {schema: {$ref: "#/components/schemas/Pairs"}}}
                components:
                  schemas:
                    Pairs: {type: array, items: [{type: string}]}
                """);
        var checked = dev.toolgate.testing.Configs.check("""
                _format_version: "3.0"
                services:
                  - name: shop
                    url: http://127.0.0.1:9
                    routes:
                      - name: shop-mcp
                        paths: [/shop]
                        plugins:
                          - name: ai-mcp-proxy
                            config: {mode: conversion-listener, openapi: {spec: api.yaml}}
                """, baseDirectory);

        assertThat(checked.problems()).isEmpty();
        assertThat(checked.warnings()).anySatisfy(w -> assertThat(w)
                .contains("config.openapi: skipped GET /pairs (listPairs): paths./pairs.get.responses.200 is not a valid "
                        + "JSON Schema: "));
        assertThat(checked.warnings()).anySatisfy(w -> assertThat(w).contains("config.openapi: component Pairs (first "
                + "used at paths./items.get.responses.200) is not a valid JSON Schema: ").endsWith("served as its type only"));
        assertThat(checked.snapshot().toolSets().values().iterator().next().tools()).extracting(Tool::name)
                .containsExactly("listItems");
    }

    @Test
    void parameterSchemaThatBreaksTheJsonSchemaMetaSchemaIsReported() {
        // served as is, {"type":"strin"} reaches MCP clients in tools/list as the argument's schema
        var checked = check("""
                - description: d
                  method: GET
                  path: /shop/users
                  parameters:
                    - {name: q, in: query, schema: {type: strin, minLength: short}}
                """);

        assertThat(checked.problems()).singleElement().asString()
                .startsWith(TOOL_AT + ".parameters");
    }

    @Test
    void requestBodyWithoutJsonOrFormContentIsReported() {
        var checked = check("""
                - description: d
                  method: POST
                  path: /shop/users
                  request_body:
                    content:
                      text/plain: {schema: {type: string}}
                """);

        assertThat(checked.problems()).containsExactly(TOOL_AT
                + ".request_body.content: must have application/json, application/x-www-form-urlencoded or "
                + "multipart/form-data content");
    }

    @Test
    void requestBodyBecomesTheBodyArgumentPreferringJson() {
        var checked = check("""
                - description: d
                  method: POST
                  path: /shop/users
                  request_body:
                    required: true
                    description: The new user
                    content:
                      application/x-www-form-urlencoded: {schema: {type: object}}
                      application/vnd.shop+json: {schema: {type: object, properties: {name: {type: string}}}}
                """);

        assertThat(checked.problems()).isEmpty();
        Tool tool = checked.snapshot().toolSets().values().iterator().next().tools().getFirst();
        assertThat(tool.request().body()).isEqualTo(BodyEncoding.JSON);
        assertThat(tool.definition().at("/inputSchema/properties/body/description").asText()).isEqualTo("The new user");
        assertThat(tool.definition().at("/inputSchema/required/0").asText()).isEqualTo("body");
    }

    @Test
    void requestBodyThatIsNotAnObjectIsReported() {
        var checked = check("""
                - {description: d, method: POST, path: /shop/users, request_body: '{"content": {}}'}
                """);

        assertThat(checked.problems()).containsExactly(
                TOOL_AT + ".request_body: must be an object (an OpenAPI requestBody object)");
    }
}
