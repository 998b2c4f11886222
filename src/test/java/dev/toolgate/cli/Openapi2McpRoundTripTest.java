package dev.toolgate.cli;

import dev.toolgate.testing.CommandOutput;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.gateway.Gateway;
import dev.toolgate.gateway.Snapshot;
import dev.toolgate.mode.conversion.Tool;
import dev.toolgate.mode.conversion.ToolSet;
import dev.toolgate.testing.RestUpstream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code toolgate openapi2mcp SPEC} prints a Kong file; loading it gives exactly the tools that
 * {@code config.openapi} gives for the same document: same names, order, descriptions, schemas.
 */
class Openapi2McpRoundTripTest {

    private static final Path FIXTURES = Path.of("..", "shared", "fixtures", "openapi");

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"oai-v3.0-petstore.yaml", "oai-v3.0-uspto.yaml", "oai-v2.0-petstore.json",
            "swagger-petstore-v3.0.yaml", "spotify-web-api-v3.0.yaml", "discord-api-v10-v3.1.json",
            "github-rest-api-v3.0.json"})
    void printedToolsLoadAsTheSameToolsAsConfigOpenapi(String file) throws Exception {
        assumeTrue(Files.isDirectory(FIXTURES), "the fixtures folder ../shared/fixtures/openapi is absent");
        Path spec = FIXTURES.resolve(file).toAbsolutePath();
        String printed = CommandOutput.of("openapi2mcp", spec.toString(), "--service", "api", "--route", "api-mcp");
        Path exported = Files.writeString(dir.resolve("exported.yaml"), printed);
        String url = printed.lines().filter(l -> l.trim().startsWith("url: ")).findFirst().orElseThrow()
                .trim().substring("url: ".length());
        Path direct = Files.writeString(dir.resolve("direct.yaml"), """
                _format_version: "3.0"
                services:
                  - name: api
                    url: %s
                    routes:
                      - name: api-mcp
                        paths: [/api-mcp]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              openapi:
                                spec: %s
                """.formatted(url, spec));

        List<ObjectNode> fromExport = definitions(load(exported));
        List<ObjectNode> fromOpenapi = definitions(load(direct));

        assertThat(fromExport).isNotEmpty().hasSameSizeAs(fromOpenapi);
        for (int i = 0; i < fromOpenapi.size(); i++) {
            assertThat(fromExport.get(i)).as("tool %d (%s)", i, fromOpenapi.get(i).get("name")).isEqualTo(fromOpenapi.get(i));
        }
    }

    @Test
    void aRelativeServerIsExportedAgainstTheSpecUrlWithoutTheCredentialsWrittenInIt() {
        try (RestUpstream host = new RestUpstream()) {
            host.on("GET /specs/api.yaml", r -> r.response().putHeader("content-type", "application/yaml").end("""
                    openapi: 3.0.0
                    info: {title: t, version: "1"}
                    servers: [{url: ../v1}]
                    paths:
                      /ping:
                        get: {operationId: ping, responses: {"200": {description: ok}}}
                    """));
            String authority = host.url().substring("http://".length());
            String printed = CommandOutput.of("openapi2mcp", "http://ci:s3cret@" + authority
                    + "/specs/api.yaml?private_token=t0ken#frag", "--service", "api");

            assertThat(printed).contains("url: http://" + authority + "/v1\n")
                    .doesNotContain("s3cret", "t0ken", "ci:", "private_token", "frag");
        }
    }

    private static Snapshot load(Path file) throws Exception {
        // the documents stay in the shared fixtures folder, outside the test's own folder
        return Gateway.check(Files.readAllBytes(file), file.getParent(), name -> null,
                new dev.toolgate.config.ConfigInput(true, false));
    }

    private static List<ObjectNode> definitions(Snapshot snapshot) {
        ToolSet tools = snapshot.toolSets().values().iterator().next();
        return tools.tools().stream().map(Tool::definition).toList();
    }

}
