package dev.toolgate.mode;

import org.junit.jupiter.api.Test;

import static dev.toolgate.testing.Configs.load;
import static org.assertj.core.api.Assertions.assertThat;

/** Where each ai-mcp-proxy mode may be attached, checked once the whole document is read. */
class AiMcpProxySchemaTest {

    @Test
    void unknownModeIsReportedWithTheFourModes() {
        var loaded = load("""
                _format_version: "3.0"
                services:
                  - name: shop
                    url: http://api.internal
                    routes:
                      - {name: r, paths: [/shop]}
                      - name: mcp
                        paths: [/mcp]
                        plugins:
                          - {name: ai-mcp-proxy, config: {mode: proxy}}
                """);

        assertThat(loaded.problems()).containsExactly("services[0].routes[1].plugins[0].config.mode: must be one of "
                + "passthrough-listener, conversion-listener, conversion-only, listener");
    }

    @Test
    void conversionListenerOnAServiceIsReported() {
        var loaded = load("""
                _format_version: "3.0"
                services:
                  - name: shop
                    url: http://api.internal
                    plugins:
                      - {name: ai-mcp-proxy, config: {mode: conversion-listener}}
                """);

        assertThat(loaded.problems())
                .containsExactly("services[0].plugins[0].config.mode: mode conversion-listener must be attached to a route");
    }

    @Test
    void conversionOnlyAsAGlobalPluginIsReported() {
        var loaded = load("""
                _format_version: "3.0"
                plugins:
                  - {name: ai-mcp-proxy, tags: [shop-tools], config: {mode: conversion-only}}
                """);

        assertThat(loaded.problems())
                .containsExactly("plugins[0].config.mode: mode conversion-only must be attached to a route");
    }

    @Test
    void listenerOnAServiceIsReported() {
        var loaded = load("""
                _format_version: "3.0"
                services:
                  - name: shop
                    url: http://api.internal
                    plugins:
                      - {name: ai-mcp-proxy, config: {mode: listener, server: {tag: shop-tools}}}
                """);

        assertThat(loaded.problems())
                .containsExactly("services[0].plugins[0].config.mode: mode listener must be attached to a route");
    }

    @Test
    void passthroughListenerAsAGlobalPluginIsReported() {
        var loaded = load("""
                _format_version: "3.0"
                plugins:
                  - {name: ai-mcp-proxy, config: {mode: passthrough-listener}}
                """);

        assertThat(loaded.problems()).containsExactly(
                "plugins[0].config.mode: mode passthrough-listener must be attached to a route or a service");
    }

    @Test
    void passthroughListenerOnAServiceOrARouteIsValid() {
        var loaded = load("""
                _format_version: "3.0"
                services:
                  - name: shop
                    url: http://api.internal
                    plugins:
                      - {name: ai-mcp-proxy, config: {mode: passthrough-listener}}
                    routes:
                      - name: r
                        paths: [/mcp]
                        plugins:
                          - {name: ai-mcp-proxy, config: {mode: passthrough-listener}}
                """);

        assertThat(loaded.problems()).isEmpty();
    }

    @Test
    void conversionModeOnARouteWithoutAServiceIsReported() {
        var loaded = load("""
                _format_version: "3.0"
                routes:
                  - name: r
                    paths: [/shop]
                    plugins:
                      - {name: ai-mcp-proxy, config: {mode: conversion-listener}}
                  - name: s
                    paths: [/store]
                    plugins:
                      - {name: ai-mcp-proxy, tags: [store-tools], config: {mode: conversion-only}}
                """);

        assertThat(loaded.problems()).containsExactly(
                "routes[0].plugins[0].config.mode: mode conversion-listener needs a route with a service "
                        + "(its calls go there)",
                "routes[1].plugins[0].config.mode: mode conversion-only needs a route with a service "
                        + "(its calls go there)");
    }

    @Test
    void aPassthroughToolWithAnAclOrALimitButNoNameIsRefused() {
        var loaded = load("""
                _format_version: "3.0"
                services:
                  - name: shop
                    url: http://api.internal
                    routes:
                      - name: mcp
                        paths: [/mcp]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: passthrough-listener
                              tools:
                                - {description: Deletes an order, acl: {deny: [bob]}}
                                - {description: Searches, limit: {minute: 5}}
                                - {description: Lists orders}
                """);

        assertThat(loaded.problems()).containsExactly(
                "services[0].routes[0].plugins[0].config.tools[0].name: is required in passthrough-listener mode for"
                        + " a tool with an acl or a limit: they apply to the upstream tool of this name, and without"
                        + " one to no tool at all",
                "services[0].routes[0].plugins[0].config.tools[1].name: is required in passthrough-listener mode for"
                        + " a tool with an acl or a limit: they apply to the upstream tool of this name, and without"
                        + " one to no tool at all");
    }

