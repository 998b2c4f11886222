package dev.toolgate.mode.conversion;

import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The upstream path of a tool call follows Kong's proxy rule: relative tool paths hang off the route
 * path, {@code strip_path} removes the matched route prefix, and the service path is put in front.
 */
@Timeout(30)
class UpstreamPathIT {

    static RestUpstream upstream;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        upstream = new RestUpstream();
        String base = "http://127.0.0.1:";
        gateway = TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: prefixed
                    url: %1$s%2$d/api
                    routes:
                      - name: shop
                        paths: [/shop]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              tools:
                                - {name: relative, description: R, method: GET, path: "items/{id}"}
                                - {name: absolute, description: A, method: GET, path: "/shop/items/{id}"}
                                - {name: route_root, description: Root, method: GET}
                      - name: store
                        paths: [/store]
                        strip_path: false
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              tools:
                                - {name: relative, description: R, method: GET, path: "items/{id}"}
                      - name: trailing
                        paths: [/trailing/]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              tools:
                                - {name: relative, description: R, method: GET, path: "items/{id}"}
                  - name: slashed
                    url: %1$s%2$d/api/
                    routes:
                      - name: slashy
                        paths: [/slashy]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              tools:
                                - {name: relative, description: R, method: GET, path: "items/{id}"}
                  - name: bare
                    url: %1$s%2$d
                    routes:
                      - name: plain
                        paths: [/plain]
                        strip_path: false
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              tools:
                                - {name: relative, description: R, method: GET, path: "things/{id}"}
                      - name: stripped
                        paths: [/stripped]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              tools:
                                - {name: relative, description: R, method: GET, path: "things/{id}"}
                """.formatted(base, upstream.port()));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @BeforeEach
    void drain() {
        while (upstream.pending() > 0) {
            upstream.next();
        }
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({
            "/shop,     relative,   /api/items/5",
            "/shop,     absolute,   /api/items/5",
            "/shop,     route_root, /api",
            "/store,    relative,   /api/store/items/5",
            "/trailing/, relative,  /api/items/5",
            "/slashy,   relative,   /api/items/5",
            "/plain,    relative,   /plain/things/5",
            "/stripped, relative,   /things/5"})
    void upstreamPathCombinesServicePathRoutePathAndToolPathAsKongDoes(String route, String tool, String expected) {
        McpHttp mcp = new McpHttp(gateway.proxy(route));
        mcp.initialize("2025-06-18");
        mcp.call(tool, tool.equals("route_root") ? "{}" : "{\"path_id\":\"5\"}");
        RestUpstream.Received received = upstream.next();
        assertThat(received.path()).isEqualTo(expected);
        assertThat(received.header("host")).isEqualTo("127.0.0.1:" + upstream.port());
    }
}
