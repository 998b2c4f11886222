package dev.toolgate.observe;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.testing.AdminHttp;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.ModernHttp;
import dev.toolgate.testing.NodeClients;
import dev.toolgate.testing.ObservedModes;
import dev.toolgate.testing.Sdk;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Kong's prometheus plugin, scraped by a real Prometheus while real MCP clients (the TypeScript and
 * Java SDKs) call tools in all three modes: Prometheus's query API finds
 * {@code kong_ai_mcp_latency_ms_count} for each tool with Kong's labels, the ACL counters, Kong's
 * HTTP metrics, and the JVM's.
 */
@Timeout(180)
class PrometheusScrapeIT {

    static ObservedModes modes;
    static PrometheusServer prometheus;

    @BeforeAll
    static void start() throws Exception {
        PrometheusServer.assumeInstalled();
        modes = ObservedModes.start("""
                  - name: prometheus
                    config: {status_code_metrics: true, latency_metrics: true, bandwidth_metrics: true,
                             upstream_health_metrics: true, ai_metrics: true, per_consumer: true}
                """, "{log_statistics: true}");
        prometheus = PrometheusServer.scraping("127.0.0.1:" + modes.gateway().gateway().adminPort());
    }

    @AfterAll
    static void stop() {
        if (prometheus != null) {
            prometheus.close();
        }
        if (modes != null) {
            modes.close();
        }
    }

