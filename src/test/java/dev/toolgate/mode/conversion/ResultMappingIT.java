package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.mcp.Json;
import dev.toolgate.testing.CapturedLog;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static dev.toolgate.testing.McpAssertions.assertStillServes;
import static dev.toolgate.testing.McpAssertions.text;
import static org.assertj.core.api.Assertions.assertThat;

/** How upstream answers become tool results: content, structuredContent against outputSchema, and errors. */
@Timeout(30)
class ResultMappingIT {

    static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'};

    /** A recursive output schema, as GitHub's and Stripe's documents have. */
    static final String TREE = "{$ref: '#/$defs/Node', $defs: {Node: {type: object, properties: {name: {type: string}, "
            + "children: {type: array, items: {anyOf: [{type: string}, {allOf: [{$ref: '#/$defs/Node'}]}]}}}}}}";

    static RestUpstream upstream;
    static TestGateway gateway;
    McpHttp mcp;

    /** One tool entry, indented for the tools list below; {@code schema} (flow YAML) is its 200 JSON schema. */
    static String tool(String name, String path, String schema) {
        String entry = " ".repeat(16) + "- {name: " + name + ", description: " + name + ", method: GET, path: /mcp" + path;
        return entry + (schema == null ? "" : ", responses: {\"200\": {content: {application/json: {schema: " + schema + "}}}}")
                + "}\n";
    }

    /** A tool whose operation documents 200 with a JSON schema and 204 without content. */
    static String documentedEmpty(String name, String path, String schema) {
        return " ".repeat(16) + "- {name: " + name + ", description: " + name + ", method: GET, path: /mcp" + path
                + ", responses: {\"200\": {content: {application/json: {schema: " + schema + "}}}, \"204\": {description: none}}}\n";
    }

