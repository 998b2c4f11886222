package dev.toolgate.interop;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.gateway.Version;
import dev.toolgate.mcp.Json;
import dev.toolgate.testing.NodeClients;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's quick start, checked with the MCP Inspector CLI: examples/quickstart.yaml serves
 * Toolgate's own Admin API as MCP tools, and the tools call the real admin listener.
 *
 * <p>The example points its service at the admin listener's default address (127.0.0.1:8001). The
 * test gateway binds the admin listener to a free port, which is only known once it runs, so the
 * gateway starts with the example file unchanged (this also proves it loads as shipped), and then the
 * same document with only the service url changed to the real admin URL is applied through the
 * Admin API ({@code POST /config}, as an operator of a db-less gateway would). No port is guessed,
 * so nothing can race for it.
 */
@Timeout(120)
class QuickstartInspectorIT {

    static final String DEFAULT_ADMIN_URL = "url: http://127.0.0.1:8001";

    static NodeClients node;
    static TestGateway gateway;
    static URI endpoint;
    static String example;

    @BeforeAll
    static void start() throws Exception {
        node = NodeClients.require();
        example = Files.readString(node.root().resolve("examples/quickstart.yaml"), StandardCharsets.UTF_8);
        assertThat(example.split(java.util.regex.Pattern.quote(DEFAULT_ADMIN_URL), -1))
                .as("examples/quickstart.yaml names the admin listener's default address once")
                .hasSize(2);
        gateway = TestGateway.start(example);
        String adminUrl = "http://127.0.0.1:" + gateway.gateway().adminPort();
        HttpResponse<String> applied = http(HttpRequest.newBuilder(gateway.admin("/config"))
                .header("content-type", "application/yaml")
                .POST(HttpRequest.BodyPublishers.ofString(example.replace(DEFAULT_ADMIN_URL, "url: " + adminUrl))));
        assertThat(applied.statusCode()).as("POST /config: %s", applied.body()).isEqualTo(200);
        endpoint = gateway.proxy("/admin-tools");
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void listsTheQuickstartTools() {
        NodeClients.Run run = node.inspector(endpoint, "--method", "tools/list");
        JsonNode tools = run.ok().path("result").path("tools");
        assertThat(tools.valueStream().map(t -> t.path("name").asText())).as(run.toString())
                .containsExactly("get_status", "list_services", "get_service", "list_routes", "list_plugins");
        JsonNode status = tools.get(0);
        assertThat(status.path("title").asText()).isEqualTo("Gateway status");
        assertThat(status.path("annotations").path("readOnlyHint").asBoolean()).isTrue();
        assertThat(status.path("outputSchema").path("properties").has("configuration_hash")).isTrue();
        JsonNode getService = tools.get(2);
        assertThat(getService.path("inputSchema").path("required")).isEqualTo(Json.MAPPER.createArrayNode().add("path_service"));
        assertThat(getService.path("inputSchema").path("properties").path("path_service").path("type").asText())
                .isEqualTo("string");
        tools.forEach(t -> assertThat(t.path("annotations").path("readOnlyHint").asBoolean())
                .as("%s is read-only", t.path("name")).isTrue());
    }

    @Test
    void getStatusReturnsTheAdminStatusAsStructuredContent() throws Exception {
        JsonNode adminStatus = Json.MAPPER.readTree(http(HttpRequest.newBuilder(gateway.admin("/status")).GET()).body());

        NodeClients.Run run = node.inspector(endpoint, "--method", "tools/call", "--tool-name", "get_status");
        JsonNode result = run.ok().path("result");
        assertThat(result.path("isError").asBoolean()).as(run.toString()).isFalse();
        JsonNode structured = result.path("structuredContent");
        assertThat(structured.path("configuration_hash").asText())
                .isEqualTo(adminStatus.path("configuration_hash").asText())
                .isEqualTo(gateway.gateway().snapshot().config().hash());
        assertThat(structured.path("version").asText()).isEqualTo(Version.current());
        assertThat(structured.path("counts")).isEqualTo(Json.MAPPER.readTree(
                "{\"services\":1,\"routes\":1,\"plugins\":2,\"consumers\":0,\"tools\":5}"));
        assertThat(structured.path("server").path("mcp_sessions").asInt()).as("the Inspector's own session").isPositive();
        assertThat(Json.MAPPER.readTree(result.path("content").get(0).path("text").asText())).isEqualTo(structured);
    }

    @Test
    void aClientOnAnotherMachineIsRefusedTheToolsThatReadTheGatewaysConfiguration() throws Exception {
        // the proxy listens on every interface by default: the example lets only this machine's clients in
        try (TestGateway proxied = TestGateway.behindTrustedProxy(example)) {
            String initialize = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
                    + "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}";
            HttpResponse<String> fromLan = http(HttpRequest.newBuilder(proxied.proxy("/admin-tools"))
                    .header("content-type", "application/json").header("accept", "application/json, text/event-stream")
                    .header("X-Real-IP", "192.0.2.7").POST(HttpRequest.BodyPublishers.ofString(initialize)));
            HttpResponse<String> local = http(HttpRequest.newBuilder(proxied.proxy("/admin-tools"))
                    .header("content-type", "application/json").header("accept", "application/json, text/event-stream")
                    .header("X-Real-IP", "127.0.0.1").POST(HttpRequest.BodyPublishers.ofString(initialize)));

            assertThat(fromLan.statusCode()).as(fromLan.body()).isEqualTo(403);
            assertThat(local.statusCode()).as(local.body()).isEqualTo(200);
        }
    }

    @Test
    void aBrowserClientsOriginDoesNotReachTheAdminApiThatWouldRefuseIt() {
        // the Inspector's web page, on its own loopback port: the MCP endpoint allows loopback origins,
        // the admin listener only its own
        dev.toolgate.testing.McpHttp browser = new dev.toolgate.testing.McpHttp(endpoint,
                java.util.Map.of("Origin", "http://localhost:6274"));
        browser.initialize("2025-06-18");

        JsonNode result = browser.call("get_status", "{}");

        assertThat(result.path("isError").asBoolean()).as("%s", result).isFalse();
        assertThat(result.path("structuredContent").path("configuration_hash").asText()).isNotEmpty();
    }

    @Test
    void getServiceTakesThePathArgument() throws IOException {
        NodeClients.Run run = node.inspector(endpoint, "--method", "tools/call", "--tool-name", "get_service",
                "--tool-arg", "path_service=toolgate-admin");
        JsonNode result = run.ok().path("result");
        assertThat(result.path("isError").asBoolean()).as(run.toString()).isFalse();
        assertThat(result.has("structuredContent")).isFalse();
        JsonNode service = Json.MAPPER.readTree(result.path("content").get(0).path("text").asText());
        assertThat(service.path("name").asText()).isEqualTo("toolgate-admin");
        assertThat(service.path("protocol").asText()).isEqualTo("http");
        assertThat(service.path("host").asText()).isEqualTo("127.0.0.1");
        assertThat(service.path("port").asInt()).isEqualTo(gateway.gateway().adminPort());
        assertThat(service.path("id").asText()).isNotBlank();
    }

    @Test
    void getServiceForAnUnknownNameIsAToolError() {
        NodeClients.Run run = node.inspector(endpoint, "--method", "tools/call", "--tool-name", "get_service",
                "--tool-arg", "path_service=no-such-service");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(NodeClients.INSPECTOR_TOOL_ERROR);
        JsonNode result = run.json().path("result");
        assertThat(result.path("isError").asBoolean()).isTrue();
        assertThat(result.path("content").get(0).path("text").asText()).startsWith("The API answered HTTP 404");
    }

    private static HttpResponse<String> http(HttpRequest.Builder request) throws IOException, InterruptedException {
        try (HttpClient client = HttpClient.newHttpClient()) {
            return client.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        }
    }
}
