package dev.toolgate.mode.acl;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.testing.EverythingServer;
import dev.toolgate.testing.KongHowTos;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tool ACLs on a passthrough route against ids a real server reads differently from the gateway. The
 * server is the MCP reference server (server-everything, on the TypeScript SDK), behind Kong's ACL
 * how-to file: its tools are not named there, so the default ACL decides them, and it does not name
 * eason. JavaScript reads {@code 1.0} as the integer 1, so the SDK takes {@code "id": 1.0} for a request;
 * and it reads an integer past 2^53 rounded, so it answers another id than the one sent.
 */
@Timeout(120)
class PassthroughAclIdFormsIT {

    static EverythingServer everything;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        everything = EverythingServer.start();
        gateway = TestGateway.start(KongHowTos.passthroughAcls(everything.mcp().toString()));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (everything != null) {
            everything.close();
        }
    }

    @Test
    void aRequestWhoseIdIsNeitherAStringNorAnIntegerIsRefusedNotForwardedAsIfItWereANotification() {
        McpHttp eason = eason();
        McpHttp.Response denied = eason.post(echo("1"));
        assertThat(denied.status()).as("the default ACL does not name eason: " + denied).isEqualTo(403);

        for (String id : List.of("1.0", "2e0", "3.5", "null", "true", "{}", "[4]")) {
            McpHttp.Response refused = eason.post(echo(id));
            assertThat(refused.status()).as("id " + id + ": " + refused).isEqualTo(400);
            JsonNode error = refused.json().path("error");
            assertThat(error.path("code").asInt()).as(refused.toString()).isEqualTo(-32600);
            assertThat(error.path("message").asText() + error.path("data")).contains("id");
            assertThat(refused.body()).as("the server never ran the tool").doesNotContain("Echo:");
        }
        McpHttp.Response listed = eason.post("{\"jsonrpc\":\"2.0\",\"id\":5.0,\"method\":\"tools/list\"}");
        assertThat(listed.status()).as("an unfiltered list is never relayed: " + listed).isEqualTo(400);
        assertThat(listed.body()).doesNotContain("\"echo\"");

        // the gateway still serves the session: an integer id is decided as before
        McpHttp.Response again = eason.post("{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"tools/list\"}");
        assertThat(again.status()).as(again.toString()).isEqualTo(200);
        assertThat(again.json().path("result").path("tools").isArray()).isTrue();
        assertThat(again.json().path("result").path("tools")).as("eason sees none of the server's tools").isEmpty();
    }

    @Test
    void aToolCallSentAsANotificationIsRefusedNotForwardedPastTheAcl() {
        McpHttp eason = eason();
        String notification = "{\"jsonrpc\":\"2.0\",\"method\":\"tools/call\",\"params\":{\"name\":\"echo\","
                + "\"arguments\":{\"message\":\"secret\"}}}";

        for (String body : List.of(notification, "[" + notification + "]",
                "[{\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":{\"progressToken\":1,\"progress\":1}},"
                        + notification + "]")) {
            McpHttp.Response refused = eason.post(body);
            assertThat(refused.status()).as(body + ": " + refused).isEqualTo(400);
            assertThat(refused.json().path("error").path("code").asInt()).as(refused.toString()).isEqualTo(-32600);
            assertThat(refused.json().path("error").path("message").asText())
                    .isEqualTo("Invalid Request: a tools/call needs an \"id\" (a string or an integer); sent without one, "
                            + "it is not forwarded");
        }
        McpHttp.Response progress = eason.post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\","
                + "\"params\":{\"progressToken\":1,\"progress\":1}}");
        assertThat(progress.status()).as("a notification is still relayed: " + progress).isEqualTo(202);
    }

    @Test
    void theRefusalOfAnInvalidIdNamesWhatTheClientSentAsAConversionEndpointDoes() {
        McpHttp eason = eason();
        Map<String, String> problems = Map.of(
                "1.0", "not a number with a fraction or an exponent",
                "2e0", "not a number with a fraction or an exponent",
                "true", "not a boolean",
                "{}", "not an object",
                "[4]", "not an array",
                "null", "(null is not allowed)");
        problems.forEach((id, problem) -> {
            McpHttp.Response refused = eason.post(echo(id));
            assertThat(refused.json().path("error").path("message").asText()).as("id " + id)
                    .isEqualTo("Invalid Request: \"id\" must be a string or an integer" + (id.equals("null") ? " " : ", ")
                            + problem);
        });
    }

    @Test
    void aToolsListWhoseIntegerIdAJavaScriptServerWouldRoundIsRefusedSoTheHiddenToolsNeverReachTheCaller() {
        // the SDK this server is built on (zod 4) refuses such an id itself (-32700); older ones and other
        // JavaScript servers read it as 9007199254740992 and answered that id with the whole list
        McpHttp eason = eason();
        for (String id : List.of("9007199254740993", "-9007199254740993", "123456789012345678901234567890")) {
            McpHttp.Response refused = eason.post("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/list\"}");
            assertThat(refused.body()).as("id " + id + ": the server's unfiltered list is never relayed")
                    .doesNotContain("\"echo\"");
            assertThat(refused.status()).as("id " + id + ": " + refused).isEqualTo(400);
            assertThat(refused.json().path("error").path("code").asInt()).as("id " + id + ": " + refused).isEqualTo(-32600);
            assertThat(refused.json().path("error").path("message").asText()).isEqualTo("Invalid Request: an integer "
                    + "\"id\" must lie between -(2^53 - 1) and 2^53 - 1 where tool ACLs filter tools/list (a JavaScript "
                    + "server rounds a larger one and answers another id): send a smaller integer or a string");
        }
        // the largest id a JavaScript server holds exactly is still served, and its answer filtered
        McpHttp.Response listed = eason.post("{\"jsonrpc\":\"2.0\",\"id\":9007199254740991,\"method\":\"tools/list\"}");
        assertThat(listed.status()).as(listed.toString()).isEqualTo(200);
        assertThat(listed.json().path("id").asLong()).isEqualTo(9007199254740991L);
        assertThat(listed.json().path("result").path("tools")).as("eason sees none of the server's tools").isEmpty();
    }

    @Test
    void theRefusalOfAToolsListWhoseIdAJavaScriptServerWouldRoundAnswersWithThatIdExactlyAsSent() {
        McpHttp eason = eason();
        for (String id : List.of("9007199254740993", "-9007199254740993", "123456789012345678901234567890")) {
            McpHttp.Response refused = eason.post("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/list\"}");

            assertThat(refused.status()).as("id " + id + ": " + refused).isEqualTo(400);
            // the id was read exactly: JSON-RPC 2.0 keeps null for an id that could not be determined
            assertThat(refused.json().path("id").toString()).as("id " + id + ": " + refused).isEqualTo(id);
        }
        // a batch is refused whole: its answer is no one request's
        McpHttp batched = eason("2025-03-26");
        McpHttp.Response batch = batched.post("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"},"
                + "{\"jsonrpc\":\"2.0\",\"id\":9007199254740993,\"method\":\"tools/list\"}]");
        assertThat(batch.status()).as(batch.toString()).isEqualTo(400);
        assertThat(batch.json().path("id").isNull()).as(batch.toString()).isTrue();
    }

    @Test
    void aPingWhoseStringIdEqualsTheToolsListsIntegerIdDoesNotLetTheListPassUnfilteredOverSse() {
        McpHttp eason = eason("2025-03-26");
        for (int round = 0; round < 5; round++) {
            McpHttp.Response batch = eason.post("[{\"jsonrpc\":\"2.0\",\"id\":\"1\",\"method\":\"ping\"},"
                    + "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}]");
            assertThat(batch.status()).as(batch.toString()).isEqualTo(200);
            assertThat(batch.header("content-type")).startsWith("text/event-stream");
            assertThat(batch.body()).as("both answers came: " + batch).contains("\"id\":\"1\"", "\"tools\":[]");
            assertThat(batch.body()).as("hidden tools never reach eason").doesNotContain("\"echo\"", "\"inputSchema\"");
        }
    }

    static McpHttp eason() {
        return eason("2025-11-25");
    }

    static McpHttp eason(String protocolVersion) {
        McpHttp http = new McpHttp(gateway.proxy("/mcp"), KongHowTos.apiKey("eason"));
        McpHttp.Response initialized = http.initialize(protocolVersion);
        assertThat(initialized.status()).as(initialized.toString()).isEqualTo(200);
        return http;
    }

    static String echo(String id) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"echo\","
                + "\"arguments\":{\"message\":\"secret\"}}}";
    }
}
