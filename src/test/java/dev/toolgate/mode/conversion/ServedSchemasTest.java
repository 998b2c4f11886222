package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.mcp.Json;
import dev.toolgate.testing.Configs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static dev.toolgate.mode.conversion.ToolCompilerTest.ROUTE;
import static dev.toolgate.mode.conversion.ToolCompilerTest.TOOL_AT;
import static dev.toolgate.mode.conversion.ToolCompilerTest.document;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tool schemas as strict clients accept them (the TypeScript SDK refuses a whole tools/list page for
 * one tool whose outputSchema root is not {@code "type": "object"}), and written schemas that cannot be
 * served that way refused with their path.
 */
class ServedSchemasTest {

    @TempDir
    Path baseDirectory;

    private Tool onlyTool(String tools) {
        var checked = Configs.check(document(ROUTE, tools), baseDirectory);
        assertThat(checked.problems()).isEmpty();
        return checked.snapshot().toolSets().values().iterator().next().tools().getFirst();
    }

    private Configs.Checked check(String tools) {
        return Configs.check(document(ROUTE, tools), baseDirectory);
    }

    private static JsonNode json(String text) throws IOException {
        return Json.MAPPER.readTree(text);
    }

    @Test
    void outputSchemaThatOnlyReferencesADefinitionIsServedAsTheDefinitionWithItsDefs() throws IOException {
        Tool tool = onlyTool("""
                - description: d
                  method: GET
                  path: /shop/pets/1
                  responses:
                    '200':
                      content:
                        application/json:
                          schema:
                            $ref: '#/$defs/Pet'
                            $defs:
                              Pet:
                                type: object
                                required: [name]
                                properties:
                                  name: {type: string}
                                  parent: {$ref: '#/$defs/Pet'}
                """);

        assertThat(tool.wrapsOutput()).isFalse();
        assertThat(tool.definition().get("outputSchema")).isEqualTo(json("""
                {"type":"object","required":["name"],
                 "properties":{"name":{"type":"string"},"parent":{"$ref":"#/$defs/Pet"}},
                 "$defs":{"Pet":{"type":"object","required":["name"],
                   "properties":{"name":{"type":"string"},"parent":{"$ref":"#/$defs/Pet"}}}}}"""));
    }

    @Test
    void outputSchemaThatDescribesObjectsWithoutSayingSoGetsTheObjectType() throws IOException {
        Tool tool = onlyTool("""
                - description: d
                  method: GET
                  path: /shop/pets/1
                  responses:
                    '200':
                      content:
                        application/json:
                          schema:
                            allOf:
                              - $ref: '#/$defs/Named'
                              - {properties: {age: {type: integer}}}
                            $defs:
                              Named: {type: object, properties: {name: {type: string}}}
                """);

        assertThat(tool.wrapsOutput()).isFalse();
        assertThat(tool.definition().at("/outputSchema/type").asText()).isEqualTo("object");
        assertThat(tool.definition().at("/outputSchema/allOf")).hasSize(2);
        assertThat(tool.definition().at("/outputSchema/$defs/Named")).isNotEmpty();
    }

    @Test
    void outputSchemaThatReferencesAnArrayDefinitionIsWrappedWithItsDefsAtTheRoot() throws IOException {
        Tool tool = onlyTool("""
                - description: d
                  method: GET
                  path: /shop/pets
                  responses:
                    '200':
                      content:
                        application/json:
                          schema:
                            $ref: '#/$defs/Pets'
                            $defs:
                              Pets: {type: array, items: {type: string}}
                """);

        assertThat(tool.wrapsOutput()).isTrue();
        assertThat(tool.definition().get("outputSchema")).isEqualTo(json("""
                {"type":"object","properties":{"result":{"type":"array","items":{"type":"string"}}},
                 "required":["result"],"$defs":{"Pets":{"type":"array","items":{"type":"string"}}}}"""));
    }

    @Test
    void booleanSubschemasAreServedAsSchemaObjects() throws IOException {
        Tool tool = onlyTool("""
                - description: d
                  method: POST
                  path: /shop/pets
                  request_body:
                    content:
                      application/json:
                        schema:
                          type: object
                          properties: {anything: true, nothing: false}
                          additionalProperties: false
                  responses:
                    '200':
                      content:
                        application/json:
                          schema: {type: object, properties: {extra: true}, additionalProperties: true}
                """);

        assertThat(tool.definition().at("/inputSchema/properties/body")).isEqualTo(json("""
                {"type":"object","properties":{"anything":{},"nothing":{"not":{}}},"additionalProperties":false}"""));
        assertThat(tool.definition().get("outputSchema")).isEqualTo(json("""
                {"type":"object","properties":{"extra":{}},"additionalProperties":true}"""));
    }

    @Test
    void formatsAndPatternsAreLeftOutOfTheServedOutputSchemaButKeptInArguments() throws IOException {
        Tool tool = onlyTool("""
                - description: d
                  method: GET
                  path: /shop/pets/{id}
                  parameters:
                    - {name: id, in: path, required: true, schema: {type: string, format: uuid, pattern: '^[a-f0-9-]+$'}}
                  responses:
                    '200':
                      content:
                        application/json:
                          schema:
                            type: object
                            properties:
                              born: {type: string, format: date-time}
                              code: {type: string, pattern: '^\\p{Lu}+$'}
                """);

        assertThat(tool.definition().at("/inputSchema/properties/path_id")).isEqualTo(json("""
                {"type":"string","format":"uuid","pattern":"^[a-f0-9-]+$"}"""));
        assertThat(tool.definition().get("outputSchema")).isEqualTo(json("""
                {"type":"object","properties":{"born":{"type":"string"},"code":{"type":"string"}}}"""));
        // what the gateway checks answers against is what it serves: no client can be stricter
        assertThat(tool.outputValidator().get().validate(json("{\"born\":\"yesterday\",\"code\":\"x\"}"))).isEmpty();
    }

