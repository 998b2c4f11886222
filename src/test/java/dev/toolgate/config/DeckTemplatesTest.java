package dev.toolgate.config;

import dev.toolgate.mode.AiMcpProxyConfig;
import dev.toolgate.testing.Configs;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.toolgate.testing.Configs.load;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** decK's {@code ${{ env "DECK_NAME" }}} templates, resolved from the environment at load as decK does. */
class DeckTemplatesTest {

    static final String TOOL = """
            _format_version: "3.0"
            services:
              - name: weather
                url: https://api.weatherapi.com/v1
                routes:
                  - name: weather
                    paths: [/weather]
                    plugins:
                      - name: ai-mcp-proxy
                        config:
                          mode: conversion-listener
                          tools:
                            - description: Current weather
                              method: GET
                              path: current.json
                              query:
                                key:
                                  - %s
            """;

    private static AiMcpProxyConfig proxy(Configs.Loaded loaded) {
        return (AiMcpProxyConfig) loaded.config().plugins().getFirst().config();
    }

    private static Configs.Loaded withKey(String value, Map<String, String> environment) {
        return load(TOOL.formatted(value), environment);
    }

    @Test
    void templateIsReplacedByTheVariableAndRememberedAsASecret() {
        var loaded = withKey("${{ env \"DECK_WEATHERAPI_KEY\" }}", Map.of("DECK_WEATHERAPI_KEY", "wk-0123456789"));

        assertThat(loaded.problems()).isEmpty();
        assertThat(proxy(loaded).tools().getFirst().query()).containsEntry("key", List.of("wk-0123456789"));
        assertThat(loaded.config().referenceBySecret()).containsEntry("wk-0123456789", "${{ env \"DECK_WEATHERAPI_KEY\" }}");
    }

    @Test
    void templatesInsideOtherTextAreReplacedEachInPlace() {
        var loaded = withKey("Bearer ${{env `DECK_A`}}.${{ env \"DECK_B\" }}", Map.of("DECK_A", "aaaa", "DECK_B", "bbbb"));

        assertThat(loaded.problems()).isEmpty();
        assertThat(proxy(loaded).tools().getFirst().query().get("key")).containsExactly("Bearer aaaa.bbbb");
        assertThat(loaded.config().referenceBySecret())
                .containsEntry("Bearer aaaa.bbbb", "Bearer ${{env `DECK_A`}}.${{ env \"DECK_B\" }}");
    }

    @Test
    void missingVariableIsAProblemNamingItAtItsPath() {
        var loaded = withKey("${{ env \"DECK_WEATHERAPI_KEY\" }}", Map.of());

        assertThat(loaded.problems()).containsExactly("services[0].routes[0].plugins[0].config.tools[0].query.key[0]: "
                + "environment variable DECK_WEATHERAPI_KEY (from a decK template) is not set");
    }

    @Test
    void variableWithoutTheDeckPrefixIsRefusedAsDeckRefusesIt() {
        var loaded = withKey("${{ env \"HOME\" }}", Map.of("HOME", "/root"));

        assertThat(loaded.problems()).containsExactly("services[0].routes[0].plugins[0].config.tools[0].query.key[0]: "
                + "decK template names environment variable 'HOME': it must start with DECK_, as decK requires");
    }

    @Test
    void functionsOtherThanEnvAreAClearProblemWithTheirPath() {
        for (String template : new String[] {"${{ toInt \"3\" }}", "${{ env \"DECK_X\" | toInt }}", "${{ .Values.key }}"}) {
            var loaded = withKey(template, Map.of("DECK_X", "3"));

            assertThat(loaded.problems()).as(template).singleElement().asString()
                    .startsWith("services[0].routes[0].plugins[0].config.tools[0].query.key[0]: decK template ")
                    .endsWith(" is not supported: Toolgate resolves ${{ env \"DECK_NAME\" }} only (decK's env function)");
        }
    }

    @Test
    void anUnsupportedTemplateOfAMegabyteIsQuotedShortInItsProblem() {
        var loaded = withKey("${{ " + "xxx ".repeat(250_000) + "}}", Map.of());

        assertThat(loaded.problems()).singleElement().asString().hasSizeLessThan(400)
                .contains("decK template ${{ xxx").contains("...}} is not supported");
    }

    @Test
    void templateWithoutItsClosingBracesIsAProblem() {
        var loaded = withKey("${{ env \"DECK_X\"", Map.of("DECK_X", "3"));

        assertThat(loaded.problems()).containsExactly("services[0].routes[0].plugins[0].config.tools[0].query.key[0]: "
                + "has a decK template without its closing }}");
    }

    @Test
    void aTwoMegabyteValueOfUnclosedTemplatesIsReportedWithinSeconds() {
        String value = "${{ ".repeat(512 * 1024);

        var loaded = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> withKey("\"" + value + "\"", Map.of()));

        assertThat(loaded.problems()).containsExactly("services[0].routes[0].plugins[0].config.tools[0].query.key[0]: "
                + "has a decK template without its closing }}");
    }

    @Test
    void aMessageThatQuotesATemplatedValueShowsTheTemplateInstead() {
        var checked = Configs.check("""
                _format_version: "3.0"
                services:
                  - name: weather
                    url: https://api.weatherapi.com/v1
                    routes:
                      - name: weather
                        paths: [/weather]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              tools:
                                - name: current ${{ env "DECK_SUFFIX" }}
                                  description: Current weather
                                  method: GET
                                  path: current.json
                """, Path.of("").toAbsolutePath(), Map.of("DECK_SUFFIX", "s3cret-suffix"));

        assertThat(checked.problems()).isEmpty();
        assertThat(checked.warnings()).singleElement().asString()
                .doesNotContain("s3cret-suffix")
                .contains("'current ${{ env \"DECK_SUFFIX\" }}' is not a valid MCP tool name");
    }

    @Test
    void aTemplateInAKeyIsAProblem() {
        var loaded = load("""
                _format_version: "3.0"
                consumers:
                  - username: bob
                    ${{ env "DECK_FIELD" }}: x
                """, Map.of("DECK_FIELD", "custom_id"));

        assertThat(loaded.problems()).contains("consumers[0].${{ env \"DECK_FIELD\" }}: decK templates are resolved in "
                + "values only, not in keys");
    }
}
