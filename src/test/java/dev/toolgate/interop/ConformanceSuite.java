package dev.toolgate.interop;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.mcp.Json;
import dev.toolgate.testing.NodeClients;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * One run of the official MCP conformance suite in server mode (a version pinned in package.json),
 * with {@code --expected-failures}: the suite exits non-zero for a failure not in the baseline and for
 * a baseline entry that passes. The checks of every scenario are read back from the results directory.
 *
 * @param run    the suite's process
 * @param checks {@code scenario/check id -> SUCCESS, FAILURE, WARNING, INFO}
 */
record ConformanceSuite(NodeClients.Run run, Map<String, String> checks) {

    /** The suite's CLI in node_modules: 0.1.16, and the newest 0.2 alpha under another name. */
    static final String V0_1 = "node_modules/@modelcontextprotocol/conformance/dist/index.js";
    static final String V0_2 = "node_modules/@modelcontextprotocol/conformance-next/dist/index.js";
    static final Duration RUN_TIMEOUT = Duration.ofSeconds(240);

    /** Runs the suite at {@code cli} against {@code url}; {@code options} go after the standard ones. */
    static ConformanceSuite run(NodeClients node, String cli, URI url, Path baseline, Path output, String... options)
            throws IOException {
        Files.createDirectories(output);
        List<String> arguments = new ArrayList<>(List.of("server", "--url", url.toString(), "--expected-failures",
                baseline.toString(), "--output-dir", output.toString()));
        arguments.addAll(List.of(options));
        NodeClients.Run run = node.script(cli, RUN_TIMEOUT, arguments.toArray(String[]::new));
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
        return new ConformanceSuite(run, checks);
    }

    /** {@code server-tools-list-2026-11-24T00-46-24-892Z} -> {@code tools-list} */
    static String scenario(String directory) {
        String name = directory.startsWith("server-") ? directory.substring("server-".length()) : directory;
        return name.replaceFirst("-\\d{4}-\\d{2}-\\d{2}T[0-9-]+Z?$", "");
    }

    long count(String status) {
        return checks.values().stream().filter(status::equals).count();
    }

    /** scenario -> every check passed */
    Map<String, Boolean> scenarios() {
        Map<String, Boolean> scenarios = new TreeMap<>();
        checks.forEach((check, status) -> scenarios.merge(check.substring(0, check.indexOf('/')),
                status.equals("SUCCESS") || status.equals("INFO"), Boolean::logicalAnd));
        return scenarios;
    }

    long scenariosPassed() {
        return scenarios().values().stream().filter(Boolean::booleanValue).count();
    }

    String summary() {
        return "%d of %d scenarios pass; checks: %d passed, %d failed (%d in all)".formatted(scenariosPassed(),
                scenarios().size(), count("SUCCESS"), count("FAILURE"), checks.size());
    }
}