    @Test
    void aPassthroughToolNamedTwiceIsRefusedAtTheSecond() {
        var loaded = load("""
                _format_version: "3.0"
                services:
                  - name: shop
                    url: http://api.internal
                    routes:
                      - name: mcp
                        paths: [/mcp]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: passthrough-listener
                              tools:
                                - {name: delete_order, description: Deletes, acl: {allow: [admins]}}
                                - {name: delete_order, description: Deletes an order}
                """);

        assertThat(loaded.problems()).containsExactly("services[0].routes[0].plugins[0].config.tools[1].name: "
                + "'delete_order' is already named by tools[0]: one entry per upstream tool, or one entry's acl and"
                + " limit would be ignored");
    }

    @Test
    void listenerOnARouteWithoutAServiceIsValid() {
        var loaded = load("""
                _format_version: "3.0"
                routes:
                  - name: listener
                    paths: [/mcp-listener]
                    plugins:
                      - {name: ai-mcp-proxy, config: {mode: listener, server: {tag: shop-tools}}}
                """);

        assertThat(loaded.problems()).isEmpty();
    }

    @Test
    void listenerWithoutAServerTagIsReported() {
        var loaded = load("""
                _format_version: "3.0"
                routes:
                  - name: listener
                    paths: [/mcp-listener]
                    plugins:
                      - {name: ai-mcp-proxy, config: {mode: listener}}
                """);

        assertThat(loaded.problems())
                .containsExactly("routes[0].plugins[0].config.server.tag: is required in listener mode");
    }

    @Test
    void serverTagMustBeExactlyOneTag() {
        var loaded = load("""
                _format_version: "3.0"
                routes:
                  - name: listener
                    paths: [/mcp-listener]
                    plugins:
                      - {name: ai-mcp-proxy, config: {mode: listener, server: {tag: "shop,billing"}}}
                """);

        assertThat(loaded.problems()).containsExactly("routes[0].plugins[0].config.server.tag: must be exactly one tag");
    }

    @Test
    void aiMcpProxyNestedUnderAConsumerIsReported() {
        var loaded = load("""
                _format_version: "3.0"
                consumers:
                  - username: bob
                    plugins:
                      - {name: ai-mcp-proxy, config: {mode: passthrough-listener}}
                """);

        assertThat(loaded.problems())
                .containsExactly("consumers[0].plugins[0]: ai-mcp-proxy cannot be scoped to a consumer or consumer group");
    }

    @Test
    void aiMcpProxyScopedToAConsumerOrGroupByReferenceIsReported() {
        var loaded = load("""
                _format_version: "3.0"
                consumer_groups:
                  - name: gold
                    plugins:
                      - {name: ai-mcp-proxy, config: {mode: passthrough-listener}}
                consumers:
                  - username: bob
                services:
                  - {name: shop, url: http://api.internal}
                plugins:
                  - {name: ai-mcp-proxy, service: shop, consumer: bob, config: {mode: passthrough-listener}}
                """);

        assertThat(loaded.problems()).containsExactly(
                "consumer_groups[0].plugins[0]: ai-mcp-proxy cannot be scoped to a consumer or consumer group",
                "plugins[0]: ai-mcp-proxy cannot be scoped to a consumer or consumer group");
    }

    @Test
    void conversionOnlyWithoutTagsIsValidButWarned() {
        var loaded = load("""
                _format_version: "3.0"
                services:
                  - name: shop
                    url: http://api.internal
                    routes:
                      - name: r
                        paths: [/shop]
                        plugins:
                          - {name: ai-mcp-proxy, config: {mode: conversion-only}}
                """);

        assertThat(loaded.problems()).isEmpty();
        assertThat(loaded.warnings()).containsExactly("services[0].routes[0].plugins[0].tags: a conversion-only plugin "
                + "without tags is bound by no listener");
    }

    @Test
    void scopeAclValuesThatAreNoScopeTokensAreRefusedAtTheirPaths() {
        var loaded = load("""
                _format_version: "3.0"
                services:
                  - name: shop
                    url: http://api.internal
                    routes:
                      - name: mcp
                        paths: [/mcp]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              acl_attribute_type: oauth_access_token
                              access_token_claim_field: .scope
                              default_acl: [{allow: ["mcp:tools", "mcp tools"]}]
                              tools:
                                - {name: a, description: A, method: GET, path: /a, acl: {allow: ["mcp:a", 'mcp"a', "mcp\\\\a", "mcp:é"]}}
                """);

        String at = "services[0].routes[0].plugins[0].config.";
        assertThat(loaded.problems()).containsExactly(
                at + "tools[0].acl.allow[1]: " + refused("mcp\"a", "this plugin"),
                at + "tools[0].acl.allow[2]: " + refused("mcp\\a", "this plugin"),
                at + "tools[0].acl.allow[3]: " + refused("mcp:é", "this plugin"),
                at + "default_acl[0].allow[1]: " + refused("mcp tools", "this plugin"));
    }

