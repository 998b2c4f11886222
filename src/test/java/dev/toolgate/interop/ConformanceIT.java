package dev.toolgate.interop;

import dev.toolgate.testing.EverythingServer;
import dev.toolgate.testing.NodeClients;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
@Timeout(900)
class ConformanceIT {

    static final String CLI = ConformanceSuite.V0_1;
    static final String BASELINE = "src/test/resources/conformance/server-everything-baseline.yml";
    static final String DNS_REBINDING = "dns-rebinding-protection";

    static NodeClients node;
    static EverythingServer everything;
    static EverythingServer modern;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        node = NodeClients.require();
        everything = EverythingServer.start();
        modern = EverythingServer.modernFixture(false);
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
                  - name: modern
                    url: %s
                    routes:
                      - name: modern
                        paths: [/modern/mcp]
                        plugins:
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener}
                """.formatted(everything.url(), modern.mcp()));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (everything != null) {
            everything.close();
        }
        if (modern != null) {
            modern.close();
        }
    }

    /**
     * The 0.2.0 alpha's frozen requirement sets through passthrough routes: to server-everything (legacy
     * only: 2025-11-25 goes through byte for byte, 2026-07-28 is bridged) and to the TypeScript SDK 2.x
     * fixture (both eras: both go through byte for byte), each against its own baseline of expected
     * failures and reasons (src/test/resources/conformance/passthrough-&lt;server&gt;-&lt;revision&gt;-baseline.yml).
     */
    @ParameterizedTest(name = "requirements {0} through a passthrough route to the {1}")
    @CsvSource({
            "2025-11-25, everything, /mcp",
            "2026-07-28, everything, /mcp",
            "2025-11-25, modern, /modern/mcp",
            "2026-07-28, modern, /modern/mcp",
    })
    void eachRequirementSetPassesOrFailsAsItsBaselineSays(String revision, String server, String path) throws IOException {
        Path work = Files.createTempDirectory("conformance-" + server);
        try {
            String baseline = "src/test/resources/conformance/passthrough-" + server + "-" + revision + "-baseline.yml";
            ConformanceSuite suite = ConformanceSuite.run(node, ConformanceSuite.V0_2, gateway.proxy(path),
                    node.root().resolve(baseline), work.resolve("results"), "--requirements", revision);
            System.out.println("conformance 0.2.0-alpha.12 " + revision + " through passthrough to " + server + ": "
                    + suite.summary());

            assertThat(suite.run().exitCode()).as("requirements %s to %s (baseline %s)\n%s\n%s", revision, server,
                    baseline, suite.summary(), suite.run()).isZero();
            assertThat(suite.scenarios()).as("what every server here passes, across the gateway")
                    .containsEntry("tools-list", true)
                    .containsEntry("tools-call-simple-text", true)
                    .containsEntry(DNS_REBINDING, true);
        } finally {
            try (Stream<Path> paths = Files.walk(work)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
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

            ConformanceSuite direct = run(everything.mcp(), directBaseline, work.resolve("direct"));
            ConformanceSuite proxied = run(gateway.proxy("/mcp"), baseline, work.resolve("gateway"));
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

    private static ConformanceSuite run(URI url, Path baseline, Path output) throws IOException {
        return ConformanceSuite.run(node, CLI, url, baseline, output);
    }

    private static Map<String, String> differences(ConformanceSuite direct, ConformanceSuite proxied) {
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
