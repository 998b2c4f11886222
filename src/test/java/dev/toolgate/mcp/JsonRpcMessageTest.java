package dev.toolgate.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Classification of one JSON-RPC 2.0 message, every branch. */
class JsonRpcMessageTest {

    private static JsonRpcMessage classify(String json) {
        try {
            return JsonRpcMessage.classify(Json.parse(json.getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void requestHasAMethodAndAStringOrIntegerId() {
        var request = (JsonRpcMessage.Request) classify(
                "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/list\",\"params\":{\"cursor\":\"c\"},\"x\":1}");

        assertThat(request.id().asInt()).isEqualTo(7);
        assertThat(request.method()).isEqualTo("tools/list");
        assertThat(request.params().get("cursor").asText()).isEqualTo("c");
        assertThat(request.raw().get("x").asInt()).as("unknown fields are kept").isEqualTo(1);
        assertThat(((JsonRpcMessage.Request) classify("{\"jsonrpc\":\"2.0\",\"id\":\"a-1\",\"method\":\"ping\"}"))
                .id().asText()).isEqualTo("a-1");
    }

    @Test
    void requestMayCarryArrayOrNullParams() {
        assertThat(classify("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"m\",\"params\":[1,2]}"))
                .isInstanceOf(JsonRpcMessage.Request.class);
        assertThat(classify("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"m\",\"params\":null}"))
                .isInstanceOf(JsonRpcMessage.Request.class);
    }

    @Test
    void notificationHasAMethodAndNoId() {
        var notification = (JsonRpcMessage.Notification) classify(
                "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");

        assertThat(notification.method()).isEqualTo("notifications/initialized");
        assertThat(notification.params()).isNull();
    }

    @Test
    void responseHasAnIdAndEitherAResultOrAnError() {
        var result = (JsonRpcMessage.Response) classify("{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":{}}");
        var error = (JsonRpcMessage.Response) classify(
                "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,\"message\":\"m\"}}");

        assertThat(result.id().asInt()).isEqualTo(3);
        assertThat(error.id().isNull()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            [1]                                                     | a JSON-RPC message must be a JSON object
            "text"                                                  | a JSON-RPC message must be a JSON object
            {"id":1,"method":"m"}                                   | "jsonrpc" must be "2.0"
            {"jsonrpc":"1.0","id":1,"method":"m"}                   | "jsonrpc" must be "2.0"
            {"jsonrpc":["2.0"],"id":1,"method":"m"}                 | "jsonrpc" must be "2.0"
            {"jsonrpc":"2.0","id":1,"method":""}                    | "method" must be a non-empty string
            {"jsonrpc":"2.0","id":1,"method":5}                     | "method" must be a non-empty string
            {"jsonrpc":"2.0","id":1,"method":"m","params":"p"}      | "params" must be an object or an array
            {"jsonrpc":"2.0","id":null,"method":"m"}                | "id" must be a string or an integer (null is not allowed)
            {"jsonrpc":"2.0","id":1.5,"method":"m"}                 | "id" must be a string or an integer, not a number with a fraction or an exponent
            {"jsonrpc":"2.0","id":1e3,"method":"m"}                 | "id" must be a string or an integer, not a number with a fraction or an exponent
            {"jsonrpc":"2.0","id":{},"method":"m"}                  | "id" must be a string or an integer, not an object
            {"jsonrpc":"2.0","id":[1],"method":"m"}                 | "id" must be a string or an integer, not an array
            {"jsonrpc":"2.0","id":true,"method":"m"}                | "id" must be a string or an integer, not a boolean
            {"jsonrpc":"2.0","id":1,"result":{},"error":{}}         | a response has either "result" or "error", not both
            {"jsonrpc":"2.0","id":1}                                | a message needs "method" (request or notification) or "result"/"error" (response)
            """)
    void invalidMessageNamesWhatIsWrong(String json, String reason) {
        assertThat(classify(json)).isInstanceOfSatisfying(JsonRpcMessage.Invalid.class,
                invalid -> assertThat(invalid.reason()).isEqualTo(reason));
    }

    @Test
    void jsonrpcVersionMustBeTheStringNotTheNumber() {
        // JSON-RPC 2.0: "jsonrpc" MUST be exactly the string "2.0"
        assertThat(classify("{\"jsonrpc\":2.0,\"id\":1,\"method\":\"m\"}"))
                .isInstanceOfSatisfying(JsonRpcMessage.Invalid.class,
                        invalid -> assertThat(invalid.reason()).isEqualTo("\"jsonrpc\" must be \"2.0\""));
    }

    @Test
    void invalidMessageKeepsAReadableIdSoTheErrorCanAnswerIt() {
        var invalid = (JsonRpcMessage.Invalid) classify("{\"jsonrpc\":\"2.0\",\"id\":\"req-9\",\"method\":\"\"}");
        var noId = (JsonRpcMessage.Invalid) classify("{\"jsonrpc\":\"2.0\",\"id\":[1],\"method\":\"\"}");

        assertThat(invalid.id().asText()).isEqualTo("req-9");
        assertThat(invalid.raw()).isNotNull();
        assertThat(noId.id()).isNull();
    }

    @Test
    void nonObjectHasNoRawMessage() {
        JsonNode array = Json.MAPPER.createArrayNode();

        assertThat(((JsonRpcMessage.Invalid) JsonRpcMessage.classify(array)).raw()).isNull();
    }
}