    @Test
    void prometheusCountsEveryToolCallOfEveryModeWithKongsLabels() throws Exception {
        NodeClients node = NodeClients.require();
        node.typescriptSdk(modes.conversion(), "call", "get_widget", "{\"path_id\":\"42\"}").ok();
        node.typescriptSdk(modes.passthrough(), "call", "echo", "{\"message\":\"hi\"}").ok();
        try (McpSyncClient client = Sdk.connect(modes.listener())) {
            McpSchema.CallToolResult result = client.callTool(new McpSchema.CallToolRequest("list_gadgets", Map.of()));
            assertThat(result.isError()).isFalse();
        }

        Map<String, JsonNode> byTool = new HashMap<>();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            byTool.clear();
            for (JsonNode series : prometheus.query("kong_ai_mcp_latency_ms_count{method=\"tools/call\"}")) {
                byTool.put(series.path("metric").path("tool_name").asText(), series);
            }
            assertThat(byTool).containsKeys("get_widget", "list_gadgets", "echo");
        });
        assertThat(labels(byTool.get("get_widget"))).containsEntry("route", "widgets-mcp")
                .containsEntry("service", "widgets").containsEntry("workspace", "default");
        assertThat(labels(byTool.get("list_gadgets"))).containsEntry("route", "team-mcp");
        assertThat(labels(byTool.get("echo"))).containsEntry("route", "java-mcp").containsEntry("service", "mcp-server");
        byTool.values().forEach(series -> assertThat(series.path("value").get(1).asDouble()).isGreaterThanOrEqualTo(1));
    }

    @Test
    void aclDecisionsErrorsAndKongsHttpMetricsReachPrometheus() throws Exception {
        try (McpSyncClient alice = Sdk.connect(modes.guarded(), Map.of("apikey", ObservedModes.ALICE_KEY))) {
            assertThat(alice.callTool(new McpSchema.CallToolRequest("list_orders", Map.of())).isError()).isFalse();
            try {
                alice.callTool(new McpSchema.CallToolRequest("delete_orders", Map.of()));
            } catch (RuntimeException refused) {
                // Kong answers a denied tool with 403; the SDK throws
            }
        }
        try (McpSyncClient client = Sdk.connect(modes.conversion())) {
            assertThat(client.callTool(new McpSchema.CallToolRequest("get_widget", Map.of("path_id", "7"))).isError())
                    .isTrue();
        }
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            assertThat(prometheus.query("kong_ai_mcp_acl_allowed_total{primitive_name=\"list_orders\"}")).hasSize(1);
            assertThat(prometheus.query("kong_ai_mcp_acl_denied_total{primitive_name=\"delete_orders\",primitive=\"tool\"}"))
                    .hasSize(1);
            assertThat(prometheus.query("kong_ai_mcp_error_total{tool_name=\"get_widget\",type=\"tool_error\"}")).hasSize(1);
            assertThat(prometheus.query("kong_http_requests_total{route=\"guarded-mcp\",code=\"403\",consumer=\"alice\"}"))
                    .hasSize(1);
            assertThat(prometheus.query("kong_http_requests_total{route=\"widgets-mcp\",source=\"service\"}"))
                    .isNotEmpty();
            assertThat(prometheus.query("kong_http_requests_total{source=\"upstream\"}")).isEmpty();
            assertThat(prometheus.query("kong_request_latency_ms_count{route=\"widgets-mcp\"}")).hasSize(1);
            assertThat(prometheus.query("kong_kong_latency_ms_bucket{route=\"widgets-mcp\",le=\"750.0\"}")).hasSize(1);
            assertThat(prometheus.query("kong_upstream_latency_ms_bucket{route=\"widgets-mcp\",le=\"250.0\"}"))
                    .hasSize(1);
            assertThat(prometheus.query("kong_bandwidth_bytes{direction=\"egress\",route=\"widgets-mcp\"}")).hasSize(1);
            assertThat(prometheus.query("kong_upstream_target_health{upstream=\"widgets\",state=\"healthy\"} == 1"))
                    .hasSize(1);
            assertThat(prometheus.query("jvm_memory_used_bytes")).isNotEmpty();
            assertThat(prometheus.query("process_cpu_seconds_total")).isNotEmpty();
        });
    }

    @Test
    void everyQueryOfTheGrafanaDashboardRunsInPrometheusAndTheToolPanelsShowData() throws Exception {
        try (McpSyncClient client = Sdk.connect(modes.conversion())) {
            client.callTool(new McpSchema.CallToolRequest("get_widget", Map.of("path_id", "42")));
        }
        JsonNode dashboard = dev.toolgate.mcp.Json.MAPPER.readTree(java.nio.file.Path.of("deploy/grafana/toolgate-mcp.json")
                .toFile());
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
            for (JsonNode panel : dashboard.path("panels")) {
                for (JsonNode target : panel.path("targets")) {
                    String promql = target.path("expr").asText().replace("$__rate_interval", "1m").replace("$route", ".*");
                    JsonNode result = prometheus.query(promql);
                    if (panel.path("title").asText().startsWith("Tool calls per second")
                            || panel.path("title").asText().startsWith("p99 latency")) {
                        assertThat(result).as(promql).isNotEmpty();
                    }
                }
            }
        });
    }

    @Test
    void methodNamesAClientMakesUpShareOneSeriesAndNeverCrowdOutTheRealOnes() {
        McpHttp mcp = new McpHttp(modes.conversion());
        mcp.initialize("2025-06-18");
        for (int i = 0; i < 150; i++) {
            var answer = mcp.post("{\"jsonrpc\":\"2.0\",\"id\":" + i + ",\"method\":\"made/up/" + i + "\"}");
            assertThat(answer.body()).contains("-32601");
        }
        for (int i = 0; i < 150; i++) {
            var answer = mcp.post("{\"jsonrpc\":\"2.0\",\"id\":" + i + ",\"method\":\"tools/call\",\"params\":"
                    + "{\"name\":\"made_up_" + i + "\",\"arguments\":{}}}");
            assertThat(answer.body()).contains("\"error\"");
        }
        assertThat(mcp.call("get_widget", "{\"path_id\":\"42\"}").path("isError").asBoolean()).isFalse();

        String metrics = new AdminHttp(modes.gateway()).get("/metrics").body();
        Set<String> methods = new HashSet<>();
        Pattern method = Pattern.compile("method=\"([^\"]*)\"");
        for (String line : metrics.split("\n")) {
            if (line.startsWith("kong_ai_mcp_latency_ms_count{") && line.contains("route=\"widgets-mcp\"")) {
                Matcher found = method.matcher(line);
                if (found.find()) {
                    methods.add(found.group(1));
                }
            }
        }
        assertThat(methods).contains("(other)", "tools/call").noneMatch(m -> m.startsWith("made/up/"));
        assertThat(metrics).contains("tool_name=\"get_widget\"").doesNotContain("made_up_");
    }

    @Test
    void toolNamesA2026ClientMakesUpAreCountedAsInvalidParamsAndNeverBecomeLabels() {
        ModernHttp modern = new ModernHttp(modes.listener());
        // a method is a label once answered without error (as any client's first tools/list is)
        assertThat(modern.request("tools/list", "{}").body()).contains("list_gadgets");
        for (int i = 0; i < 3; i++) {
            var answer = modern.request("tools/call", "{\"name\":\"made_up_modern_" + i + "\",\"arguments\":{}}");
            assertThat(answer.body()).contains("-32602");
        }
        assertThat(modern.request("tools/call", "{\"name\":\"list_gadgets\",\"arguments\":[1]}").body())
                .contains("-32602").contains("arguments must be an object");
        assertThat(modern.request("tools/list", "{\"cursor\":\"not-a-cursor\"}").body()).contains("-32602");

        String metrics = new AdminHttp(modes.gateway()).get("/metrics").body();
        Set<String> failed = new HashSet<>();
        Pattern method = Pattern.compile("method=\"([^\"]*)\"");
        for (String line : metrics.split("\n")) {
            if (line.startsWith("kong_ai_mcp_error_total{") && line.contains("route=\"team-mcp\"")
                    && line.contains("type=\"Invalid params\"")) {
                Matcher found = method.matcher(line);
                if (found.find()) {
                    failed.add(found.group(1));
                }
            }
        }
        assertThat(failed).contains("tools/call", "tools/list");
        assertThat(metrics).doesNotContain("made_up_modern_");
    }

    @Test
    void aToolNameMadeUpInABatchThatRepeatsAnIdNeverBecomesALabel() {
        McpHttp mcp = new McpHttp(modes.conversion());
        mcp.initialize("2025-03-26");
        for (int i = 0; i < 3; i++) {
            var answer = mcp.post("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":"
                    + "\"get_widget\",\"arguments\":{\"path_id\":\"42\"}}},{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":"
                    + "\"tools/call\",\"params\":{\"name\":\"made_up_batch_" + i + "\",\"arguments\":{}}}]");
            assertThat(answer.body()).contains("sprocket").contains("-32602");
        }
        assertThat(new AdminHttp(modes.gateway()).get("/metrics").body()).doesNotContain("made_up_batch_");
    }

    private static Map<String, String> labels(JsonNode series) {
        Map<String, String> labels = new HashMap<>();
        series.path("metric").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
        return labels;
    }
}
