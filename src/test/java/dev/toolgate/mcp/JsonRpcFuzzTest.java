package dev.toolgate.mcp;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes the JSON-RPC reader with any bytes: parsing either gives a tree or says why not (an
 * {@link IOException}), and classification never throws and never calls a message a request without
 * a method and a string or integer id.
 */
class JsonRpcFuzzTest {

    @FuzzTest(maxDuration = "5s")
    void anyBodyIsParsedOrRefusedAndEveryElementIsClassified(byte[] body) {
        JsonNode tree;
        try {
            tree = Json.parse(body);
        } catch (IOException e) {
            assertThat(e.getMessage()).isNotNull();
            return;
        }
        if (tree == null) {
            return;
        }
        Iterable<JsonNode> elements = tree.isArray() ? tree : java.util.List.of(tree);
        for (JsonNode element : elements) {
            JsonRpcMessage message = JsonRpcMessage.classify(element);
            if (message instanceof JsonRpcMessage.Request r) {
                assertThat(r.method()).isNotEmpty();
                assertThat(r.id().isTextual() || r.id().isIntegralNumber()).isTrue();
            }
            if (message instanceof JsonRpcMessage.Invalid invalid) {
                assertThat(invalid.reason()).isNotBlank();
            }
        }
    }
}
