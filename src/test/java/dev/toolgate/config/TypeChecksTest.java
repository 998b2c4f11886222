package dev.toolgate.config;

import org.junit.jupiter.api.Test;

import static dev.toolgate.testing.Configs.load;
import static org.assertj.core.api.Assertions.assertThat;

/** A value of the wrong JSON type is a problem at its path naming what was expected and what was found. */
class TypeChecksTest {

    @Test
    void numberWhereAStringBelongsIsReported() {
        var loaded = load("""
                _format_version: "3.0"
                services:
                  - {name: shop, host: 5, port: 80}
                """);

        assertThat(loaded.problems()).containsExactly("services[0].host: must be a string, got integer");
    }

    @Test
    void stringWhereAnIntegerBelongsIsReported() {
        var loaded = load("""
                _format_version: "3.0"
                services:
                  - {name: shop, url: http://api.internal, connect_timeout: fast}
                """);

        assertThat(loaded.problems()).containsExactly("services[0].connect_timeout: must be an integer, got string");
    }

    @Test
    void fractionWhereAnIntegerBelongsIsReportedButAWholeDecimalIsAccepted() {
        var loaded = load("""
                _format_version: "3.0"
                services:
                  - {name: shop, url: http://api.internal, connect_timeout: 1.5, read_timeout: 2000.0}
                """);

        assertThat(loaded.problems()).containsExactly("services[0].connect_timeout: must be an integer, got number");
        assertThat(loaded.config().services().getFirst().readTimeout()).isEqualTo(2000);
    }

    @Test
    void integerOutOfRangeIsReportedWithTheRange() {
        var loaded = load("""
                _format_version: "3.0"
                services:
                  - {name: shop, host: api.internal, port: 70000, connect_timeout: 0}
                """);

        assertThat(loaded.problems()).containsExactly(
                "services[0].port: must be between 0 and 65535",
                "services[0].connect_timeout: must be between 1 and 2147483646");
    }

    @Test
    void stringWhereABooleanBelongsIsReported() {
        var loaded = load("""
                _format_version: "3.0"
                services:
                  - name: shop
                    url: http://api.internal
                    enabled: 1
                    routes:
                      - {name: r, paths: [/shop], strip_path: "yes"}
                """);

        assertThat(loaded.problems()).containsExactly(
                "services[0].enabled: must be a boolean, got integer",
                "services[0].routes[0].strip_path: must be a boolean, got string");
    }

    @Test
    void scalarWhereAnArrayOfStringsBelongsIsReported() {
        var loaded = load("""
                _format_version: "3.0"
                services:
                  - name: shop
                    url: http://api.internal
                    routes:
                      - {name: r, paths: /shop, methods: [GET]}
                """);

        assertThat(loaded.problems())
                .containsExactly("services[0].routes[0].paths: must be an array of strings, got string");
    }

    @Test
    void nonStringArrayItemIsReportedAtItsIndex() {
        var loaded = load("""
                _format_version: "3.0"
                services:
                  - {name: shop, url: http://api.internal, tags: [team-a, 7, true]}
                """);

        assertThat(loaded.problems()).containsExactly(
                "services[0].tags[1]: must be a string, got integer",
                "services[0].tags[2]: must be a string, got boolean");
    }

    @Test
    void objectWhereAnArrayOfEntitiesBelongsIsReported() {
        var loaded = load("""
                _format_version: "3.0"
                services: {name: shop, url: http://api.internal}
                """);

        assertThat(loaded.problems()).containsExactly("services: must be an array, got object");
    }

    @Test
    void scalarArrayItemWhereAnEntityBelongsIsReportedAtItsIndex() {
        var loaded = load("""
                _format_version: "3.0"
                services:
                  - shop
                """);

        assertThat(loaded.problems()).containsExactly("services[0]: must be an object, got string");
    }

    @Test
    void scalarWhereAnObjectBelongsIsReported() {
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
                            config: {mode: conversion-listener, server: fast}
                """);

        assertThat(loaded.problems())
                .containsExactly("services[0].routes[0].plugins[0].config.server: must be an object, got string");
    }

    @Test
    void arrayWhereThePluginConfigBelongsIsReportedAndTheConfigReadAsEmpty() {
        var loaded = load("""
                _format_version: "3.0"
                services:
                  - name: shop
                    url: http://api.internal
                    routes:
                      - name: r
                        paths: [/shop]
                        plugins:
                          - {name: ai-mcp-proxy, config: [conversion-listener]}
                """);

        assertThat(loaded.problems()).containsExactly(
                "services[0].routes[0].plugins[0].config: must be an object, got array",
                "services[0].routes[0].plugins[0].config.mode: is required (one of passthrough-listener, "
                        + "conversion-listener, conversion-only, listener)");
    }

    @Test
    void headerValuesMustBeStringsOrArraysOfStrings() {
        var loaded = load("""
                _format_version: "3.0"
                services:
                  - name: shop
                    url: http://api.internal
                    routes:
                      - {name: r, paths: [/shop], headers: {x-tenant: 5, x-region: [eu, 1]}}
                      - {name: s, paths: [/s], headers: [x-tenant]}
                """);

        assertThat(loaded.problems()).containsExactly(
                "services[0].routes[0].headers.x-tenant: must be a string or an array of strings",
                "services[0].routes[0].headers.x-region: must be a string or an array of strings",
                "services[0].routes[1].headers: must be an object of string arrays, got array");
    }

    @Test
    void nullCountsAsAbsentAsInDeckDumps() {
        var loaded = load("""
                _format_version: "3.0"
                services:
                  - name: shop
                    url: http://api.internal
                    tags: null
                    client_certificate: null
                    routes:
                      - {name: r, paths: [/shop], hosts: null, regex_priority: null}
                """);

        assertThat(loaded.problems()).isEmpty();
        assertThat(loaded.config().routes().getFirst().hosts()).isEmpty();
    }
}
