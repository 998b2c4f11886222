package dev.toolgate.cli;

import dev.toolgate.testing.GatewayProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code toolgate validate} reads the environment variables {@code run} reads, the same way: a file that
 * {@code run} accepts with a variable set, {@code validate} accepts with it too. Variables cannot be set
 * inside the test's JVM, so the shipped jar runs in a process of its own.
 */
@Timeout(120)
class ValidateEnvironmentIT {

    private static final String SPEC = """
            openapi: 3.0.3
            info: {title: Outside, version: "1"}
            paths:
              /items:
                get:
                  operationId: listItems
                  responses: {"200": {description: ok}}
            """;

    private static final String CONFIG = """
            _format_version: "3.0"
            services:
              - name: api
                url: http://127.0.0.1:9
                routes:
                  - name: r
                    paths: [/r]
                    plugins:
                      - name: ai-mcp-proxy
                        config: {mode: conversion-listener, openapi: {spec: ../outside.yaml}}
            """;

    @TempDir
    Path dir;

    @Test
    void validateAcceptsTheSpellingsOfAnAllowVariableThatRunAccepts() throws Exception {
        Path config = files();
        for (String value : List.of("true", "TRUE", "True")) {
            Result result = validate(config, Map.of("TOOLGATE_ALLOW_SPEC_OUTSIDE_CONFIG_DIR", value));
            assertThat(result.exit()).as("TOOLGATE_ALLOW_SPEC_OUTSIDE_CONFIG_DIR=%s: %s", value, result.output()).isZero();
            assertThat(result.output()).contains("is valid: 1 services, 1 routes, 1 plugins, 1 tools");
        }
    }

    @Test
    void validateRefusesTheSpecOutsideItsFolderWithoutTheVariable() throws Exception {
        Result result = validate(files(), Map.of());

        assertThat(result.exit()).as(result.output()).isEqualTo(ExitCodes.INVALID_CONFIG);
        assertThat(result.output()).contains("outside the configuration's folder");
    }

    @Test
    void anAllowVariableThatIsNoBooleanIsAUsageErrorAsForRun() throws Exception {
        Result result = validate(files(), Map.of("TOOLGATE_ALLOW_SPEC_OUTSIDE_CONFIG_DIR", "yes"));

        assertThat(result.exit()).as(result.output()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.output()).contains("yes");
    }

    private Path files() throws IOException {
        Files.writeString(dir.resolve("outside.yaml"), SPEC);
        Path folder = Files.createDirectories(dir.resolve("conf"));
        return Files.writeString(folder.resolve("kong.yaml"), CONFIG);
    }

    private record Result(int exit, String output) {
    }

    private Result validate(Path config, Map<String, String> variables) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder builder = new ProcessBuilder(java.toString(), "-XX:TieredStopAtLevel=1", "-jar",
                GatewayProcess.jar().toString(), "validate", "--config", config.toString()).redirectErrorStream(true);
        Map<String, String> environment = builder.environment();
        environment.keySet().removeIf(name -> name.startsWith("TOOLGATE_"));
        environment.putAll(new HashMap<>(variables));
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), output);
    }
}
