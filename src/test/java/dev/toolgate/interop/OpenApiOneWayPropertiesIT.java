package dev.toolgate.interop;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.NodeClients;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * OpenAPI's {@code readOnly} properties (an id the API assigns) are no arguments, and its {@code writeOnly}
 * ones (a password) are not in the output schema, also where {@code required} names them: a caller creates
 * an account without inventing an id, the API's answer without the password is a result, and the strict
 * TypeScript SDKs still list and call the tools.
 */
@Timeout(300)
class OpenApiOneWayPropertiesIT {

    static final String SPEC = """
            openapi: 3.0.3
            info: {title: Accounts, version: "1"}
            paths:
              /accounts:
                post:
                  operationId: createAccount
                  requestBody:
                    required: true
                    content: {application/json: {schema: {$ref: "#/components/schemas/Account"}}}
                  responses:
                    "201":
                      description: created
                      content: {application/json: {schema: {$ref: "#/components/schemas/Account"}}}
              /members:
                post:
                  operationId: addMember
                  requestBody:
                    required: true
                    content: {application/json: {schema: {$ref: "#/components/schemas/Member"}}}
                  responses:
                    "204": {description: added}
              /sessions:
                post:
                  operationId: openSession
                  responses:
                    "200":
                      description: opened
                      content: {application/json: {schema: {$ref: "#/components/schemas/Session"}}}
            components:
              schemas:
                Session:
                  type: object
                  additionalProperties: false
                  required: [token, secret]
                  properties:
                    token: {type: string}
                    secret: {type: string, writeOnly: true}
                Member:
                  allOf:
                    - {$ref: "#/components/schemas/Entity"}
                    - {type: object, required: [id, name], properties: {name: {type: string}}}
                Entity: {type: object, properties: {id: {type: integer, readOnly: true}}}
                Account:
                  type: object
                  required: [id, name, password, created]
                  properties:
                    id: {type: integer, readOnly: true}
                    name: {type: string}
                    password: {type: string, writeOnly: true}
                    created: {$ref: "#/components/schemas/Timestamp"}
                    owner: {allOf: [{$ref: "#/components/schemas/Owner"}], readOnly: true}
                Timestamp: {type: string, readOnly: true}
                Owner: {type: object, properties: {login: {type: string}}}
            """;

    /**
     * OpenAPI 3.1: keywords beside a {@code $ref} apply with it (a {@code required} that adds the name, a
     * {@code readOnly} on the property), and an answer closed around a component that has a writeOnly property.
     */
    static final String SPEC_31 = """
            openapi: 3.1.0
            info: {title: Pets, version: "1"}
            paths:
              /pets:
                post:
                  operationId: addPet
                  requestBody:
                    required: true
                    content: {application/json: {schema: {$ref: "#/components/schemas/Pet", required: [name]}}}
                  responses:
                    "204": {description: added}
              /logins:
                post:
                  operationId: logIn
                  responses:
                    "200":
                      description: logged in
                      content:
                        application/json:
                          schema: {allOf: [{$ref: "#/components/schemas/Login"}], unevaluatedProperties: false}
            components:
              schemas:
                Pet:
                  type: object
                  required: [kind, stamp]
                  properties:
                    kind: {type: string}
                    name: {type: string}
                    stamp: {$ref: "#/components/schemas/Stamp", readOnly: true}
                Stamp: {type: string, format: date-time}
                Login:
                  type: object
                  required: [user, password]
                  properties:
                    user: {type: string}
                    password: {type: string, writeOnly: true}
            """;

    /** A login answer that echoes the writeOnly password. */
    static final String ECHOED_LOGIN = "{\"user\":\"ada\",\"password\":\"s3cret\"}";

    /** An answer that echoes the writeOnly secret, as APIs often do. */
    static final String ECHOED_SESSION = "{\"token\":\"t-1\",\"secret\":\"s3cret\"}";

