package dev.toolgate.observe;

import dev.toolgate.testing.JavaSdkServer;
import dev.toolgate.testing.ObservedModes;
import dev.toolgate.testing.Sdk;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * opentelemetry's {@code propagation} with explicit formats, as in Kong's how-tos: the client's context is
 * read only in the formats {@code extract} names, and the MCP server behind a passthrough route receives the
 * gateway's in every format {@code inject} names, the client's headers named in {@code clear} removed.
 */
@Timeout(120)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TracePropagationIT {

    static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

    static OtlpReceiver collector;
    static ObservedModes modes;

    @BeforeAll
    static void start() {
        collector = new OtlpReceiver();
        modes = ObservedModes.start("""
                  - name: opentelemetry
                    config:
                      traces_endpoint: %s
                      queue: {max_coalescing_delay: 0.1}
                      propagation: {extract: [jaeger, b3], inject: [datadog, w3c], clear: [uber-trace-id]}
                """.formatted(collector.url("/v1/traces")), "{log_statistics: true}");
    }

    @AfterAll
    static void stop() {
        if (modes != null) {
            modes.close();
        }
        if (collector != null) {
            collector.close();
        }
    }

    @Test
    @Order(1) // the first call to the server: its era probe carries the client's headers too
    void aJaegerClientsTraceReachesTheMcpServerInDatadogAndW3cWithItsJaegerHeaderCleared() {
        modes.mcp().clear();
        try (McpSyncClient client = Sdk.connect(modes.passthrough(),
                Map.of("uber-trace-id", TRACE + ":00f067aa0ba902b7:0:1"))) {
            client.callTool(new McpSchema.CallToolRequest("echo", Map.of("message", "jaeger")));
        }
        List<JavaSdkServer.Received> traced = traced();
        assertThat(traced).isNotEmpty().allSatisfy(r -> {
            String traceparent = r.header("traceparent");
            assertThat(traceparent).matches("00-" + TRACE + "-[0-9a-f]{16}-01");
            String span = traceparent.substring(36, 52);
            assertThat(r.header("x-datadog-trace-id"))
                    .isEqualTo(Long.toUnsignedString(Long.parseUnsignedLong(TRACE.substring(16), 16)));
            assertThat(r.header("x-datadog-parent-id")).isEqualTo(Long.toUnsignedString(Long.parseUnsignedLong(span, 16)));
            assertThat(r.header("x-datadog-sampling-priority")).isEqualTo("1");
            assertThat(r.header("x-datadog-tags")).isEqualTo("_dd.p.tid=" + TRACE.substring(0, 16));
        });
        assertThat(modes.mcp().requests()).as("cleared from everything sent upstream").isNotEmpty()
                .allSatisfy(r -> assertThat(r.header("uber-trace-id")).isNull());
    }

    @Test
    void aTraceparentIsNotReadWhenExtractDoesNotNameW3cAndTheGatewaysReplacesIt() {
        modes.mcp().clear();
        try (McpSyncClient client = Sdk.connect(modes.passthrough(),
                Map.of("traceparent", "00-" + TRACE + "-00f067aa0ba902b7-01"))) {
            client.callTool(new McpSchema.CallToolRequest("echo", Map.of("message", "w3c unread")));
        }
        assertThat(traced()).isNotEmpty().allSatisfy(r -> {
            assertThat(r.header("traceparent")).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01").doesNotContain(TRACE);
            assertThat(r.header("x-datadog-trace-id")).isNotNull();
        });
    }

    /**
     * What the MCP server received for the client's messages, which the gateway traced: not the SSE GET,
     * nor the gateway's own era probe ({@code server/discover}), which carry no message of the client's.
     */
    private static List<JavaSdkServer.Received> traced() {
        return modes.mcp().requests().stream().filter(r -> "POST".equals(r.method())
                && !"server/discover".equals(r.header("mcp-method"))).toList();
    }
}
