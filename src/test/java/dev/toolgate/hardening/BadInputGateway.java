package dev.toolgate.hardening;

import dev.toolgate.gateway.Limits;
import dev.toolgate.http.ListenerLimits;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RawConnection;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway the bad-input suite attacks, one per test class: a conversion endpoint with a tool for
 * every place an argument becomes bytes ({@code /mcp}), the same without sessions ({@code /open}), a
 * passthrough route ({@code /pt}) and one whose tool ACL refuses {@code drop_tables} to everyone
 * ({@code /guarded}), all on one real local upstream. Short client timeouts (1 s) keep the
 * slow-client cases fast.
 */
final class BadInputGateway implements AutoCloseable {

    static final int BODY_LIMIT = 65_536;
    static final Limits LIMITS = new Limits(new ListenerLimits(500, 2_000, 1_000, 1_000),
            new ListenerLimits(64, 2_000, 1_000, 1_000), 100_000, 10_000, 3_600, 256, 5_000, false, false,
            List.of("admin.example"));
    static final String LIST = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}";

    final RestUpstream upstream;
    final TestGateway gateway;

    BadInputGateway() {
        this(Map.of());
    }

    /** @param environment what vault references read */
    BadInputGateway(Map<String, String> environment) {
        upstream = new RestUpstream()
                .json("GET /items/a1", 200, "{\"id\":\"a1\"}")
                .json("POST /json", 200, "{\"ok\":true}")
                .json("POST /form", 200, "{\"ok\":true}")
                .json("POST /files", 200, "{\"ok\":true}")
                .json("POST /pt", 200, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"tools\":[]}}")
                .json("POST /guarded", 200, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"content\":[]}}");
        String tools = """
                                tools:
                                  - name: get_item
                                    description: Get an item
                                    method: GET
                                    path: /items/{id}
                                    parameters:
                                      - {name: id, in: path, required: true, schema: {type: string}}
                                      - {name: limit, in: query, schema: {type: integer}}
                                      - {name: ratio, in: query, schema: {type: number}}
                                      - {name: ids, in: query, schema: {type: array, items: {type: integer}}}
                                      - {name: tags, in: query, schema: {type: array, items: {type: string}}}
                                      - {name: filter, in: query, style: deepObject, explode: true, schema: {type: object}}
                                      - {name: X-Trace, in: header, schema: {type: string}}
                                      - {name: X-Count, in: header, schema: {type: integer}}
                                      - {name: session, in: cookie, schema: {type: string}}
                                      - {name: code, in: query, schema: {type: string, pattern: '^(x+x+)+y$'}}
                                  - name: delete_item
                                    description: Delete an item (a nullable path value, as OpenAPI's nullable gives)
                                    method: POST
                                    path: /items/{id}/delete
                                    parameters:
                                      - {name: id, in: path, required: true, schema: {type: [string, "null"]}}
                                  - name: get_labelled
                                    description: Items by label and part
                                    method: GET
                                    path: /labels/{tag}/{part}/items
                                    parameters:
                                      - {name: tag, in: path, required: true, style: label, schema: {type: [string, "null"]}}
                                      - {name: part, in: path, required: true, style: matrix, schema: {type: [string, "null"]}}
                                  - name: post_json
                                    description: Post JSON
                                    method: POST
                                    path: /json
                                    request_body:
                                      content:
                                        application/json:
                                          schema: {type: object}
                                  - name: post_form
                                    description: Post a form
                                    method: POST
                                    path: /form
                                    request_body:
                                      content:
                                        application/x-www-form-urlencoded:
                                          schema: {type: object}
                                  - name: post_files
                                    description: Upload files
                                    method: POST
                                    path: /files
                                    request_body:
                                      content:
                                        multipart/form-data:
                                          schema:
                                            type: object
                                            properties:
                                              files: {type: array, items: {type: string, format: binary}}
                                              note: {type: string}
                                """.indent(14).stripTrailing();
        gateway = TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: api
                    url: %s
                    routes:
                      - name: mcp
                        paths: [/mcp]
                        strip_path: true
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              max_request_body_size: %d
                %s
                      - name: open
                        paths: [/open]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              max_request_body_size: %d
                              server: {session: {managed: false}}
                %s
                      - name: roomy
                        paths: [/roomy]
                        strip_path: true
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              max_request_body_size: 1048576
                %s
                      - name: pt
                        paths: [/pt]
                        strip_path: false
                        plugins:
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener, max_request_body_size: %d}
                      - name: guarded
                        paths: [/guarded]
                        strip_path: false
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: passthrough-listener
                              max_request_body_size: %d
                              tools:
                                - {name: drop_tables, description: Drops every table, acl: {deny: [anyone]}}
                """.formatted(upstream.url(), BODY_LIMIT, tools, BODY_LIMIT, tools, tools, BODY_LIMIT, BODY_LIMIT), environment, false,
                Map.of(), LIMITS);
    }

    int port() {
        return gateway.gateway().proxyPort();
    }

    /** A session on {@code /mcp}. */
    McpHttp session() {
        McpHttp mcp = new McpHttp(gateway.proxy("/mcp"));
        mcp.initialize("2025-06-18");
        return mcp;
    }

    /** A well-formed request on a fresh connection is answered: the gateway is still serving. */
    void assertServes() {
        RawConnection.Response response = RawConnection.exchange(port(), "POST", "/open",
                List.of("Host: 127.0.0.1", "Content-Type: application/json", "Accept: " + McpHttp.ACCEPT_BOTH,
                        "Content-Length: " + LIST.length()), LIST.getBytes(StandardCharsets.UTF_8));
        assertThat(response.status()).as("the next good request: %s", response).isEqualTo(200);
        assertThat(response.text()).contains("\"get_item\"");
    }

    @Override
    public void close() {
        gateway.close();
        upstream.close();
    }
}
