package dev.toolgate.interop;

import dev.toolgate.testing.NodeClients;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Comparator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The official MCP conformance suite (0.1.16, and the newest 0.2 alpha, both pinned in package.json;
 * the alpha also with each revision's frozen requirement set, {@code --requirements 2025-11-25} and
 * {@code --requirements 2026-07-28}, the latter on the stateless 2026-07-28 wire) against Toolgate's own MCP servers: a conversion-listener, and a listener serving the same tools
 * from a conversion-only plugin. The tools mirror the suite's fixture tools that a REST API can
 * express ({@code test_simple_text}, {@code test_image_content}, {@code test_audio_content},
 * {@code test_embedded_resource}, {@code test_error_handling}), backed by a local REST upstream. Each
 * run uses {@code --expected-failures} with src/test/resources/conformance/conversion-baseline.yml
 * (conversion-&lt;revision&gt;-baseline.yml for a requirement set), which list every other scenario with its reason, so a new failure or a listed scenario that starts
 * passing fails the build.
 */
@Timeout(900)
class ConversionConformanceIT {

    /** A 1x1 red PNG. */
    static final byte[] PNG = Base64.getDecoder().decode(
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4z8DwHwAFAAH/iZk9HQAAAABJRU5ErkJggg==");
    /** A WAV file with a header and no samples. */
    static final byte[] WAV = Base64.getDecoder().decode("UklGRiQAAABXQVZFZm10IBAAAAABAAEAQB8AAIA+AAACABAAZGF0YQAAAAA=");

    static final String TOOLS = """
            - name: test_simple_text
              description: Returns simple text content
              method: GET
              path: simple-text
            - name: test_image_content
              description: Returns image content
              method: GET
              path: image
            - name: test_audio_content
              description: Returns audio content
              method: GET
              path: audio
            - name: test_embedded_resource
              description: Returns an embedded resource
              method: GET
              path: resource
            - name: test_error_handling
              description: Always returns an error
              method: GET
              path: error
            - name: test_header_param
              description: Returns text; mirrors its region argument into the Mcp-Param-Region header (2026-07-28)
              method: GET
              path: simple-text
              parameters:
                - {name: region, in: query, required: true, schema: {type: string, x-mcp-header: Region}}
            """;

    static NodeClients node;
    static RestUpstream upstream;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        node = NodeClients.require();
        upstream = new RestUpstream()
                .on("GET /simple-text", r -> r.response().putHeader("content-type", "text/plain")
                        .end("This is a simple text response for testing."))
                .on("GET /image", r -> r.response().putHeader("content-type", "image/png").end(Buffer.buffer(PNG)))
                .on("GET /audio", r -> r.response().putHeader("content-type", "audio/wav").end(Buffer.buffer(WAV)))
                .on("GET /resource", r -> r.response().putHeader("content-type", "application/pdf")
                        .end(Buffer.buffer("%PDF-1.4 conformance")))
                .on("GET /error", r -> r.response().setStatusCode(500).putHeader("content-type", "text/plain")
                        .end("This tool intentionally returns an error for testing"));
        gateway = TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: fixtures
                    url: %s
                    routes:
                      - name: conversion
                        paths: [/conversion]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              tools:
                %s
                      - name: fixture-tools
                        paths: [/fixture-tools]
                        plugins:
                          - name: ai-mcp-proxy
                            tags: [conformance]
                            config:
                              mode: conversion-only
                              tools:
                %s
                routes:
                  - name: listener
                    paths: [/listener]
                    plugins:
                      - name: ai-mcp-proxy
                        config:
                          mode: listener
                          server: {tag: conformance}
                """.formatted(upstream.url(), TOOLS.indent(18), TOOLS.indent(18)));
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

    static final String BASELINE = "src/test/resources/conformance/conversion-baseline.yml";

    /** The baseline of a run: the active suite's, or a requirement set's own. */
    static String baseline(String requirements) {
        return requirements.isEmpty() ? BASELINE
                : "src/test/resources/conformance/conversion-" + requirements + "-baseline.yml";
    }

    @ParameterizedTest(name = "suite {0} {1} against the {2}")
    @CsvSource({
            "0.1.16, '', conversion-listener, /conversion",
            "0.1.16, '', listener, /listener",
            "0.2.0-alpha.12, '', conversion-listener, /conversion",
            "0.2.0-alpha.12, '', listener, /listener",
            "0.2.0-alpha.12, 2025-11-25, conversion-listener, /conversion",
            "0.2.0-alpha.12, 2025-11-25, listener, /listener",
            "0.2.0-alpha.12, 2026-07-28, conversion-listener, /conversion",
            "0.2.0-alpha.12, 2026-07-28, listener, /listener",
    })
    void everyScenarioPassesOrIsAnExpectedFailureWithItsReason(String version, String requirements, String mode,
                                                                String path) throws IOException {
        Path work = Files.createTempDirectory("conformance-" + mode);
        try {
            String cli = version.startsWith("0.1") ? ConformanceSuite.V0_1 : ConformanceSuite.V0_2;
            URI url = gateway.proxy(path);
            String baseline = baseline(requirements);
            String[] options = requirements.isEmpty() ? new String[0] : new String[] {"--requirements", requirements};
            ConformanceSuite suite = ConformanceSuite.run(node, cli, url, node.root().resolve(baseline),
                    work.resolve("results"), options);
            System.out.println("conformance " + version + " " + requirements + ", " + mode + ": " + suite.summary());

            assertThat(suite.run().exitCode()).as("suite %s %s against the %s (baseline %s)\n%s\n%s", version,
                    requirements, mode, baseline, suite.summary(), suite.run()).isZero();
            assertThat(suite.scenarios()).as("scenarios the fixture tools serve")
                    .containsEntry("tools-list", true)
                    .containsEntry("tools-call-simple-text", true)
                    .containsEntry("tools-call-image", true)
                    .containsEntry("tools-call-audio", true)
                    .containsEntry("tools-call-embedded-resource", true)
                    .containsEntry("tools-call-error", true);
        } finally {
            try (Stream<Path> paths = Files.walk(work)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