    @Test
    void anEmptyEnumStillAdmitsNoArgumentValueYetTheToolListCompilesAndTheOutputLeavesItOut() throws IOException {
        String tools = """
                - description: d
                  method: GET
                  path: /shop/states
                  parameters:
                    - {name: state, in: query, schema: {type: string, enum: []}}
                  responses:
                    '200':
                      content:
                        application/json:
                          schema:
                            type: object
                            properties:
                              state: {type: string, enum: []}
                """;
        Tool tool = onlyTool(tools);

        // an allow-list rendered empty refuses every value, as written; served so that Ajv compiles it
        assertThat(tool.definition().at("/inputSchema/properties/query_state")).isEqualTo(json("""
                {"not":{}}"""));
        assertThat(tool.inputValidator().get().validate(json("{\"query_state\":\"open\"}"))).isNotEmpty();
        assertThat(tool.inputValidator().get().validate(json("{}"))).isEmpty();
        assertThat(tool.definition().get("outputSchema")).isEqualTo(json("""
                {"type":"object","properties":{"state":{"type":"string"}}}"""));
        assertThat(check(tools).warnings()).contains(
                TOOL_AT + ".parameters[0].schema: a schema's enum is [], which allows no value: an argument's is served as "
                        + "'not: {}' (no value may be sent), an output's without the keyword",
                TOOL_AT + ".responses: a schema's enum is [], which allows no value: an argument's is served as "
                        + "'not: {}' (no value may be sent), an output's without the keyword");
    }

    @Test
    void aDecimalMultipleOfIsLeftOutOfTheServedOutputSchemaButAWholeOneAndTheArgumentsKeepTheirs() throws IOException {
        // Ajv (the TypeScript SDK's validator) finds 1.13 no multiple of 0.01: 1.13 / 0.01 is 112.99999999999999
        Tool tool = onlyTool("""
                - description: d
                  method: GET
                  path: /shop/prices
                  parameters:
                    - {name: step, in: query, schema: {type: number, multipleOf: 0.5}}
                  responses:
                    '200':
                      content:
                        application/json:
                          schema:
                            type: object
                            properties:
                              price: {type: number, multipleOf: 0.01, minimum: 0}
                              pack: {type: integer, multipleOf: 6}
                """);

        assertThat(tool.definition().at("/inputSchema/properties/query_step/multipleOf").asDouble()).isEqualTo(0.5);
        assertThat(tool.definition().get("outputSchema")).isEqualTo(json("""
                {"type":"object","properties":{"price":{"type":"number","minimum":0},"pack":{"type":"integer","multipleOf":6}}}"""));
        assertThat(tool.outputValidator().validate(json("{\"price\":1.13,\"pack\":12}"))).isEmpty();
        assertThat(tool.outputValidator().validate(json("{\"price\":1.13,\"pack\":13}"))).isNotEmpty();
    }

    @Test
    void theJsonSchema2020DialectIsLeftOutAndAnyOtherIsRefusedWithItsPath() {
        Tool tool = onlyTool("""
                - description: d
                  method: GET
                  path: /shop/pets
                  responses:
                    '200':
                      content:
                        application/json:
                          schema: {$schema: 'https://json-schema.org/draft/2020-12/schema', type: object}
                """);
        assertThat(tool.definition().get("outputSchema").has("$schema")).isFalse();

        var checked = check("""
                - description: d
                  method: GET
                  path: /shop/pets
                  parameters:
                    - {name: q, in: query, schema: {$schema: 'http://json-schema.org/draft-04/schema#', type: string}}
                """);
        assertThat(checked.problems()).containsExactly(TOOL_AT + ".parameters[0].schema: declares $schema "
                + "\"http://json-schema.org/draft-04/schema#\": tool schemas are served as JSON Schema 2020-12, MCP's "
                + "dialect; remove $schema or write the schema in 2020-12");
    }

    @Test
    void anIdInAToolSchemaIsRefusedWithItsPath() {
        var checked = check("""
                - description: d
                  method: GET
                  path: /shop/pets
                  responses:
                    '200':
                      content:
                        application/json:
                          schema: {type: object, properties: {pet: {$id: 'https://example.com/pet', type: object}}}
                """);

        assertThat(checked.problems()).containsExactly(TOOL_AT + ".responses: $id \"https://example.com/pet\" is not "
                + "supported in a tool schema (clients compile every tool's schemas together, where ids collide): remove it");
    }

    @Test
    void aReferenceToADefinitionThatDoesNotExistIsRefusedWithItsPath() {
        var checked = check("""
                - description: d
                  method: GET
                  path: /shop/pets
                  responses:
                    '200':
                      content:
                        application/json:
                          schema: {$ref: '#/$defs/Pet', $defs: {Pets: {type: object}}}
                """);

        assertThat(checked.problems()).contains(TOOL_AT + ".responses: $ref \"#/$defs/Pet\" does not resolve: there is "
                + "no such entry in the schema's own $defs");
    }

    @Test
    void twoArgumentsDefiningOneDefinitionDifferentlyAreRefused() {
        var checked = check("""
                - description: d
                  method: GET
                  path: /shop/pets
                  parameters:
                    - {name: a, in: query, schema: {$ref: '#/$defs/Id', $defs: {Id: {type: string}}}}
                    - {name: b, in: query, schema: {$ref: '#/$defs/Id', $defs: {Id: {type: integer}}}}
                """);

        assertThat(checked.problems()).containsExactly(TOOL_AT + ".parameters[1].schema: $defs Id is defined "
                + "differently by another argument of this tool; the arguments share one $defs, so rename one of them");
    }
}
