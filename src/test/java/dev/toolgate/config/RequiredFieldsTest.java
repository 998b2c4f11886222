package dev.toolgate.config;

import org.junit.jupiter.api.Test;

import static dev.toolgate.testing.Configs.load;
import static org.assertj.core.api.Assertions.assertThat;

/** A missing required field is one problem at the path where it belongs. */
class RequiredFieldsTest {

    @Test
    void pluginWithoutANameIsReported() {
        var loaded = load("""
                _format_version: "3.0"
                plugins:
                  - enabled: true
                """);

        assertThat(loaded.problems()).containsExactly("plugins[0].name: is required");
    }

    @Test
    void pluginWithoutANameIsReportedOnceEvenWithAConfigBlock() {
        // 'config' is a plugin key; a missing name must not turn it into an "unknown key"
        var loaded = load("""
                _format_version: "3.0"
                plugins:
                  - config: {mode: passthrough-listener}
                """);

        assertThat(loaded.problems()).containsExactly("plugins[0].name: is required");
    }

    @Test
    void pluginConfigWithoutAModeIsReported() {
        var loaded = load("""
                _format_version: "3.0"
                services:
                  - name: shop
                    url: http://api.internal
                    routes:
                      - name: r
                        paths: [/shop]
                        plugins:
                          - {name: ai-mcp-proxy, config: {}}
                """);

        assertThat(loaded.problems()).containsExactly("services[0].routes[0].plugins[0].config.mode: is required "
                + "(one of passthrough-listener, conversion-listener, conversion-only, listener)");
    }

    @Test
    void pluginWithoutAConfigBlockIsReportedAtTheModeItLacks() {
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
                """);

        assertThat(loaded.problems()).containsExactly("services[0].routes[0].plugins[0].config.mode: is required "
                + "(one of passthrough-listener, conversion-listener, conversion-only, listener)");
    }

    @Test
    void toolWithoutADescriptionIsReported() {
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
                            config:
                              mode: conversion-listener
                              tools:
                                - {method: GET, path: /shop/users}
                """);

        assertThat(loaded.problems())
                .containsExactly("services[0].routes[0].plugins[0].config.tools[0].description: is required");
    }

    @Test
    void parameterWithoutANameOrLocationIsReported() {
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
                            config:
                              mode: conversion-listener
                              tools:
                                - description: Search
                                  parameters:
                                    - {in: query}
                                    - {name: q}
                """);

        String tool = "services[0].routes[0].plugins[0].config.tools[0]";
        assertThat(loaded.problems()).containsExactly(
                tool + ".parameters[0].name: is required",
                tool + ".parameters[1].in: is required (one of query, path, header, cookie)");
    }

    @Test
    void consumerWithoutUsernameOrCustomIdIsReported() {
        var loaded = load("""
                _format_version: "3.0"
                consumers:
                  - tags: [vip]
                """);

        assertThat(loaded.problems()).containsExactly("consumers[0]: needs a username or a custom_id");
    }

    @Test
    void consumerWithOnlyACustomIdIsValid() {
        var loaded = load("""
                _format_version: "3.0"
                consumers:
                  - custom_id: crm-42
                """);

        assertThat(loaded.problems()).isEmpty();
        assertThat(loaded.config().consumers().getFirst().customId()).isEqualTo("crm-42");
    }

    @Test
    void credentialWithoutItsSecretIsReported() {
        var loaded = load("""
                _format_version: "3.0"
                consumers:
                  - username: bob
                    keyauth_credentials:
                      - tags: [ci]
                    basicauth_credentials:
                      - username: bob
                    jwt_secrets:
                      - {key: issuer, algorithm: RS256}
                """);

        assertThat(loaded.problems()).containsExactly(
                "consumers[0].keyauth_credentials[0].key: is required",
                "consumers[0].jwt_secrets[0].rsa_public_key: is required for RS256",
                "consumers[0].basicauth_credentials[0].password: is required");
    }

    @Test
    void serviceWithoutANameIsReported() {
        var loaded = load("""
                _format_version: "3.0"
                services:
                  - url: http://api.internal
                """);

        assertThat(loaded.problems()).containsExactly("services[0].name: is required (or give the service an id)");
    }

    @Test
    void serviceWithAnIdNeedsNoName() {
        var loaded = load("""
                _format_version: "3.0"
                services:
                  - id: 3f2504e0-4f89-11d3-9a0c-0305e82c3301
                    url: http://api.internal
                """);

        assertThat(loaded.problems()).isEmpty();
    }

    @Test
    void serviceWithoutUrlOrHostIsReported() {
        var loaded = load("""
                _format_version: "3.0"
                services:
                  - {name: shop, port: 8080}
                """);

        assertThat(loaded.problems()).containsExactly("services[0].host: is required");
    }

    @Test
    void consumerGroupWithoutANameIsReported() {
        var loaded = load("""
                _format_version: "3.0"
                consumer_groups:
                  - tags: [tier]
                """);

        assertThat(loaded.problems()).containsExactly("consumer_groups[0].name: is required");
    }
}
