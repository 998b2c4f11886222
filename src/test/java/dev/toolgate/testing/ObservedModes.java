package dev.toolgate.testing;

import java.net.URI;

/**
 * The three MCP modes on one real gateway, for the observability tests: a conversion-listener
 * ({@code /widgets-mcp}, tool {@code get_widget}), a listener ({@code /team}) serving a conversion-only
 * tool ({@code list_gadgets}), a passthrough-listener ({@code /java}) in front of the Java SDK's MCP
 * server ({@code echo}, {@code add}), and a conversion-listener behind key-auth with tool ACLs
 * ({@code /guarded}: alice may {@code list_orders}, may not {@code delete_orders}). Every route logs
 * statistics; the caller adds the log plugins (global, Kong's way) and the routes' logging switches.
 */
public final class ObservedModes implements AutoCloseable {

    /** alice's API key (it must never appear in any log). */
    public static final String ALICE_KEY = "alice-secret-key-0042";

    private final RestUpstream rest;
    private final JavaSdkServer mcp;
    private final TestGateway gateway;

    private ObservedModes(RestUpstream rest, JavaSdkServer mcp, TestGateway gateway) {
        this.rest = rest;
        this.mcp = mcp;
        this.gateway = gateway;
    }

    /**
     * @param plugins the global plugins, as YAML list items indented by two spaces (or empty)
     * @param logging the ai-mcp-proxy {@code logging} block of every route, as a YAML flow map
     */
    public static ObservedModes start(String plugins, String logging) {
        RestUpstream rest = new RestUpstream()
                .json("GET /widgets/42", 200, "{\"id\":42,\"name\":\"sprocket\"}")
                .json("GET /widgets/7", 404, "{\"message\":\"no widget 7\"}")
                .json("GET /gadgets", 200, "[{\"id\":\"g1\"}]")
                .json("GET /orders", 200, "[{\"id\":\"o1\"}]");
        JavaSdkServer mcp = JavaSdkServer.start();
        String yaml = """
                _format_version: "3.0"
                consumers:
                  - username: alice
                    keyauth_credentials: [{key: %s}]
                plugins:
                %s
                services:
                  - name: widgets
                    url: %s
                    routes:
                      - name: widgets-mcp
                        paths: [/widgets-mcp]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              logging: %s
                              tools:
                                - name: get_widget
                                  description: Get a widget
                                  method: GET
                                  path: /widgets/{id}
                                  parameters: [{name: id, in: path, required: true, schema: {type: string}}]
                      - name: guarded-mcp
                        paths: [/guarded]
                        plugins:
                          - name: key-auth
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              logging: %s
                              tools:
                                - {name: list_orders, description: List orders, method: GET, path: /orders, acl: {allow: [alice]}}
                                - {name: delete_orders, description: Delete orders, method: DELETE, path: /orders, acl: {deny: [alice]}}
                  - name: gadgets
                    url: %s
                    routes:
                      - name: gadgets-tools
                        paths: [/gadgets-tools]
                        plugins:
                          - name: ai-mcp-proxy
                            tags: [team]
                            config:
                              mode: conversion-only
                              tools:
                                - {name: list_gadgets, description: List gadgets, method: GET, path: /gadgets}
                  - name: mcp-server
                    url: %s
                    routes:
                      - name: java-mcp
                        paths: [/java]
                        plugins:
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener, logging: %s}
                routes:
                  - name: team-mcp
                    paths: [/team]
                    plugins:
                      - name: ai-mcp-proxy
                        config: {mode: listener, server: {tag: team}, logging: %s}
                """.formatted(ALICE_KEY, plugins.isBlank() ? "  []" : plugins, rest.url(), logging, logging, rest.url(),
                mcp.mcp(), logging, logging);
        return new ObservedModes(rest, mcp, TestGateway.start(yaml.replace("plugins:\n  []", "plugins: []")));
    }

    public RestUpstream rest() {
        return rest;
    }

    public JavaSdkServer mcp() {
        return mcp;
    }

    public TestGateway gateway() {
        return gateway;
    }

    /** The conversion-listener's endpoint. */
    public URI conversion() {
        return gateway.proxy("/widgets-mcp");
    }

    /** The listener's endpoint. */
    public URI listener() {
        return gateway.proxy("/team");
    }

    /** The passthrough endpoint. */
    public URI passthrough() {
        return gateway.proxy("/java");
    }

    /** The key-auth and tool-ACL endpoint. */
    public URI guarded() {
        return gateway.proxy("/guarded");
    }

    @Override
    public void close() {
        gateway.close();
        mcp.close();
        rest.close();
    }
}
