package dev.toolgate.gateway;

import dev.toolgate.config.InvalidConfigException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How listeners bind tools by tag, checked at load. */
class ListenerBindingTest {

    private static final String TWO_TAGGED_PLUGINS = """
            _format_version: "3.0"
            services:
              - name: a
                url: http://127.0.0.1:1
                routes:
                  - name: a-route
                    paths: [/a]
                    plugins:
                      - name: ai-mcp-proxy
                        tags: [%s]
                        config:
                          mode: conversion-only
                          tools: [{description: Status of a, name: status, method: GET, path: /a/status}]
              - name: b
                url: http://127.0.0.1:2
                routes:
                  - name: b-route
                    paths: [/b]
                    plugins:
                      - name: ai-mcp-proxy
                        tags: [%s]
                        config:
                          mode: conversion-only
                          tools: [{description: Status of b, name: status, method: GET, path: /b/status}]
            routes:
              - name: listener-route
                paths: [/mcp]
                plugins:
                  - name: ai-mcp-proxy
                    config: {mode: listener, server: {tag: shared}}
            """;

    @Test
    void aToolNameThatTwoBoundPluginsDefineIsAProblemNamingBothPlaces() {
        assertThatThrownBy(() -> check(TWO_TAGGED_PLUGINS.formatted("shared", "shared")))
                .isInstanceOf(InvalidConfigException.class)
                .satisfies(e -> assertThat(((InvalidConfigException) e).problems()).extracting(Object::toString)
                        .containsExactly("services[1].routes[0].plugins[0].config.tools[0]: tool name 'status' is "
                                + "already used by services[0].routes[0].plugins[0].config.tools[0]"));
    }

    @Test
    void theSameNameUnderDifferentTagsIsFine() {
        Snapshot snapshot = check(TWO_TAGGED_PLUGINS.formatted("shared", "elsewhere"));
        assertThat(snapshot.toolCount()).isEqualTo(1);
    }

    @Test
    void aListenerWithoutATagIsAProblem() {
        assertThatThrownBy(() -> check(TWO_TAGGED_PLUGINS.formatted("shared", "shared")
                .replace("server: {tag: shared}", "server: {timeout: 100}")))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("routes[0].plugins[0].config.server.tag: is required in listener mode");
    }

    private static Snapshot check(String yaml) {
        return Gateway.check(yaml.getBytes(StandardCharsets.UTF_8), Path.of("."), name -> null);
    }
}