    static RestUpstream upstream;
    static RestUpstream strictUpstream;
    static TestGateway gateway;
    static StrictClients clients;

    @BeforeAll
    static void start() {
        NodeClients node = NodeClients.require();
        upstream = new RestUpstream().json("POST /accounts", 201,
                "{\"id\":7,\"name\":\"ada\",\"created\":\"2026-12-06T17:00:00Z\"}")
                .on("POST /members", r -> r.response().setStatusCode(204).end())
                .json("POST /sessions", 200, ECHOED_SESSION)
                .on("POST /pets", r -> r.response().setStatusCode(204).end())
                .json("POST /logins", 200, ECHOED_LOGIN);
        strictUpstream = new RestUpstream();
        gateway = TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: accounts
                    url: %s
                    routes:
                      - name: accounts
                        paths: [/accounts-mcp]
                        plugins:
                          - {name: ai-mcp-proxy, config: {mode: conversion-listener, openapi: {spec: accounts.yaml}}}
                      - name: pets
                        paths: [/pets-mcp]
                        plugins:
                          - {name: ai-mcp-proxy, config: {mode: conversion-listener, openapi: {spec: pets.yaml}}}
                  - name: strict
                    url: %s
                    routes:
                      - name: strict
                        paths: [/strict-mcp]
                        plugins:
                          - {name: ai-mcp-proxy, config: {mode: conversion-listener, openapi: {spec: accounts.yaml}}}
                      - name: strict-pets
                        paths: [/strict-pets-mcp]
                        plugins:
                          - {name: ai-mcp-proxy, config: {mode: conversion-listener, openapi: {spec: pets.yaml}}}
                """.formatted(upstream.url(), strictUpstream.url()), Map.of(), false,
                Map.of("accounts.yaml", SPEC, "pets.yaml", SPEC_31));
        clients = new StrictClients(node, strictUpstream);
        var strict = gateway.gateway().snapshot().config().routes().stream()
                .filter(r -> r.label().equals("strict")).findFirst().orElseThrow();
        clients.add("strict", gateway.proxy("/strict-mcp"), gateway.gateway().snapshot().toolSets().get(strict.id()), 2, true);
        var strictPets = gateway.gateway().snapshot().config().routes().stream()
                .filter(r -> r.label().equals("strict-pets")).findFirst().orElseThrow();
        clients.add("strict-pets", gateway.proxy("/strict-pets-mcp"),
                gateway.gateway().snapshot().toolSets().get(strictPets.id()), 2, false);
        // the strict SDKs get the echoed secrets too, and check them against the outputSchema themselves
        strictUpstream.json("POST /sessions", 200, ECHOED_SESSION).json("POST /logins", 200, ECHOED_LOGIN);
        clients.start();
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
            upstream.close();
            strictUpstream.close();
        }
    }

    @Test
    void anAccountIsCreatedWithoutItsReadOnlyIdAndTheAnswerWithoutItsWriteOnlyPasswordIsAResult() {
        McpHttp mcp = new McpHttp(gateway.proxy("/accounts-mcp"));
        mcp.initialize("2025-11-25");
        JsonNode tool = mcp.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}").json().at("/result/tools/0");
        JsonNode input = tool.at("/inputSchema/$defs/Account");
        JsonNode output = tool.at("/outputSchema");

        assertThat(input.path("properties").properties()).extracting(Map.Entry::getKey)
                .as("%s", input).containsExactly("name", "password");
        assertThat(input.path("required")).extracting(JsonNode::asText).containsExactly("name", "password");
        assertThat(output.path("properties").properties()).extracting(Map.Entry::getKey)
                .as("%s", output).containsExactly("id", "name", "created", "owner");
        assertThat(output.path("required")).extracting(JsonNode::asText).containsExactly("id", "name", "created");

        JsonNode result = mcp.call("createAccount", "{\"body\":{\"name\":\"ada\",\"password\":\"s3cret\"}}");

        assertThat(result.get("isError").asBoolean()).as("%s", result).isFalse();
        assertThat(upstream.next().body()).isEqualTo("{\"name\":\"ada\",\"password\":\"s3cret\"}");
        assertThat(result.at("/structuredContent/id").asInt()).as("%s", result).isEqualTo(7);
    }

    @Test
    void aMemberIsAddedWithoutTheReadOnlyIdThatASiblingAllOfPartRequires() {
        McpHttp mcp = new McpHttp(gateway.proxy("/accounts-mcp"));
        mcp.initialize("2025-11-25");
        JsonNode tool = mcp.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}").json().at("/result/tools/1");
        JsonNode member = tool.at("/inputSchema/$defs/Member");

        assertThat(member.at("/allOf/1/required")).as("%s", member).extracting(JsonNode::asText).containsExactly("name");

        JsonNode result = mcp.call("addMember", "{\"body\":{\"name\":\"ada\"}}");

        assertThat(result.get("isError").asBoolean()).as("%s", result).isFalse();
        assertThat(upstream.next().body()).isEqualTo("{\"name\":\"ada\"}");
    }

    @Test
    void aClosedAnswerThatEchoesItsWriteOnlySecretIsAResultThatDoesNotRequireTheSecret() {
        McpHttp mcp = new McpHttp(gateway.proxy("/accounts-mcp"));
        mcp.initialize("2025-11-25");
        JsonNode tool = mcp.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}").json().at("/result/tools/2");

        assertThat(tool.at("/outputSchema/required")).as("%s", tool).extracting(JsonNode::asText).containsExactly("token");

        JsonNode result = mcp.call("openSession", "{}");
        upstream.next();

        assertThat(result.get("isError").asBoolean()).as("%s", result).isFalse();
        assertThat(result.at("/structuredContent/token").asText()).as("%s", result).isEqualTo("t-1");
    }

    @Test
    void aPetNeedsTheNameRequiredBesideItsReferenceAndNotTheStampMarkedReadOnlyBesideItsReference() {
        McpHttp mcp = new McpHttp(gateway.proxy("/pets-mcp"));
        mcp.initialize("2025-11-25");
        JsonNode input = mcp.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}").json()
                .at("/result/tools/0/inputSchema");

        assertThat(input.at("/properties/body/required")).as("%s", input).extracting(JsonNode::asText)
                .containsExactly("name");
        assertThat(input.at("/$defs/Pet/required")).as("%s", input).extracting(JsonNode::asText).containsExactly("kind");

        JsonNode nameless = mcp.call("addPet", "{\"body\":{\"kind\":\"cat\"}}");
        assertThat(nameless.get("isError").asBoolean()).as("%s", nameless).isTrue();
        assertThat(nameless.toString()).contains("name");

        JsonNode added = mcp.call("addPet", "{\"body\":{\"kind\":\"cat\",\"name\":\"tom\"}}");
        assertThat(added.get("isError").asBoolean()).as("%s", added).isFalse();
        assertThat(upstream.next().body()).isEqualTo("{\"kind\":\"cat\",\"name\":\"tom\"}");
    }

    @Test
    void anAnswerClosedAroundAComponentThatEchoesItsWriteOnlyPasswordIsAResult() {
        McpHttp mcp = new McpHttp(gateway.proxy("/pets-mcp"));
        mcp.initialize("2025-11-25");

        JsonNode result = mcp.call("logIn", "{}");
        upstream.next();

        assertThat(result.get("isError").asBoolean()).as("%s", result).isFalse();
        assertThat(result.at("/structuredContent/password").asText()).as("%s", result).isEqualTo("s3cret");
    }

    @Test
    void theTypeScriptSdksAndInspectorListTheToolAndAcceptASampleCall() {
        System.out.println(clients.check("strict"));
        System.out.println(clients.check("strict-pets"));
    }
}
