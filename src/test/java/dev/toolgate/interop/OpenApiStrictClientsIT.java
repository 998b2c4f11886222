package dev.toolgate.interop;

import dev.toolgate.config.Route;
import dev.toolgate.mode.conversion.ToolSet;
import dev.toolgate.testing.NodeClients;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Tools generated from every real API description in ../shared/fixtures/openapi, one endpoint per
 * document on one gateway, listed and called by strict clients (see {@link StrictClients}): the
 * TypeScript SDK v1 and v2 must list every tool the gateway loaded (GitHub's 1,221 included) and
 * accept the results of sample calls against a local REST upstream; Inspector's CLI must list them all
 * with {@code --strict} (and accept a call). The Java SDK tests (lenient) stay where they are.
 */
@Timeout(600)
class OpenApiStrictClientsIT {

    static final Path FIXTURES = Path.of("..", "shared", "fixtures", "openapi");
    /** Broken on purpose (an unquoted {@code #} in a {@code $ref}); RealDocumentsTest checks its message. */
    static final Set<String> UNLOADABLE = Set.of("swagger-petstore-v3.1.yaml");
    /** Tools the SDKs call per document. */
    static final int SAMPLES = 4;
    /** The document whose first sample Inspector calls too (once is enough: its client is the v2 SDK's). */
    static final String INSPECTOR_CALLS = "github-rest-api-v3.0.json";

    static NodeClients node;
    static RestUpstream upstream;
    static TestGateway gateway;
    static StrictClients clients;
    static long startedAt;

    static List<String> documents() {
        if (!Files.isDirectory(FIXTURES)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(FIXTURES)) {
            return files.map(f -> f.getFileName().toString())
                    .filter(f -> f.endsWith(".json") || f.endsWith(".yaml"))
                    .filter(f -> !UNLOADABLE.contains(f)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code github-rest-api-v3.0.json} -> {@code github-rest-api-v3-0} */
    static String slug(String document) {
        return document.replaceFirst("\\.(json|yaml)$", "").replaceAll("[^A-Za-z0-9-]", "-").toLowerCase(Locale.ROOT);
    }

    @BeforeAll
    static void start() throws IOException {
        assumeTrue(Files.isDirectory(FIXTURES), "the fixtures folder ../shared/fixtures/openapi is absent");
        node = NodeClients.require();
        startedAt = System.nanoTime();
        upstream = new RestUpstream();
        StringBuilder yaml = new StringBuilder("_format_version: \"3.0\"\nservices:\n");
        // beside the configuration, as the gateway wants them (no --allow-spec-outside-config-dir)
        Map<String, String> specs = new HashMap<>();
        for (String document : documents()) {
            specs.put("specs/" + document, Files.readString(FIXTURES.resolve(document), StandardCharsets.UTF_8));
            yaml.append("""
                      - name: %1$s
                        url: %2$s/%1$s
                        routes:
                          - name: %1$s
                            paths: [/%1$s]
                            plugins:
                              - name: ai-mcp-proxy
                                config:
                                  mode: conversion-listener
                                  openapi: {spec: "specs/%3$s"}
                    """.formatted(slug(document), upstream.url(), document));
        }
        gateway = TestGateway.start(yaml.toString(), Map.of(), false, specs);
        clients = new StrictClients(node, upstream);
        for (String document : documents()) {
            clients.add(document, gateway.proxy("/" + slug(document)), toolsOf(document), SAMPLES,
                    document.equals(INSPECTOR_CALLS));
        }
        clients.start();
    }

    static ToolSet toolsOf(String document) {
        Route route = gateway.gateway().snapshot().config().routes().stream()
                .filter(r -> r.label().equals(slug(document))).findFirst().orElseThrow();
        return gateway.gateway().snapshot().toolSets().get(route.id());
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
            upstream.close();
            System.out.printf("OpenApiStrictClientsIT: %d documents in %d s%n", documents().size(),
                    (System.nanoTime() - startedAt) / 1_000_000_000L);
        }
    }

    @Test
    void everyDocumentButTheBrokenOneIsServed() {
        assertThat(gateway.gateway().snapshot().toolSets()).hasSize(documents().size());
        assertThat(documents()).hasSizeGreaterThanOrEqualTo(18);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("documents")
    void strictClientsListEveryGeneratedToolAndAcceptSampleResults(String document) {
        System.out.println(clients.check(document));
    }
}
