package dev.toolgate.mode.passthrough;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

class ListedToolsTest {

    private final ListedTools tools = new ListedTools(List.of("configured"), ConcurrentHashMap.newKeySet());

    private void learn(String json) {
        byte[] bytes = ("padding" + json).getBytes(StandardCharsets.UTF_8);
        tools.learn(bytes, 7, bytes.length - 7);
    }

    @Test
    void theConfigurationsToolsAreKnownBeforeAnyList() {
        assertThat(tools.knows("configured")).isTrue();
        assertThat(tools.knows("other")).isFalse();
        assertThat(tools.knows(null)).isFalse();
    }

    @Test
    void aListTeachesItsToolsNamesAndNotTheNamesInsideTheirSchemas() {
        learn("""
                {"jsonrpc":"2.0","id":1,"result":{"nextCursor":"x","_meta":{"name":"meta"},"tools":[
                  {"inputSchema":{"type":"object","properties":{"name":{"type":"string"}}},"name":"echo"},
                  {"name":"add","annotations":{"title":"Add"}},
                  {"name":42}, null, ["name", "array"],
                  {"name":"after"},
                  {"title":"no name"}]}}""");

        assertThat(tools.knows("echo")).isTrue();
        assertThat(tools.knows("add")).isTrue();
        assertThat(tools.knows("after")).as("after elements that are not tools").isTrue();
        assertThat(tools.knows("meta")).isFalse();
        assertThat(tools.knows("string")).isFalse();
    }

    @Test
    void answersThatAreNotAToolListTeachNothing() {
        learn("{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32603,\"message\":\"name\"}}");
        learn("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"tools\":[{\"name\":\"cut");
        learn("<html>name</html>");
        learn("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"tools\":{\"name\":\"object\"}}}");

        assertThat(tools.knows("cut")).isFalse();
        assertThat(tools.knows("object")).isFalse();
    }

    @Test
    void aListLargerThanTheReadLimitTeachesNothing() {
        String padding = "x".repeat(ListedTools.MAX_READ);
        learn("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"tools\":[{\"name\":\"big\",\"description\":\"" + padding + "\"}]}}");

        assertThat(tools.knows("big")).isFalse();
    }
}