    @BeforeAll
    static void start() {
        String user = "{type: object, properties: {id: {type: string}, name: {type: string}}, required: [id]}";
        upstream = new RestUpstream()
                .json("GET /user", 200, "{\"id\":\"u1\",\"name\":\"Ann\"}")
                .json("GET /users", 200, "[{\"id\":\"u1\"},{\"id\":\"u2\"}]")
                .json("GET /bad-user", 200, "{\"id\":5}")
                .json("GET /bad-ids", 200, "[" + "0,".repeat(99_999) + "0]")
                .json("GET /array-user", 200, "[{\"id\":\"u1\"}]")
                .on("GET /not-json", r -> r.response().putHeader("content-type", "text/plain").end("hello"))
                .on("GET /plain", r -> r.response().putHeader("content-type", "text/plain").end("just text"))
                .on("GET /latin1", r -> r.response().putHeader("content-type", "text/plain; charset=ISO-8859-1")
                        .end(Buffer.buffer(new byte[] {'c', 'a', 'f', (byte) 0xE9})))
                .on("GET /image", r -> r.response().putHeader("content-type", "image/png").end(Buffer.buffer(PNG)))
                .on("GET /audio", r -> r.response().putHeader("content-type", "audio/mpeg").end(Buffer.buffer(new byte[] {1, 2, 3})))
                .on("GET /pdf", r -> r.response().putHeader("content-type", "application/pdf").end(Buffer.buffer("%PDF-1.7")))
                .on("GET /empty", r -> r.response().setStatusCode(204).end())
                // a framework that types every answer, the empty one too
                .on("GET /empty-typed", r -> r.response().setStatusCode(204).putHeader("content-type",
                        "application/octet-stream").end())
                .json("GET /empty-200", 200, "")
                // what servers that compress everything send: the coding header on an answer with no body
                .on("GET /empty-gzip", r -> r.response().setStatusCode(204).putHeader("content-encoding", "gzip").end())
                .json("GET /missing", 404, "{\"message\":\"no such user\"}")
                .on("GET /boom", r -> r.response().setStatusCode(500).putHeader("content-type", "text/plain").end("x".repeat(10_240)))
                // 900 levels: under Jackson's 1,000, and enough to overflow the validator's recursion on a fresh JVM
                .json("GET /deep-tree", 200, ArgumentValidationIT.tree(900))
                .json("GET /tree", 200, ArgumentValidationIT.tree(CompiledSchema.MAX_DEPTH))
                .on("GET /moved", r -> r.response().setStatusCode(302).putHeader("location", "/user").end());
        StringBuilder tools = new StringBuilder();
        tools.append(tool("user", "/user", user)).append(tool("users", "/users", "{type: array, items: " + user + "}"))
                .append(tool("bad_user", "/bad-user", user))
                .append(tool("bad_ids", "/bad-ids", "{type: array, items: {type: string}}"))
                .append(tool("bad_ids_or_one", "/bad-ids", "{anyOf: [{type: array, items: {type: string}}, {type: string}]}"))
                .append(tool("user_with_dependents", "/user", "{type: object, properties: {p: {type: object, "
                        + "dependentSchemas: {x: {required: [y]}}}, q: {type: array}}}")).append(tool("array_user", "/array-user", user))
                .append(tool("not_json", "/not-json", user)).append(tool("plain", "/plain", null))
                .append(tool("latin1", "/latin1", null)).append(tool("image", "/image", null))
                .append(tool("audio", "/audio", null)).append(tool("pdf", "/pdf", null))
                .append(tool("empty", "/empty", null)).append(tool("empty_gzip", "/empty-gzip", null)).append(tool("missing", "/missing", null))
                .append(tool("boom", "/boom", null)).append(tool("moved", "/moved", null))
                .append(tool("deep_tree", "/deep-tree", TREE)).append(tool("tree", "/tree", TREE))
                .append(tool("image_with_schema", "/image", user))
                .append(tool("empty_with_schema", "/empty", user))
                .append(documentedEmpty("delete_user", "/empty", user)).append(documentedEmpty("delete_user_200", "/empty-200", user))
                .append(documentedEmpty("get_or_nothing", "/user", user))
                .append(documentedEmpty("delete_typed", "/empty-typed", user))
                .append(" ".repeat(16) + "- {name: queue_job, description: queue_job, method: GET, path: /mcp/plain, responses: "
                        + "{\"200\": {content: {application/json: {schema: " + user + "}}}, \"202\": {content: {text/plain: {}}}}}\n");
        gateway = TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: api
                    url: %s
                    routes:
                      - name: mcp
                        paths: [/mcp]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              tools:
                %s""".formatted(upstream.url(), tools));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @BeforeEach
    void session() {
        while (upstream.pending() > 0) {
            upstream.next();
        }
        mcp = new McpHttp(gateway.proxy("/mcp"));
        mcp.initialize("2025-06-18");
    }

    private JsonNode definition(String name) {
        for (JsonNode tool : mcp.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}").json().at("/result/tools")) {
            if (tool.get("name").asText().equals(name)) {
                return tool;
            }
        }
        throw new AssertionError("no tool " + name);
    }

    @Test
    void jsonAnswerIsTextContentPlusStructuredContentWhenTheToolHasAnOutputSchema() {
        JsonNode result = mcp.call("user", "{}");
        assertThat(result.get("isError").asBoolean()).isFalse();
        assertThat(result.get("content")).hasSize(1);
        assertThat(result.at("/content/0/type").asText()).isEqualTo("text");
        assertThat(result.at("/content/0/text").asText()).isEqualTo("{\"id\":\"u1\",\"name\":\"Ann\"}");
        assertThat(Json.text(result.get("structuredContent"))).isEqualTo("{\"id\":\"u1\",\"name\":\"Ann\"}");
        assertThat(definition("user").at("/outputSchema/required/0").asText()).isEqualTo("id");
    }

    @Test
    void arraySchemaIsWrappedAsResultInBothOutputSchemaAndStructuredContent() {
        JsonNode schema = definition("users").get("outputSchema");
        assertThat(schema.get("type").asText()).isEqualTo("object");
        assertThat(schema.at("/properties/result/type").asText()).isEqualTo("array");
        assertThat(Json.text(schema.get("required"))).isEqualTo("[\"result\"]");
        JsonNode result = mcp.call("users", "{}");
        assertThat(result.get("isError").asBoolean()).isFalse();
        assertThat(Json.text(result.get("structuredContent"))).isEqualTo("{\"result\":[{\"id\":\"u1\"},{\"id\":\"u2\"}]}");
        assertThat(result.at("/content/0/text").asText()).isEqualTo("[{\"id\":\"u1\"},{\"id\":\"u2\"}]");
    }

    @Test
    void answerNotMatchingTheOutputSchemaIsAToolErrorThatSaysSo() {
        JsonNode result = mcp.call("bad_user", "{}");
        assertThat(result.get("isError").asBoolean()).isTrue();
        assertThat(result.has("structuredContent")).isFalse();
        assertThat(result.at("/content/0/text").asText()).isEqualTo("{\"id\":5}");
        assertThat(result.at("/content/1/text").asText())
                .startsWith("The API's answer does not match the tool's output schema: ").contains("integer found, string expected");
        assertStillServes(mcp);
    }

    @Test
    void answerWithAHundredThousandWrongItemsIsAToolErrorListingTheFirstAndSayingMoreExist() {
        JsonNode result = mcp.call("bad_ids", "{}");
        assertThat(result.get("isError").asBoolean()).isTrue();
        assertThat(result.at("/content/0/text").asText()).startsWith("[0,0,");
        String note = result.at("/content/1/text").asText();
        assertThat(note).startsWith("The API's answer does not match the tool's output schema: result.0: integer found, "
                + "string expected; result.1: ").endsWith("; and more (only the first 10 are listed)").hasSizeLessThan(1024);
        assertStillServes(mcp);
    }

    @Test
    void answerWithAHundredThousandWrongItemsInABranchOfAnyOfIsAToolErrorListingTheFirstTen() {
        JsonNode result = mcp.call("bad_ids_or_one", "{}");
        assertThat(result.get("isError").asBoolean()).isTrue();
        assertThat(result.at("/content/1/text").asText()).startsWith("The API's answer does not match the tool's output "
                + "schema: result.0: integer found, string expected; result.1: ")
                .endsWith("; result.9: integer found, string expected; and more (only the first 10 are listed)");
        assertStillServes(mcp);
    }

    @Test
    void answerWithoutAPropertyWhoseSchemaHasDependentSchemasMatchesTheOutputSchema() {
        JsonNode result = mcp.call("user_with_dependents", "{}");
        assertThat(result.get("isError").asBoolean()).as("%s", result).isFalse();
        assertThat(result.at("/structuredContent/id").asText()).isEqualTo("u1");
    }

    @Test
    void answerNestedDeeperThanTheBoundIsAToolErrorSayingItDoesNotMatchTheOutputSchema() {
        try (CapturedLog log = CapturedLog.everything()) {
            JsonNode result = mcp.call("deep_tree", "{}");
            assertThat(result.get("isError").asBoolean()).isTrue();
            assertThat(result.has("structuredContent")).isFalse();
            assertThat(result.at("/content/1/text").asText()).isEqualTo("The API's answer does not match the tool's "
                    + "output schema: nested deeper than " + CompiledSchema.MAX_DEPTH + " levels of objects and arrays, "
                    + "the most the gateway checks against a schema");
            assertThat(log.since(0)).as("no stack logged").noneMatch(line -> line.getThrowableProxy() != null);
        }
        assertStillServes(mcp);
    }

    @Test
    void answerWithinTheNestingBoundIsCheckedAgainstARecursiveOutputSchema() {
        JsonNode result = mcp.call("tree", "{}");
        assertThat(result.get("isError").asBoolean()).as("%s", result).isFalse();
        assertThat(result.at("/structuredContent/name").asText()).isEqualTo("n");
    }

    @Test
    void answerOfTheWrongJsonShapeOrNotJsonAtAllIsAToolError() {
        JsonNode array = mcp.call("array_user", "{}");
        assertThat(array.get("isError").asBoolean()).isTrue();
        assertThat(text(array)).contains("The API's answer is not a JSON object as the tool's output schema says");
        JsonNode notJson = mcp.call("not_json", "{}");
        assertThat(notJson.get("isError").asBoolean()).isTrue();
        assertThat(notJson.at("/content/0/text").asText()).isEqualTo("hello");
        assertThat(notJson.at("/content/1/text").asText()).startsWith("The API's answer is not JSON, but the tool promises JSON output: ");
    }

    @Test
    void textAnswerWithoutSchemaIsPlainTextInItsCharset() {
        JsonNode plain = mcp.call("plain", "{}");
        assertThat(plain.get("isError").asBoolean()).isFalse();
        assertThat(plain.has("structuredContent")).isFalse();
        assertThat(text(plain)).isEqualTo("just text");
        assertThat(text(mcp.call("latin1", "{}"))).isEqualTo("café");
    }

    @Test
    void imageAnswerIsImageContentInBase64() {
        JsonNode result = mcp.call("image", "{}");
        assertThat(result.get("isError").asBoolean()).isFalse();
        assertThat(result.at("/content/0/type").asText()).isEqualTo("image");
        assertThat(result.at("/content/0/mimeType").asText()).isEqualTo("image/png");
        assertThat(Base64.getDecoder().decode(result.at("/content/0/data").asText())).isEqualTo(PNG);
    }

    @Test
    void audioAndOtherBinaryAnswersAreAudioAndEmbeddedBlobs() {
        JsonNode audio = mcp.call("audio", "{}");
        assertThat(audio.at("/content/0/type").asText()).isEqualTo("audio");
        assertThat(audio.at("/content/0/data").asText()).isEqualTo("AQID");
        JsonNode pdf = mcp.call("pdf", "{}");
        assertThat(pdf.at("/content/0/type").asText()).isEqualTo("resource");
        assertThat(pdf.at("/content/0/resource/mimeType").asText()).isEqualTo("application/pdf");
        assertThat(new String(Base64.getDecoder().decode(pdf.at("/content/0/resource/blob").asText()), StandardCharsets.UTF_8))
                .isEqualTo("%PDF-1.7");
    }

    @Test
    void toolWithAnOutputSchemaNeverReportsSuccessWithoutStructuredContent() {
        // MCP 2025-06-18 "Output Schema": if an output schema is provided, servers MUST provide structured
        // results that conform to it. An image answer cannot, so it must not be a plain success.
        JsonNode result = mcp.call("image_with_schema", "{}");
        assertThat(result.get("isError").asBoolean() || result.has("structuredContent"))
                .as("isError or structuredContent in %s", result).isTrue();
    }

    @Test
    void emptySuccessSaysSo() {
        JsonNode result = mcp.call("empty", "{}");
        assertThat(result.get("isError").asBoolean()).isFalse();
        assertThat(text(result)).isEqualTo("HTTP 204 (no content)");
    }

    @Test
    void emptySuccessOfAnOperationDocumentingAnAnswerWithoutContentIsASuccessWithEmptyStructuredContent() {
        JsonNode schema = definition("delete_user").get("outputSchema");
        assertThat(schema.get("type").asText()).isEqualTo("object");
        assertThat(schema.at("/anyOf/0/required/0").asText()).as("%s", schema).isEqualTo("id");
        assertThat(schema.at("/anyOf/1/maxProperties").asInt(-1)).isEqualTo(0);
        for (String tool : new String[] {"delete_user", "delete_user_200", "delete_typed"}) {
            JsonNode result = mcp.call(tool, "{}");
            assertThat(result.get("isError").asBoolean()).as("%s: %s", tool, result).isFalse();
            assertThat(Json.text(result.get("structuredContent"))).isEqualTo("{}");
        }
        assertThat(text(mcp.call("delete_user", "{}"))).isEqualTo("HTTP 204 (no content)");
        assertThat(text(mcp.call("delete_user_200", "{}"))).isEqualTo("HTTP 200 (no content)");
        JsonNode json = mcp.call("get_or_nothing", "{}");
        assertThat(json.get("isError").asBoolean()).isFalse();
        assertThat(Json.text(json.get("structuredContent"))).as("an object answer stays the root")
                .isEqualTo("{\"id\":\"u1\",\"name\":\"Ann\"}");
    }

    @Test
    void anOperationThatMayAlsoAnswerTextPromisesNoStructuredOutputAndItsTextAnswerIsASuccess() {
        assertThat(definition("queue_job").has("outputSchema")).as("%s", definition("queue_job")).isFalse();

        JsonNode result = mcp.call("queue_job", "{}");

        assertThat(result.get("isError").asBoolean()).as("%s", result).isFalse();
        assertThat(result.has("structuredContent")).isFalse();
    }

    @Test
    void emptyAnswerTheDocumentDoesNotDeclareIsAToolErrorThatSaysTheApiAnsweredWithoutContent() {
        JsonNode result = mcp.call("empty_with_schema", "{}");
        assertThat(result.get("isError").asBoolean()).isTrue();
        assertThat(result.has("structuredContent")).isFalse();
        assertThat(result.at("/content/1/text").asText())
                .isEqualTo("The API answered HTTP 204 without content, but the tool's output schema promises JSON");
    }

    @Test
    void anEmptyAnswerMarkedCompressedIsNoContentNotABrokenBody() {
        JsonNode result = mcp.call("empty_gzip", "{}");
        assertThat(result.get("isError").asBoolean()).as("%s", result).isFalse();
        assertThat(text(result)).isEqualTo("HTTP 204 (no content)");
    }

    @Test
    void notFoundIsAToolErrorWithStatusAndBody() {
        JsonNode result = mcp.call("missing", "{}");
        assertThat(result.get("isError").asBoolean()).isTrue();
        assertThat(text(result)).isEqualTo("The API answered HTTP 404 Not Found: {\"message\":\"no such user\"}");
        assertStillServes(mcp);
    }

    @Test
    void serverErrorBodyIsQuotedUpTo2048Characters() {
        JsonNode result = mcp.call("boom", "{}");
        assertThat(result.get("isError").asBoolean()).isTrue();
        assertThat(text(result)).isEqualTo("The API answered HTTP 500 Internal Server Error: " + "x".repeat(2048) + "… (truncated)");
        assertStillServes(mcp);
    }

    @Test
    void redirectsAreNotFollowed() {
        JsonNode result = mcp.call("moved", "{}");
        assertThat(result.get("isError").asBoolean()).isTrue();
        assertThat(text(result)).isEqualTo("The API answered HTTP 302 Found.");
        assertThat(upstream.next().path()).isEqualTo("/moved");
        assertThat(upstream.pending()).isZero();
    }
}
