package dev.toolgate.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Tools generated from an OpenAPI document by config.openapi, served and called through the real gateway. */
@Timeout(30)
class OpenApiToolsIT {

    static final String SPEC = """
            openapi: 3.0.3
            info: {title: Shop, version: "1"}
            servers: [{url: "https://shop.example.com/api"}]
            paths:
              /items/{id}:
                parameters:
                  - {name: id, in: path, required: true, schema: {type: integer}}
                get:
                  operationId: getItem
                  summary: Get one item
                  tags: [items]
                  parameters:
                    - {name: fields, in: query, schema: {type: array, items: {type: string}}, explode: false}
                  responses:
                    "200":
                      description: the item
                      content: {application/json: {schema: {$ref: "#/components/schemas/Item"}}}
              /items:
                post:
                  operationId: createItem
                  tags: [items]
                  requestBody:
                    required: true
                    content: {application/json: {schema: {$ref: "#/components/schemas/Item"}}}
                  responses: {"201": {description: created}}
              /charges:
                post:
                  operationId: createCharge
                  requestBody:
                    content:
                      application/x-www-form-urlencoded:
                        schema:
                          type: object
                          properties:
                            amount: {type: integer}
                            metadata: {type: object, additionalProperties: {type: string}}
                        encoding:
                          metadata: {style: deepObject, explode: true}
                  responses: {"200": {description: ok}}
              /upload:
                post:
                  operationId: upload
                  requestBody:
                    content:
                      multipart/form-data:
                        schema:
                          type: object
                          properties:
                            title: {type: string}
                            file: {type: string, format: binary}
                  responses: {"200": {description: ok}}
              /users/{id}/delete:
                post:
                  operationId: deleteUser
                  parameters:
                    - {name: id, in: path, required: true, schema: {type: string, nullable: true}}
                    - {name: X-Consumer-ID, in: header, schema: {type: string}}
                    - {name: X-Forwarded-For, in: header, schema: {type: string}}
                    - {name: ":authority", in: header, schema: {type: string}}
                    - {name: Connection, in: header, schema: {type: string}}
                    - {name: Proxy-Authorization, in: header, schema: {type: string}}
                    - {name: X-Request-Reason, in: header, schema: {type: string}}
                    - {name: API_KEY, in: header, schema: {type: string}}
                  responses: {"204": {description: deleted}}
              /avatars:
                post:
                  operationId: uploadAvatar
                  requestBody:
                    content:
                      multipart/form-data:
                        schema: {$ref: "#/components/schemas/Avatar"}
                  responses: {"200": {description: ok}}
              /todos:
                patch:
                  operationId: updateTodos
                  parameters:
                    - name: where
                      in: query
                      content:
                        application/json:
                          schema: {type: object, additionalProperties: true}
                    - name: X-Filter
                      in: header
                      content: {application/json: {schema: {type: object}}}
                  requestBody:
                    content: {application/json: {schema: {type: object}}}
                  responses: {"200": {description: updated}}
              /todos/{key}:
                get:
                  operationId: getTodoByKey
                  parameters:
                    - name: key
                      in: path
                      required: true
                      content: {application/json: {schema: {type: object}}}
                  responses: {"200": {description: the todo}}
              /internal/reset:
                post:
                  operationId: resetEverything
                  tags: [internal]
                  responses: {"204": {description: done}}
              /archive/{id}:
                parameters:
                  - {name: id, in: path, required: true, schema: {type: integer}}
                delete:
                  operationId: deleteItem
                  responses:
                    "200":
                      description: the item as it was
                      content: {application/json: {schema: {$ref: "#/components/schemas/Item"}}}
                    "204": {description: deleted}
              /jobs:
                post:
                  operationId: queueJob
                  responses:
                    "200":
                      description: done at once
                      content: {application/json: {schema: {$ref: "#/components/schemas/Item"}}}
                    "202":
                      description: queued
                      content: {text/plain: {schema: {type: string}}}
              /orders/{id}:
                parameters:
                  - {name: id, in: path, required: true, schema: {type: integer}}
                patch:
                  operationId: patchOrder
                  requestBody:
                    content: {application/vnd.api+json: {schema: {type: object}}}
                  responses: {"200": {description: changed}}
            components:
              securitySchemes:
                key: {type: apiKey, in: header, name: api_key}
              schemas:
                Item:
                  type: object
                  required: [name]
                  properties:
                    id: {type: integer}
                    name: {type: string}
                    parent: {$ref: "#/components/schemas/Item"}
                Avatar:
                  type: object
                  required: [image]
                  properties:
                    caption: {type: string}
                    image: {type: string, format: binary, description: The picture}
            """;

