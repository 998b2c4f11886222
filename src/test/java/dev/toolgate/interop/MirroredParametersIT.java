package dev.toolgate.interop;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.testing.AdminHttp;
import dev.toolgate.testing.GatewayProcess;
import dev.toolgate.testing.NodeClients;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tools that mirror arguments into {@code Mcp-Param-*} headers ({@code x-mcp-header}) as the TypeScript SDK 2.x
 * sees them: pinned to 2026-07-28 it drops a tool whose declarations break the transport's rules, so the gateway
 * refuses such a tool at load and both eras list the same tools.
 */
@Timeout(120)
class MirroredParametersIT {

    static final String CONFIG = """
            _format_version: "3.0"
            services:
              - name: shop
                url: %s
                routes:
                  - name: mcp
                    paths: [/mcp]
                    plugins:
                      - name: ai-mcp-proxy
                        config:
                          mode: conversion-listener
                          tools:
                            - name: items
                              description: Items of a region
                              method: GET
                              path: /items
                              parameters:
                                - {name: region, in: query, required: true, schema: {type: string, x-mcp-header: Region}}
                                - {name: count, in: query, schema: {type: integer, x-mcp-header: Count}}
            %s""";

    static NodeClients node;
    static RestUpstream upstream;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        node = NodeClients.require();
        upstream = new RestUpstream().json("GET /items", 200, "{\"items\":[]}");
        gateway = TestGateway.start(CONFIG.formatted(upstream.url(), ""));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void aToolWhoseDeclarationBreaksTheRulesIsRefusedSoBothErasListTheSameTools() {
        AdminHttp.Response refused = new AdminHttp(gateway).postConfig(CONFIG.formatted(upstream.url(), """
                                - name: priced
                                  description: Items under a price
                                  method: GET
                                  path: /items
                                  parameters:
                                    - {name: price, in: query, schema: {type: number, x-mcp-header: Price}}
                """));

        assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
        assertThat(refused.json().get("problems").toString()).contains("config.tools[1].parameters[0].schema: "
                + "x-mcp-header is allowed only on a property of type string, integer or boolean");
        JsonNode modern = node.typescriptSdkV2(gateway.proxy("/mcp"), "modern", Map.of(), "list").ok();
        JsonNode legacy = node.typescriptSdkV2(gateway.proxy("/mcp"), "legacy", Map.of(), "list").ok();
        assertThat(modern.path("tools").findValuesAsText("name")).containsExactly("items")
                .isEqualTo(legacy.path("tools").findValuesAsText("name"));
    }

    @Test
    void loadingAToolThatMirrorsArgumentsLogsNoWarningFromTheSchemaValidator(@TempDir Path dir) throws Exception {
        // the validator warns of an unknown keyword once per process, so a process of its own
        Path config = Files.writeString(dir.resolve("kong.yaml"), CONFIG.formatted(upstream.url(), ""));
        Process validate = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-jar", GatewayProcess.jar().toString(), "validate", "--config",
                config.toString()).redirectErrorStream(true).start();
        String output = new String(validate.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(validate.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(output).contains("is valid: 1 services, 1 routes, 1 plugins, 1 tools").doesNotContain("WARN");
    }

    @Test
    void anIntegerBeyondWhatAHeaderMayMirrorIsAnInvalidArgumentNotAMissingHeader() {
        // the SDK sends no Mcp-Param-Count for it: the revision limits mirrored integers to ±(2^53−1)
        JsonNode out = node.typescriptSdkV2(gateway.proxy("/mcp"), "modern", Map.of(), "call", "items",
                "{\"query_region\":\"eu\",\"query_count\":9007199254740992}").ok();

        assertThat(out.at("/results/0/isError").asBoolean()).as(out.toString()).isTrue();
        assertThat(out.at("/results/0/content/0/text").asText()).isEqualTo("Invalid arguments for tool items: "
                + "query_count: 9007199254740992 is outside -9007199254740991 to 9007199254740991, the integers the "
                + "Mcp-Param-Count header may carry (2026-07-28 limits mirrored integers to ±(2^53−1))");
        assertThat(upstream.pending()).isZero();
    }

    @Test
    void anIntegerWithinTheSafeRangeIsMirroredAndCalled() {
        JsonNode out = node.typescriptSdkV2(gateway.proxy("/mcp"), "modern", Map.of(), "call", "items",
                "{\"query_region\":\"eu\",\"query_count\":-9007199254740991}").ok();

        assertThat(out.at("/results/0/isError").asBoolean()).as(out.toString()).isFalse();
        assertThat(upstream.next().query()).isEqualTo("region=eu&count=-9007199254740991");
    }
}
