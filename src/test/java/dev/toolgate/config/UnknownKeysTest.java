package dev.toolgate.config;

import org.junit.jupiter.api.Test;

import static dev.toolgate.testing.Configs.load;
import static org.assertj.core.api.Assertions.assertThat;

/** Unknown keys are errors wherever they are, reported at their path with the closest known key. */
class UnknownKeysTest {

    private static final String PLUGIN_AT = "services[0].routes[0].plugins[0]";

    /** A service with one route carrying an ai-mcp-proxy plugin whose config block is {@code config}. */
    private static String withConfig(String config) {
        return """
                _format_version: "3.0"
                services:
                  - name: shop
                    url: http://api.internal
                    routes:
                      - name: r
                        paths: [/shop]
                        methods: [GET]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                %s""".formatted(config.indent(14));
    }

    @Test
    void unknownRootKeyIsReportedWithItsPathAndAHint() {
        var loaded = load("""
                _format_version: "3.0"
                servics: []
                """);

        assertThat(loaded.problems()).containsExactly("servics: unknown key (did you mean 'services'?)");
    }

    @Test
    void unknownServiceKeyIsReportedWithItsPathAndAHint() {
        var loaded = load("""
                _format_version: "3.0"
                services:
                  - name: shop
                    url: http://api.internal
                    read_timout: 5000
                """);

        assertThat(loaded.problems())
                .containsExactly("services[0].read_timout: unknown key (did you mean 'read_timeout'?)");
    }

    @Test
    void unknownRouteKeyIsReportedWithItsPathAndAHint() {
        var loaded = load("""
                _format_version: "3.0"
                services:
                  - name: shop
                    url: http://api.internal
                    routes:
                      - name: r
                        paths: [/shop]
                        strip_paths: false
                """);

        assertThat(loaded.problems())
                .containsExactly("services[0].routes[0].strip_paths: unknown key (did you mean 'strip_path'?)");
    }

    @Test
    void unknownPluginKeyIsReportedWithItsPathAndAHint() {
        var loaded = load("""
                _format_version: "3.0"
                services:
                  - name: shop
                    url: http://api.internal
                    routes:
                      - name: r
                        paths: [/shop]
                        plugins:
                          - name: ai-mcp-proxy
                            instance_nam: first
                            config: {mode: conversion-listener}
                """);

        assertThat(loaded.problems())
                .containsExactly(PLUGIN_AT + ".instance_nam: unknown key (did you mean 'instance_name'?)");
    }

    @Test
    void unknownConfigKeyIsReportedWithItsPathAndAHint() {
        var loaded = load(withConfig("""
                mode: conversion-listener
                tool: []
                """));

        assertThat(loaded.problems())
                .containsExactly(PLUGIN_AT + ".config.tool: unknown key (did you mean 'tools'?)");
    }

    @Test
    void unknownToolKeyIsReportedWithItsPathAndAHint() {
        var loaded = load(withConfig("""
                mode: conversion-listener
                tools:
                  - description: List users
                    methd: GET
                """));

        assertThat(loaded.problems())
                .containsExactly(PLUGIN_AT + ".config.tools[0].methd: unknown key (did you mean 'method'?)");
    }

    @Test
    void unknownNestedKeyIsReportedWithItsFullPathAndAHint() {
        var loaded = load(withConfig("""
                mode: conversion-listener
                server:
                  session:
                    sesion_ttl: 60
                """));

        assertThat(loaded.problems()).containsExactly(
                PLUGIN_AT + ".config.server.session.sesion_ttl: unknown key (did you mean 'session_ttl'?)");
    }

    @Test
    void unknownParameterKeyIsReportedWithItsPathAndAHint() {
        var loaded = load(withConfig("""
                mode: conversion-listener
                tools:
                  - description: Search
                    parameters:
                      - {name: q, in: query, requird: true}
                """));

        assertThat(loaded.problems()).containsExactly(
                PLUGIN_AT + ".config.tools[0].parameters[0].requird: unknown key (did you mean 'required'?)");
    }

    @Test
    void unknownConsumerKeyIsReportedWithItsPathAndAHint() {
        var loaded = load("""
                _format_version: "3.0"
                consumers:
                  - username: bob
                    tag: [vip]
                """);

        assertThat(loaded.problems()).containsExactly("consumers[0].tag: unknown key (did you mean 'tags'?)");
    }

    @Test
    void unknownKeyFarFromEveryKnownKeyHasNoHint() {
        var loaded = load("""
                _format_version: "3.0"
                services:
                  - name: shop
                    url: http://api.internal
                    colour: blue
                """);

        assertThat(loaded.problems()).containsExactly("services[0].colour: unknown key");
    }

    @Test
    void decksDefaultsAreRefusedForTheyWouldGoUnappliedAndItsSelectTagsWarned() {
        var loaded = load("""
                _format_version: "3.0"
                _info:
                  select_tags: [billing]
                  defaults:
                    route: {protocols: [https]}
                services:
                  - name: shop
                    url: http://api.internal
                """);

        assertThat(loaded.problems()).containsExactly(
                "_info.defaults: decK's defaults are not applied by Toolgate: write them into the entities");
        assertThat(loaded.warnings()).anySatisfy(w -> assertThat(w).startsWith("_info.select_tags: "));
    }

    @Test
    void kongKeysToolgateDoesNotUseAreAccepted() {
        var loaded = load("""
                _format_version: "3.0"
                _comment: written by decK
                _info: {select_tags: [shop]}
                services:
                  - name: shop
                    url: http://api.internal
                    tls_verify_depth: 2
                    created_at: 1700000000
                    routes:
                      - name: r
                        paths: [/shop]
                        https_redirect_status_code: 426
                        request_buffering: true
                        response_buffering: true
                """);

        assertThat(loaded.problems()).isEmpty();
    }

    @Test
    void openApiExtensionKeysOnParametersAreAccepted() {
        var loaded = load(withConfig("""
                mode: conversion-listener
                tools:
                  - description: Search
                    parameters:
                      - {name: q, in: query, x-internal-note: kept, example: shoes}
                """));

        assertThat(loaded.problems()).isEmpty();
    }
}