    static RestUpstream upstream;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        upstream = new RestUpstream()
                .json("GET /api/items/7", 200, "{\"id\":7,\"name\":\"lamp\"}")
                .json("POST /api/items", 201, "{\"id\":8}")
                .on("DELETE /api/archive/7", r -> r.response().setStatusCode(204).end())
                .on("POST /api/jobs", r -> r.response().setStatusCode(202).putHeader("content-type", "text/plain").end("queued"))
                .json("POST /api/charges", 200, "{}")
                .json("POST /api/upload", 200, "{}")
                .json("POST /api/avatars", 200, "{}")
                .json("POST /api/users/u1/delete", 204, "")
                .json("PATCH /api/todos", 200, "{\"count\":1}")
                .json("PATCH /api/orders/3", 200, "{}")
                .json("GET /api/todos/%7B%22id%22%3A5%7D", 200, "{}");
        gateway = TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: shop
                    url: %s/api
                    routes:
                      - name: shop-mcp
                        paths: [/shop-mcp]
                        plugins:
                          - name: request-transformer
                            config:
                              add: {headers: ["api_key:operator-key"]}
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              openapi:
                                spec: shop.yaml
                                exclude: ["tag:internal"]
                              tools:
                                - name: upload
                                  description: Upload a file (written by hand, replaces the generated one)
                                  method: POST
                                  path: /upload
                                  request_body:
                                    content:
                                      multipart/form-data:
                                        schema:
                                          type: object
                                          properties:
                                            title: {type: string}
                                            file: {type: string, format: binary}
                """.formatted(upstream.url()), Map.of(), false, Map.of("shop.yaml", SPEC));
    }

    @org.junit.jupiter.api.BeforeEach
    void forgetEarlierRequests() {
        upstream.clear();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @Test
    void anOperationsOtherSuccessAnswersShapeItsOutputSchemaAnEmptyOneASuccessATextOneNoSchemaAtAll() {
        McpHttp mcp = session();
        JsonNode tools = mcp.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}").json().at("/result/tools");
        Map<String, JsonNode> byName = new java.util.HashMap<>();
        tools.forEach(t -> byName.put(t.path("name").asText(), t));
        assertThat(byName.get("deleteItem").has("outputSchema")).isTrue();
        assertThat(byName.get("queueJob").has("outputSchema")).as("%s", byName.get("queueJob")).isFalse();

        JsonNode deleted = mcp.call("deleteItem", "{\"path_id\":7}");
        assertThat(deleted.get("isError").asBoolean()).as("the 204 the document allows: %s", deleted).isFalse();
        assertThat(deleted.get("structuredContent").isEmpty()).isTrue();
        JsonNode queued = mcp.call("queueJob", "{}");
        assertThat(queued.get("isError").asBoolean()).as("%s", queued).isFalse();
        assertThat(queued.at("/content/0/text").asText()).isEqualTo("queued");
    }

    @Test
    void generatedToolsAreListedWithWrittenToolsFirstAndFilteredOperationsLeftOut() {
        McpHttp mcp = session();
        JsonNode tools = mcp.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}").json().at("/result/tools");
        List<String> names = new ArrayList<>();
        tools.forEach(t -> names.add(t.get("name").asText()));
        assertThat(names).containsExactly("upload", "getItem", "createItem", "createCharge", "deleteUser",
                "uploadAvatar", "updateTodos", "getTodoByKey", "deleteItem", "queueJob", "patchOrder");
        JsonNode getItem = tools.get(1);
        assertThat(getItem.get("title").asText()).isEqualTo("Get one item");
        assertThat(getItem.at("/annotations/readOnlyHint").asBoolean()).isTrue();
        assertThat(getItem.at("/inputSchema/required").toString()).isEqualTo("[\"path_id\"]");
        assertThat(getItem.at("/outputSchema/$defs/Item/properties/parent/$ref").asText()).isEqualTo("#/$defs/Item");
        assertThat(tools.get(2).at("/inputSchema/$defs/Item/required").toString()).isEqualTo("[\"name\"]");
    }

    @Test
    void headerParametersAnArgumentMustNotSetAreLeftOutOfTheToolNotTheDocument() {
        JsonNode tools = session().post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}").json().at("/result/tools");
        JsonNode deleteUser = tools.get(4);
        assertThat(deleteUser.get("name").asText()).isEqualTo("deleteUser");
        assertThat(deleteUser.at("/inputSchema/properties").fieldNames()).toIterable()
                .containsExactly("path_id", "header_X-Request-Reason");
    }

    @Test
    void aDroppedIdentityHeaderParameterCannotBeSetAndTheGatewaysForwardingHeaderIsSent() {
        JsonNode result = session().call("deleteUser", "{\"path_id\":\"u1\",\"header_X-Consumer-ID\":\"admin\","
                + "\"header_X-Forwarded-For\":\"10.0.0.1\",\"header_Proxy-Authorization\":\"Basic eDp5\","
                + "\"header_X-Request-Reason\":\"cleanup\"}");
        assertThat(result.get("isError").asBoolean()).as(result.toString()).isFalse();
        RestUpstream.Received received = upstream.next();
        assertThat(received.header("X-Consumer-ID")).isNull();
        assertThat(received.header("Proxy-Authorization")).isNull();
        assertThat(received.headers().getAll("X-Forwarded-For")).containsExactly("127.0.0.1");
        assertThat(received.header("X-Request-Reason")).isEqualTo("cleanup");
    }

    @Test
    void aParameterThatIsTheDocumentsApiKeyIsNoArgumentAndTheOperatorsKeyReachesTheApi() {
        JsonNode result = session().call("deleteUser", "{\"path_id\":\"u1\",\"header_API_KEY\":\"caller-key\"}");
        assertThat(result.get("isError").asBoolean()).as(result.toString()).isFalse();
        RestUpstream.Received received = upstream.next();
        assertThat(received.headers().getAll("api_key")).containsExactly("operator-key");
    }

    @Test
    void aCallSendsPathAndQueryAsTheDocumentSaysAndReturnsStructuredContent() {
        JsonNode result = session().call("getItem", "{\"path_id\":7,\"query_fields\":[\"name\",\"id\"]}");
        assertThat(result.get("isError").asBoolean()).isFalse();
        assertThat(result.at("/structuredContent/name").asText()).as(result.toString()).isEqualTo("lamp");
        RestUpstream.Received received = upstream.next();
        assertThat(received.path()).isEqualTo("/api/items/7");
        assertThat(received.query()).isEqualTo("fields=name,id");
    }

    @Test
    void aRecursiveSchemaValidatesArgumentsBeforeAnyCall() throws Exception {
        JsonNode result = session().call("createItem", "{\"body\":{\"name\":\"a\",\"parent\":{\"id\":\"not a number\"}}}");
        assertThat(result.get("isError").asBoolean()).isTrue();
        assertThat(result.at("/content/0/text").asText()).contains("Invalid arguments");
        assertThat(upstream.quiet(java.time.Duration.ofMillis(300))).isTrue();

        session().call("createItem", "{\"body\":{\"name\":\"a\",\"parent\":{\"name\":\"b\"}}}");
        RestUpstream.Received received = upstream.next();
        assertThat(received.header("content-type")).isEqualTo("application/json");
        assertThat(received.body()).isEqualTo("{\"name\":\"a\",\"parent\":{\"name\":\"b\"}}");
    }

    @Test
    void aJsonBodyIsSentWithTheJsonMediaTypeTheOperationDeclares() {
        JsonNode result = session().call("patchOrder", "{\"path_id\":3,\"body\":{\"data\":{\"type\":\"orders\"}}}");
        assertThat(result.get("isError").asBoolean()).as(result.toString()).isFalse();
        RestUpstream.Received received = upstream.next();
        assertThat(received.header("content-type")).isEqualTo("application/vnd.api+json");
        assertThat(received.body()).isEqualTo("{\"data\":{\"type\":\"orders\"}}");
    }

    @Test
    void aFormBodyEncodesObjectsAsTheEncodingObjectSays() {
        session().call("createCharge", "{\"body\":{\"amount\":500,\"metadata\":{\"order\":\"o 1\"}}}");
        RestUpstream.Received received = upstream.next();
        assertThat(received.header("content-type")).as(received.toString()).isEqualTo("application/x-www-form-urlencoded");
        assertThat(received.body()).isEqualTo("amount=500&metadata%5Border%5D=o%201");
    }

    @Test
    void aMultipartFileArgumentArrivesAsItsDecodedBytes() {
        String content = "hello, file\n";
        String base64 = Base64.getEncoder().encodeToString(content.getBytes());
        JsonNode result = session().call("upload", "{\"body\":{\"title\":\"notes\",\"file\":\"" + base64 + "\"}}");
        assertThat(result.get("isError").asBoolean()).isFalse();
        RestUpstream.Received received = upstream.next();
        assertThat(received.header("content-type")).startsWith("multipart/form-data; boundary=");
        assertThat(received.body())
                .contains("Content-Disposition: form-data; name=\"title\"\r\n\r\nnotes\r\n")
                .contains("Content-Disposition: form-data; name=\"file\"; filename=\"file\"\r\n"
                        + "Content-Type: application/octet-stream\r\n\r\n" + content + "\r\n");
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAB", "Hello, world! (plain text)"})
    void aFileArgumentThatIsNotBase64IsAnInvalidArgumentsErrorAndNothingIsSent(String file) throws Exception {
        JsonNode result = session().call("upload", "{\"body\":{\"title\":\"notes\",\"file\":\"" + file + "\"}}");
        assertThat(result.get("isError").asBoolean()).as(result.toString()).isTrue();
        assertThat(result.at("/content/0/text").asText()).isEqualTo("Invalid arguments for tool upload: body.file: a file "
                + "field must be base64 (the file's bytes encoded, without a data: URL prefix)");
        assertThat(upstream.quiet(java.time.Duration.ofMillis(300))).as("the upstream received nothing").isTrue();
    }

    @Test
    void aFileArgumentWrappedInBase64LinesArrivesAsItsDecodedBytes() {
        byte[] bytes = new byte[100];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) ('a' + i % 26);
        }
        String wrapped = Base64.getMimeEncoder().encodeToString(bytes).replace("\r\n", "\\r\\n");
        JsonNode result = session().call("upload", "{\"body\":{\"file\":\"" + wrapped + "\\n\"}}");
        assertThat(result.get("isError").asBoolean()).as(result.toString()).isFalse();
        assertThat(upstream.next().body()).contains("\r\n\r\n" + new String(bytes) + "\r\n");
    }

    @Test
    void aParameterWithJsonContentIsSentAsOneJsonValueNotSplitIntoQueryKeys() {
        // LoopBack 4's where/filter: PATCH /todos?where={"id":5} updates one row; ?id=5 would update them all
        JsonNode result = session().call("updateTodos", "{\"query_where\":{\"id\":5},\"header_X-Filter\":{\"a\":[1,2]},"
                + "\"body\":{\"done\":true}}");
        assertThat(result.get("isError").asBoolean()).as(result.toString()).isFalse();
        RestUpstream.Received received = upstream.next();
        assertThat(received.query()).isEqualTo("where=%7B%22id%22%3A5%7D");
        assertThat(received.header("X-Filter")).isEqualTo("{\"a\":[1,2]}");

        JsonNode byKey = session().call("getTodoByKey", "{\"path_key\":{\"id\":5}}");
        assertThat(byKey.get("isError").asBoolean()).as(byKey.toString()).isFalse();
        assertThat(upstream.next().path()).isEqualTo("/api/todos/%7B%22id%22%3A5%7D");
    }

    private static McpHttp session() {
        McpHttp mcp = new McpHttp(gateway.proxy("/shop-mcp"));
        mcp.initialize("2025-11-25");
        return mcp;
    }

    @Test
    void aMultipartBodyThatIsAComponentTakesItsFileFieldAsBase64AndSendsTheDecodedBytes() {
        McpHttp mcp = session();
        JsonNode tools = mcp.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}").json().at("/result/tools");
        JsonNode body = tools.get(5).at("/inputSchema/properties/body");
        assertThat(body.at("/properties/image/contentEncoding").asText()).as(body.toString()).isEqualTo("base64");
        assertThat(body.at("/properties/image/description").asText()).startsWith("The picture");
        assertThat(body.at("/required").toString()).isEqualTo("[\"image\"]");

        String base64 = Base64.getEncoder().encodeToString(new byte[] {'G', 'I', 'F', '8', '9', 'a', 0, 1});
        JsonNode result = mcp.call("uploadAvatar", "{\"body\":{\"caption\":\"me\",\"image\":\"" + base64 + "\"}}");
        assertThat(result.get("isError").asBoolean()).as(result.toString()).isFalse();
        RestUpstream.Received received = upstream.next();
        assertThat(received.body())
                .contains("Content-Disposition: form-data; name=\"caption\"\r\n\r\nme\r\n")
                .contains("Content-Disposition: form-data; name=\"image\"; filename=\"image\"\r\n"
                        + "Content-Type: application/octet-stream\r\n\r\nGIF89a\u0000\u0001\r\n");
    }
}
