package dev.toolgate.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.toolgate.config.ConfigProblem;
import dev.toolgate.mode.conversion.Tool;
import dev.toolgate.mode.conversion.ToolSet;
import dev.toolgate.testing.NodeClients;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An OpenAPI document with the keyword mistakes real documents make ({@code required: true} on a
 * property, Swagger 2 style; bounds written as strings) is served so that strict clients can use it:
 * the bad keywords are left out with a warning that names the operation, every other tool and keyword
 * stays, and the TypeScript SDKs (which compile every output schema with Ajv while listing) list and
 * call the tools.
 */
@Timeout(300)
class OpenApiKeywordMistakesIT {

    static final String SPEC = """
            openapi: 3.0.3
            info: {title: Sloppy, version: "1"}
            paths:
              /items/{id}:
                get:
                  operationId: getItem
                  parameters:
                    - {name: id, in: path, required: true, schema: {type: integer, minimum: "1"}}
                  responses:
                    "200":
                      description: one item
                      content: {application/json: {schema: {$ref: "#/components/schemas/Item"}}}
              /items:
                get:
                  operationId: listItems
                  parameters:
                    - {name: limit, in: query, schema: {type: integer, minimum: "0", maximum: 100}}
                  responses:
                    "200":
                      description: the items
                      content:
                        application/json:
                          schema: {type: array, items: {$ref: "#/components/schemas/Item"}}
                post:
                  operationId: createItem
                  requestBody:
                    content:
                      application/json:
                        schema:
                          type: object
                          properties:
                            name: {type: string, required: true, minLength: "1"}
                  responses:
                    "201":
                      description: created
                      content: {application/json: {schema: {$ref: "#/components/schemas/Item"}}}
            components:
              schemas:
                Item:
                  type: object
                  properties:
                    id: {type: integer, required: true}
                    name: {type: string, maxLength: 64}
                    price: {type: number, minimum: "0"}
            """;
    private static final Schema META_SCHEMA = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
            .getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));

    static RestUpstream upstream;
    static TestGateway gateway;
    static StrictClients clients;

    @BeforeAll
    static void start() {
        NodeClients node = NodeClients.require();
        upstream = new RestUpstream();
        gateway = TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: sloppy
                    url: %s/sloppy
                    routes:
                      - name: sloppy
                        paths: [/sloppy]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              openapi: {spec: "specs/sloppy.yaml"}
                """.formatted(upstream.url()), Map.of(), false, Map.of("specs/sloppy.yaml", SPEC));
        clients = new StrictClients(node, upstream);
        clients.add("sloppy", gateway.proxy("/sloppy"), tools(), 3, true);
        clients.start();
    }

    static ToolSet tools() {
        return gateway.gateway().snapshot().toolSets().values().iterator().next();
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
            upstream.close();
        }
    }

    @Test
    void everyOperationIsServedAndEveryServedSchemaIsValidJsonSchema() {
        assertThat(tools().tools()).extracting(Tool::name).containsExactly("getItem", "listItems", "createItem");
        for (Tool tool : tools().tools()) {
            for (String key : List.of("inputSchema", "outputSchema")) {
                JsonNode schema = tool.definition().get(key);
                if (schema != null) {
                    assertThat(META_SCHEMA.validate(schema)).as("%s of %s: %s", key, tool.name(), schema).isEmpty();
                }
            }
        }
    }

    @Test
    void eachBadKeywordIsLeftOutWithAWarningNamingWhereItIs() {
        List<String> warnings = gateway.gateway().snapshot().warnings().stream().map(ConfigProblem::message).toList();
        assertThat(warnings).contains(
                "component Item (first used at paths./items/{id}.get.responses.200): a schema's required is true, "
                        + "but JSON Schema wants a list of distinct property names; the keyword is left out",
                "component Item (first used at paths./items/{id}.get.responses.200): a schema's minimum is \"0\", "
                        + "but JSON Schema wants a number; the keyword is left out",
                "paths./items/{id}.get.parameters.id: a schema's minimum is \"1\", but JSON Schema wants a number; "
                        + "the keyword is left out",
                "paths./items.get.parameters.limit: a schema's minimum is \"0\", but JSON Schema wants a number; "
                        + "the keyword is left out",
                "paths./items.post.requestBody: a schema's minLength is \"1\", but JSON Schema wants a whole number, "
                        + "0 or more; the keyword is left out");
        // the keywords that were right stay
        Tool list = tools().tools().get(1);
        assertThat(list.definition().at("/inputSchema/properties/query_limit/maximum").asInt()).isEqualTo(100);
        assertThat(list.definition().at("/outputSchema/properties/result/items/$ref").isTextual()).isTrue();
    }

    @Test
    void theTypeScriptSdksAndInspectorListTheToolsAndAcceptSampleCalls() {
        System.out.println(clients.check("sloppy"));
    }
}
