package dev.toolgate.testing;

import java.util.Map;

/**
 * The entities of Kong's MCP ACL how-tos and examples, as Kong's documentation writes them, for
 * tests that reproduce them end to end (only the upstream URLs change).
 */
public final class KongHowTos {

    /**
     * The consumers of {@code use-access-controls-for-mcp-tools} and the ACL examples: alice (group
     * {@code admin}), bob ({@code developer}), carol ({@code suspended}) and eason (no group, named
     * in one tool's allow list), each with the API key {@code <name>-key}.
     */
    public static final String MARKETPLACE_CONSUMERS = """
            consumer_groups:
              - name: admin
              - name: developer
              - name: suspended
            consumers:
              - username: alice
                groups: [{name: admin}]
                keyauth_credentials: [{key: alice-key}]
              - username: bob
                groups: [{name: developer}]
                keyauth_credentials: [{key: bob-key}]
              - username: carol
                groups: [{name: suspended}]
                keyauth_credentials: [{key: carol-key}]
              - username: eason
                keyauth_credentials: [{key: eason-key}]
            """;

    private KongHowTos() {
    }

    /** The header a consumer of {@link #MARKETPLACE_CONSUMERS} sends: {@code apikey: <name>-key}. */
    public static Map<String, String> apiKey(String consumer) {
        return Map.of("apikey", consumer + "-key");
    }

    /**
     * Kong's {@code passthrough-listener-acls.yaml} with the how-to's key-auth and consumers, in front
     * of the marketplace MCP server at {@code server} (its {@code /mcp} URL), on the route {@code /mcp}.
     */
    public static String passthroughAcls(String server) {
        return """
                _format_version: "3.0"
                services:
                  - name: mcp-acl-service
                    url: %s
                    routes:
                      - name: mcp-acl-route
                        paths: ["/mcp"]
                plugins:
                  - name: key-auth
                    route: mcp-acl-route
                    config:
                      key_names: [apikey]
                  - name: ai-mcp-proxy
                    route: mcp-acl-route
                    config:
                      mode: passthrough-listener
                      include_consumer_groups: true
                      default_acl:
                        - scope: tools
                          allow: [developer, admin]
                          deny: [suspended]
                      logging:
                        log_payloads: false
                        log_statistics: true
                        log_audits: true
                      tools:
                        - description: List users
                          name: list_users
                          acl: {allow: [admin, eason], deny: [developer]}
                        - description: Get user
                          name: get_user
                          acl: {allow: [admin, developer]}
                        - description: List orders
                          name: list_orders
                          acl: {allow: [admin, developer]}
                        - description: List orders for users
                          name: list_orders_for_user
                          acl: {allow: [admin, developer]}
                        - description: Search orders
                          name: search_orders
                          acl: {allow: [admin], deny: [developer]}
                """.formatted(server) + MARKETPLACE_CONSUMERS;
    }

    /**
     * The {@code ai-mcp-proxy} plugin of Kong's {@code conversion-listener-acl.yaml} on {@code route}
     * (whose path is {@code /marketplace}: the tools' paths are Kong's marketplace API's): a default
     * ACL for developers and admins that denies the suspended, {@code Get users} for admins only and
     * {@code Get orders} for admins and developers. {@code extra} is added to its {@code config}
     * (indented for it), such as the {@code acl_denial} extension.
     */
    public static String conversionListenerAcl(String route, String extra) {
        return """
                  - name: ai-mcp-proxy
                    route: %s
                    config:
                      mode: conversion-listener
                      include_consumer_groups: true
                      default_acl:
                        - scope: tools
                          allow: [developer, admin]
                          deny: [suspended]
                      tools:
                        - description: Get users
                          method: GET
                          path: "/marketplace/users"
                          annotations:
                            title: Get users
                          parameters:
                            - {name: id, in: query, required: false, schema: {type: string}, description: Optional user ID}
                          acl:
                            allow: [admin]
                        - description: Get orders for a user
                          method: GET
                          path: "/marketplace/{userId}/orders"
                          annotations:
                            title: Get orders
                          parameters:
                            - {name: userId, in: path, required: true, schema: {type: string}, description: User ID}
                          acl:
                            allow: [admin, developer]
                %s""".formatted(route, extra.indent(6));
    }
}
