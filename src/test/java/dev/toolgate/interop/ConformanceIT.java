package dev.toolgate.interop;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.mcp.Json;
import dev.toolgate.testing.EverythingServer;
import dev.toolgate.testing.NodeClients;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The official MCP conformance suite (server mode, pinned in package.json) against the MCP reference
 * server, directly and through a passthrough-listener route. Each run uses {@code --expected-failures}
 * (src/test/resources/conformance/server-everything-baseline.yml), so new failures and stale entries
 * fail the build; and check by check, everything that passes directly passes through the gateway,
 * plus dns-rebinding-protection, which the gateway adds.
 */
@Timeout(600)
class ConformanceIT {

    static final String CLI = "node_modules/@modelcontextprotocol/conformance/dist/index.js";
    static final String BASELINE = "src/test/resources/conformance/server-everything-baseline.yml";
    static final String DNS_REBINDING = "dns-rebinding-protection";
    static final Duration RUN_TIMEOUT = Duration.ofSeconds(240);

    static NodeClients node;
    static EverythingServer everything;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        node = NodeClients.require();
        everything = EverythingServer.start();
        gateway = TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: everything
                    url: %s
                    routes:
                      - name: everything
                        paths: [/mcp]
                        strip_path: false
                        plugins:
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener}
                """.formatted(everything.url()));
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
    void everyCheckThatPassesDirectlyPassesThroughTheGatewayAndDnsRebindingProtectionIsAdded() throws IOException {
        Path work = Files.createTempDirectory("conformance");
        try {
            Path baseline = node.root().resolve(BASELINE);
            Path directBaseline = work.resolve("direct-baseline.yml");
            Files.writeString(directBaseline, Files.readString(baseline, StandardCharsets.UTF_8)
                    + "  # server-everything has no DNS-rebinding protection of its own\n  - " + DNS_REBINDING + "\n",
                    StandardCharsets.UTF_8);

            Suite direct = run(everything.mcp(), directBaseline, work.resolve("direct"));
            Suite proxied = run(gateway.proxy("/mcp"), baseline, work.resolve("gateway"));
            String summary = "conformance, direct: " + direct.summary() + "\nconformance, through the gateway: "
                    + proxied.summary() + "\nchecks that differ: " + differences(direct, proxied);
            System.out.println(summary);

            assertThat(direct.run().exitCode()).as("direct run against the baseline plus %s\n%s\n%s", DNS_REBINDING,
                    summary, direct.run()).isZero();
            assertThat(proxied.run().exitCode()).as("gateway run against the baseline\n%s\n%s", summary, proxied.run())
                    .isZero();
            assertThat(direct.checks()).as("checks found in the direct run's results").isNotEmpty();
            direct.checks().forEach((check, status) -> {
                if (status.equals("SUCCESS")) {
                    assertThat(proxied.checks().get(check)).as("%s passes directly; through the gateway:\n%s", check, summary)
                            .isEqualTo("SUCCESS");
                }
            });
            assertThat(proxied.checks()).as(summary).containsEntry(DNS_REBINDING + "/localhost-host-rebinding-rejected", "SUCCESS")
                    .containsEntry(DNS_REBINDING + "/localhost-host-valid-accepted", "SUCCESS");
            assertThat(direct.checks()).containsEntry(DNS_REBINDING + "/localhost-host-rebinding-rejected", "FAILURE");
        } finally {
            try (Stream<Path> paths = Files.walk(work)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /**
     * One suite run and its checks ({@code scenario/check id -> SUCCESS, FAILURE, ...}) read from the
     * results directory.
     */
    record Suite(NodeClients.Run run, Map<String, String> checks) {
        long count(String status) {
            return checks.values().stream().filter(status::equals).count();
        }

        long scenariosPassed() {
            return scenarios().values().stream().filter(Boolean::booleanValue).count();
        }

        /** scenario -> every check passed */
        Map<String, Boolean> scenarios() {
            Map<String, Boolean> scenarios = new TreeMap<>();
            checks.forEach((check, status) -> scenarios.merge(check.substring(0, check.indexOf('/')),
                    status.equals("SUCCESS") || status.equals("INFO"), Boolean::logicalAnd));
            return scenarios;
        }

        String summary() {
            return "%d of %d scenarios pass; checks: %d passed, %d failed (%d in all)".formatted(scenariosPassed(),
                    scenarios().size(), count("SUCCESS"), count("FAILURE"), checks.size());
        }
    }

    private static Suite run(URI url, Path baseline, Path output) throws IOException {
        Files.createDirectories(output);
        NodeClients.Run run = node.script(CLI, RUN_TIMEOUT, "server", "--url", url.toString(),
                "--expected-failures", baseline.toString(), "--output-dir", output.toString());
        Map<String, String> checks = new TreeMap<>();
        try (Stream<Path> files = Files.walk(output)) {
            for (Path file : files.filter(p -> p.getFileName().toString().equals("checks.json")).toList()) {
                String scenario = scenario(file.getParent().getFileName().toString());
                for (JsonNode check : Json.MAPPER.readTree(file.toFile())) {
                    checks.put(scenario + "/" + check.path("id").asText(), check.path("status").asText());
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return new Suite(run, checks);
    }

    /** {@code server-tools-list-2026-11-24T00-46-24-892Z} -> {@code tools-list} */
    private static String scenario(String directory) {
        String name = directory.startsWith("server-") ? directory.substring("server-".length()) : directory;
        return name.replaceFirst("-\\d{4}-\\d{2}-\\d{2}T[0-9-]+Z?$", "");
    }

    private static Map<String, String> differences(Suite direct, Suite proxied) {
        Map<String, String> differ = new TreeMap<>();
        TreeMap<String, String> all = new TreeMap<>(direct.checks());
        proxied.checks().forEach(all::putIfAbsent);
        all.keySet().forEach(check -> {
            String a = direct.checks().getOrDefault(check, "absent");
            String b = proxied.checks().getOrDefault(check, "absent");
            if (!a.equals(b)) {
                differ.put(check, "direct " + a + ", gateway " + b);
            }
        });
        return differ;
    }
}
