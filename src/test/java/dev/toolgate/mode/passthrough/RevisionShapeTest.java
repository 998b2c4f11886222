package dev.toolgate.mode.passthrough;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.mcp.Json;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

/** What the legacy bridge removes or translates of a 2026 server's input request for an older legacy session. */
class RevisionShapeTest {

    static final String ELICIT = """
            {"mode":"form","message":"Pick","requestedSchema":{"$schema":"https://json-schema.org/draft/2020-12/schema",
             "type":"object","required":["color"],"properties":{
              "color":{"type":"string","title":"Color","default":"r","oneOf":[{"const":"r","title":"Red"},{"const":"g","title":"Green"}]},
              "size":{"type":"number","minimum":1,"default":2},
              "sure":{"type":"boolean","default":true},
              "tags":{"type":"array","items":{"type":"string","enum":["a","b"]}}}}}""";

    @Test
    void anElicitationForA2025_06_18SessionHasOnlyWhatThatRevisionDefines() throws IOException {
        JsonNode shaped = RevisionShape.params("2025-06-18", "elicitation/create", Json.parse(ELICIT));

        assertThat(shaped.toString()).isEqualTo(Json.parse("""
                {"message":"Pick","requestedSchema":{"type":"object","required":["color"],"properties":{
                  "color":{"type":"string","title":"Color","enum":["r","g"],"enumNames":["Red","Green"]},
                  "size":{"type":"number","minimum":1},
                  "sure":{"type":"boolean","default":true},
                  "tags":{"type":"array","items":{"type":"string","enum":["a","b"]}}}}}""").toString());
    }

    @Test
    void anElicitationForA2025_11_25SessionAndAUrlElicitationGoAsTheServerWroteThem() throws IOException {
        JsonNode given = Json.parse(ELICIT);
        JsonNode url = Json.parse("{\"mode\":\"url\",\"message\":\"Sign in\",\"url\":\"https://example.test\"}");

        assertThat(RevisionShape.params("2025-11-25", "elicitation/create", given)).isEqualTo(given);
        assertThat(RevisionShape.params("2025-06-18", "elicitation/create", url)).isEqualTo(url);
        assertThat(RevisionShape.params("2025-06-18", "sampling/createMessage", given)).isEqualTo(given);
    }

    @Test
    void onlyAResourcesReadMissWithDataExactlyItsUriBecomesResourceNotFound() throws IOException {
        JsonNode miss = Json.parse("{\"code\":-32602,\"message\":\"Resource not found\",\"data\":{\"uri\":\"test://x\"}}");
        JsonNode other = Json.parse("{\"code\":-32602,\"message\":\"bad\",\"data\":{\"uri\":\"test://x\",\"why\":\"y\"}}");

        assertThat(RevisionShape.error("resources/read", (com.fasterxml.jackson.databind.node.ObjectNode) miss)
                .path("code").asInt()).isEqualTo(-32002);
        assertThat(RevisionShape.error("resources/read", (com.fasterxml.jackson.databind.node.ObjectNode) other)
                .path("code").asInt()).isEqualTo(-32602);
        assertThat(RevisionShape.error("prompts/get", (com.fasterxml.jackson.databind.node.ObjectNode) miss)
                .path("code").asInt()).isEqualTo(-32602);
    }
}