    @Test
    void aListenerOnScopesHasTheAclsOfTheToolsItBindsChecked() {
        var loaded = load("""
                _format_version: "3.0"
                services:
                  - name: shop
                    url: http://api.internal
                    routes:
                      - name: tools
                        paths: [/api]
                        plugins:
                          - name: ai-mcp-proxy
                            tags: [shop-tools]
                            config:
                              mode: conversion-only
                              default_acl: [{allow: ["mcp admin"]}]
                              tools: [{name: a, description: A, method: GET, path: /a, acl: {allow: ["Jane Doe"]}}]
                      - name: mcp
                        paths: [/mcp]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: listener
                              server: {tag: shop-tools}
                              acl_attribute_type: oauth_access_token
                              access_token_claim_field: .scp
                """);

        String listener = "the listener at services[0].routes[1].plugins[0]";
        assertThat(loaded.problems()).containsExactly(
                "services[0].routes[0].plugins[0].config.tools[0].acl.allow[0]: " + refused("Jane Doe", listener),
                "services[0].routes[0].plugins[0].config.default_acl[0].allow[0]: " + refused("mcp admin", listener));
    }

    @Test
    void aclsOnConsumersOrOtherClaimsMayNameAnything() {
        var loaded = load("""
                _format_version: "3.0"
                services:
                  - name: shop
                    url: http://api.internal
                    routes:
                      - name: mcp
                        paths: [/mcp]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              acl_attribute_type: oauth_access_token
                              access_token_claim_field: .user.name
                              tools: [{name: a, description: A, method: GET, path: /a, acl: {allow: ["Jane Doe"]}}]
                      - name: other
                        paths: [/other]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              tools: [{name: a, description: A, method: GET, path: /a, acl: {allow: ["Jane Doe"]}}]
                """);

        assertThat(loaded.problems()).isEmpty();
    }

    @Test
    void kongsConversionOnlyExampleWithItsDefaultsWrittenOutLoads() {
        // examples/conversion-only.yaml, and the settings a Kong export writes out for every plugin
        var loaded = load("""
                _format_version: "3.0"
                services:
                  - name: marketplace
                    url: http://api.internal
                    routes:
                      - name: r
                        paths: [/marketplace]
                        plugins:
                          - name: ai-mcp-proxy
                            tags: [marketplace-tools]
                            config:
                              mode: conversion-only
                              tools:
                                - description: Get users
                                  method: GET
                                  path: /marketplace/users
                                  annotations: {title: get-users}
                                  acl: {allow: [admin]}
                              default_acl: [{scope: tools, allow: [admin, developer]}]
                              include_consumer_groups: true
                              max_request_body_size: 1048576
                              logging: {log_statistics: false, log_payloads: false, log_audits: false}
                              server:
                                timeout: 45000
                                forward_client_headers: false
                                session: {managed: true, session_ttl: 86400, redis: {host: 127.0.0.1, port: 6379}}
                """);

        assertThat(loaded.problems()).isEmpty();
    }

    @Test
    void whatOnlyAListenerDoesIsRefusedOnAConversionOnlyPluginAtItsPath() {
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
                            tags: [shop-tools]
                            config:
                              mode: conversion-only
                              tools: [{name: a, description: A, method: GET, path: /shop/a}]
                              acl_denial: unknown_tool
                              server:
                                tag: shop-tools
                                allowed_origins: ["https://app.example.com"]
                                cache_hints: {scope: private}
                                session: {strategy: client, client: {secrets: [a-long-secret]}}
                """);

        String at = "services[0].routes[0].plugins[0].config.";
        String there = ", and a conversion-only plugin serves none: set it on the listener that serves these tools";
        assertThat(loaded.problems()).containsExactly(
                at + "acl_denial: says how an MCP endpoint answers a denied call" + there,
                at + "server.tag: names the tool sets a listener serves; a conversion-only plugin is found by its own "
                        + "entity tags (the plugin's tags, beside config), not by server.tag",
                at + "server.allowed_origins: are the browser origins an MCP endpoint accepts" + there,
                at + "server.cache_hints: are the caching hints of an MCP endpoint's tool lists" + there,
                at + "server.session: is how an MCP endpoint keeps sessions" + there);
    }

    private static String refused(String value, String reader) {
        return "'" + value + "' is not an OAuth scope (RFC 6749 scope-token: printable ASCII without space, '\"' or "
                + "'\\'), but " + reader + " reads these ACLs from the token's scopes (acl_attribute_type: "
                + "oauth_access_token) and names the allowed ones in a refused call's WWW-Authenticate";
    }

    @Test
    void aSessionStrategyWithoutKeptSessionsIsWarnedAboutExceptOnPassthroughWhereItBindsTheUpstreamsSessions() {
        String template = """
                _format_version: "3.0"
                services:
                  - name: shop
                    url: http://api.internal
                    routes:
                      - name: mcp
                        paths: [/mcp]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: MODE
                              server: {session: {managed: false, strategy: client, client: {secrets: [0123456789abcdef0123456789abcdef]}}}
                """;

        assertThat(load(template.replace("MODE", "conversion-listener")).warnings()).containsExactly(
                "services[0].routes[0].plugins[0].config.server.session.strategy: has no effect with managed: false "
                        + "(no sessions are kept)");
        assertThat(load(template.replace("MODE", "passthrough-listener")).warnings()).isEmpty();
    }
}
