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

    @Test
    void aToolOfAPreserveHostRouteWithOnlyWildcardHostsAndNoHostOfItsOwnIsAProblemOnceWhenListenersServeIt() {
        String file = """
                _format_version: "3.0"
                services:
                  - name: users-api
                    url: http://127.0.0.1:9/base
                    routes:
                      - name: users-route
                        paths: [/users-api]
                        hosts: ["*.example.com"]
                        preserve_host: true
                        plugins:
                          - name: ai-mcp-proxy
                            tags: [mcp-tools]
                            config:
                              mode: conversion-only
                              tools:
                                - {name: u, description: u, method: GET, path: u}
                                - {name: fixed, description: u, method: GET, path: u, host: api.example.com}
                routes:
                  - name: listener-route
                    paths: [/mcp-listener]
                    plugins:
                      - {name: ai-mcp-proxy, config: {mode: listener, server: {tag: mcp-tools}}}
                  - name: other-listener
                    paths: [/mcp-other]
                    plugins:
                      - {name: ai-mcp-proxy, config: {mode: listener, server: {tag: mcp-tools}}}
                """;

        assertThatThrownBy(() -> check(file))
                .isInstanceOf(InvalidConfigException.class)
                .satisfies(e -> assertThat(((InvalidConfigException) e).problems()).extracting(Object::toString)
                        .containsExactly("services[0].routes[0].plugins[0].config.tools[0].host: is required: the "
                                + "tool's route sets preserve_host and its hosts [*.example.com] are all wildcards, so "
                                + "a listener serving the tool (on route 'listener-route') has no Host to send for it "
                                + "(Kong requires tools[].host on a wildcard route)"));
        // served on its own route, the client reached that route: its Host stands, as before
        assertThat(check(file.replace("mode: conversion-only", "mode: conversion-listener")
                .replace("tags: [mcp-tools]", "tags: [elsewhere]")).toolCount()).isEqualTo(2);
    }

    private static Snapshot check(String yaml) {
        return Gateway.check(yaml.getBytes(StandardCharsets.UTF_8), Path.of("."), name -> null);
    }
}
