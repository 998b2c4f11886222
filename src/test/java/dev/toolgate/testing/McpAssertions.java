package dev.toolgate.testing;

import com.fasterxml.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** Assertions on what an MCP client sees, shared by the integration tests. */
public final class McpAssertions {

    private McpAssertions() {
    }

    /** An HTTP response whose body is a JSON-RPC error with this status, code and message. */
    public static JsonNode assertRpcError(McpHttp.Response response, int status, int code, String message) {
        assertThat(response.status()).as("HTTP status of %s", response).isEqualTo(status);
        assertThat(response.header("content-type")).as("content type of %s", response).startsWith("application/json");
        JsonNode body = response.json();
        assertThat(body.path("jsonrpc").asText()).isEqualTo("2.0");
        assertThat(body.has("result")).as("no result in %s", response).isFalse();
        assertThat(body.path("error").path("code").asInt()).as("error code of %s", response).isEqualTo(code);
        assertThat(body.path("error").path("message").asText()).as("error message of %s", response).isEqualTo(message);
        return body;
    }

    /** Like {@link #assertRpcError} but only checks that the message starts with {@code prefix}. */
    public static JsonNode assertRpcErrorStartingWith(McpHttp.Response response, int status, int code, String prefix) {
        assertThat(response.status()).as("HTTP status of %s", response).isEqualTo(status);
        JsonNode body = response.json();
        assertThat(body.path("error").path("code").asInt()).as("error code of %s", response).isEqualTo(code);
        assertThat(body.path("error").path("message").asText()).as("error message of %s", response).startsWith(prefix);
        return body;
    }

    /** The gateway still answers a plain {@code tools/list} on this session with a tool list. */
    public static void assertStillServes(McpHttp mcp) {
        McpHttp.Response list = mcp.post("{\"jsonrpc\":\"2.0\",\"id\":\"after\",\"method\":\"tools/list\"}");
        assertThat(list.status()).as("tools/list after a bad request: %s", list).isEqualTo(200);
        assertThat(list.json().path("id").asText()).isEqualTo("after");
        assertThat(list.json().path("result").path("tools").isArray()).as("tools/list result: %s", list).isTrue();
    }

    /** The text of every content item of a tool result, joined by new lines. */
    public static String text(JsonNode callResult) {
        StringBuilder out = new StringBuilder();
        for (JsonNode item : callResult.path("content")) {
            if (item.has("text")) {
                if (!out.isEmpty()) {
                    out.append('\n');
                }
                out.append(item.get("text").asText());
            }
        }
        return out.toString();
    }
}
