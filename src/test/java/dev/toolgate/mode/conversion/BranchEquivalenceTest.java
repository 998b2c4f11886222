package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Schema;
import dev.toolgate.testing.Configs;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.toolgate.mode.conversion.LibraryBranches.described;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Toolgate's {@code anyOf} and {@code oneOf} ({@link AnyOf}, {@link OneOf}) accept, refuse and list exactly what the
 * validator's own did, on the input and output schemas real API documents become, for values made from them
 * ({@link SchemaValues}): from mostly right to mostly wrong, with arrays of more wrong items than are listed.
 */
class BranchEquivalenceTest {

    private static final Path FIXTURES = Path.of("..", "shared", "fixtures", "openapi");
    /** Tools checked per document, spread over it: GitHub has 1,221, each compiled twice here. */
    private static final int TOOLS = 150;
    private static final int VALUES = 12;

    static List<Tool> tools(String document) {
        assumeTrue(Files.isDirectory(FIXTURES), "the fixtures folder ../shared/fixtures/openapi is absent");
        Configs.Checked checked = Configs.check("""
                _format_version: "3.0"
                services:
                  - name: api
                    url: http://127.0.0.1:9/base
                    routes:
                      - name: mcp
                        paths: [/mcp]
                        plugins:
                          - name: ai-mcp-proxy
                            config: {mode: conversion-listener, openapi: {spec: %s}}
                """.formatted(document), FIXTURES.toAbsolutePath(), Map.of());
        return checked.snapshot().toolSets().values().iterator().next().tools();
    }

    private static boolean branches(JsonNode schema) {
        String text = schema.toString();
        return text.contains("\"anyOf\"") || text.contains("\"oneOf\"");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"stripe-api-v3.0.yaml", "github-rest-api-v3.0.json", "discord-api-v10-v3.1.json",
            "box-platform-api-v3.0.json", "twilio-api-v2010-v3.0.json"})
    void everyValueIsAcceptedOrRefusedAndListedAsTheValidatorsOwnKeywordsDid(String document) {
        List<Tool> tools = tools(document).stream()
                .filter(t -> branches(t.definition().get("inputSchema")) || branches(t.definition().path("outputSchema")))
                .toList();
        int[] outcomes = new int[3];
        int stride = Math.max(1, tools.size() / TOOLS);
        for (int i = 0; i < tools.size(); i += stride) {
            Tool tool = tools.get(i);
            compare(tool.name() + " input", tool.definition().get("inputSchema"), tool.inputValidator().get(), i, outcomes);
            if (tool.outputValidator() != null) {
                compare(tool.name() + " output", tool.definition().get("outputSchema"), tool.outputValidator().get(),
                        i, outcomes);
            }
        }
        assertThat(outcomes[0]).as("accepted").isPositive();
        assertThat(outcomes[1]).as("refused").isPositive();
        assertThat(outcomes[2]).as("refused with more than are listed").isPositive();
    }

    private static void compare(String what, JsonNode schemaNode, Schema ours, long seed, int[] outcomes) {
        Schema library = LibraryBranches.compile(schemaNode);
        for (int wrongOneIn : new int[]{1_000, 25, 6}) {
            SchemaValues values = new SchemaValues(schemaNode, seed * 31 + wrongOneIn, wrongOneIn);
            for (int v = 0; v < VALUES; v++) {
                JsonNode value = values.value();
                List<String> expected = described(LibraryBranches.check(library, value).errors());
                assertThat(described(LibraryBranches.check(ours, value).errors())).as("%s: %s", what, value)
                        .isEqualTo(expected);
                outcomes[expected.isEmpty() ? 0 : 1]++;
                outcomes[2] += expected.size() > FirstErrors.LISTED ? 1 : 0;
            }
        }
    }
}
