package dev.toolgate.mode;

import dev.toolgate.testing.Configs;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code config.server.cache_hints} and {@code upstream_era}: values, defaults, and what is refused. */
class CacheHintsTest {

    private static final String CONFIG_AT = "services[0].routes[0].plugins[0].config";

    private static String document(String server, String extra) {
        return """
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
                              server: %s
                              tools:
                                - {name: orders, description: Orders, method: GET, path: /orders%s}
                """.formatted(server, extra);
    }

    private static AiMcpProxyConfig config(String server) {
        Configs.Loaded loaded = Configs.load(document(server, ""));
        assertThat(loaded.problems()).isEmpty();
        return (AiMcpProxyConfig) loaded.config().plugins().getFirst().config();
    }

    @Test
    void hintsDefaultToAMinuteChosenByWhatTheListDependsOn() {
        CacheHints hints = config("{}").server().cacheHints();

        assertThat(hints.ttlMs()).isEqualTo(60_000);
        assertThat(hints.scopeFor(false, false)).isEqualTo("public");
        assertThat(hints.scopeFor(true, false)).as("filtered per caller").isEqualTo("private");
        assertThat(hints.scopeFor(false, true)).as("only identified callers see it").isEqualTo("private");
        assertThat(config("{}").server().upstreamEra()).isEqualTo("auto");
    }

    @Test
    void aConfiguredScopeAndTtlAreKept() {
        CacheHints hints = config("{cache_hints: {ttl_ms: 0, scope: private}}").server().cacheHints();

        assertThat(hints.ttlMs()).isZero();
        assertThat(hints.scopeFor(false, false)).isEqualTo("private");
    }

    @Test
    void badValuesAndUnknownKeysAreProblemsWithTheirPaths() {
        assertThat(Configs.load(document("{cache_hints: {ttl_ms: -1, scope: shared, ttl: 5}, upstream_era: both}", ""))
                .problems()).containsExactlyInAnyOrder(
                CONFIG_AT + ".server.cache_hints.ttl_ms: must be between 0 and 4611686018427387903",
                CONFIG_AT + ".server.cache_hints.scope: must be one of auto, private, public",
                CONFIG_AT + ".server.cache_hints.ttl: unknown key",
                CONFIG_AT + ".server.upstream_era: must be one of auto, legacy, modern");
    }

    @Test
    void anUpstreamEraOnAModeThatRelaysToNoMcpServerIsRefusedAtItsPath() {
        assertThat(Configs.load(document("{upstream_era: legacy}", "")).problems()).containsExactly(
                CONFIG_AT + ".server.upstream_era: is the MCP era of the server a passthrough-listener relays to; "
                        + "mode conversion-listener relays to none (its tools call REST APIs, and it speaks both eras "
                        + "to clients)");
        assertThat(Configs.load(document("{upstream_era: auto}", "")).problems()).as("the default, written out")
                .isEmpty();
    }

    @Test
    void aPublicScopeOnAListThatToolAclsFilterIsRefused() {
        Configs.Checked checked = Configs.check(document("{cache_hints: {scope: public}}", ", acl: {allow: [admin]}"),
                Path.of("").toAbsolutePath());

        assertThat(checked.problems()).anyMatch(p -> p.startsWith(CONFIG_AT + ".server.cache_hints.scope: route 'r' "
                + "filters its tool list per caller (tool ACLs"));
    }

    @Test
    void aPublicScopeOnAListenerWhoseToolsAnAclPluginGuardsIsRefused() {
        Configs.Checked checked = Configs.check(guardedListener(ACL, "- name: key-auth"), Path.of("").toAbsolutePath());

        assertThat(checked.problems()).contains("routes[0].plugins[1].config.server.cache_hints.scope: route 'listener' "
                + "filters its tool list per caller (tool ACLs, or an acl or ip-restriction on a route that owns its tools): "
                + "a public "
                + "list could be shared across callers by a cache; use auto or private");
    }

    @Test
    void aListenerThatIdentifiesNobodyShowsEveryoneTheSameListAndMayMakeItPublic() {
        Configs.Checked checked = Configs.check(guardedListener(ACL, "- {name: cors}"), Path.of("").toAbsolutePath());

        assertThat(checked.problems()).isEmpty();
    }

    @Test
    void aPublicScopeOnAListenerWhoseToolsAnIpRestrictionGuardsIsRefusedThoughItIdentifiesNobody() {
        Configs.Checked checked = Configs.check(guardedListener("- {name: ip-restriction, config: {deny: [10.0.0.0/8]}}",
                "- {name: cors}"), Path.of("").toAbsolutePath());

        assertThat(checked.problems()).singleElement().asString()
                .startsWith("routes[0].plugins[1].config.server.cache_hints.scope: route 'listener' filters its tool list");
    }

    private static final String ACL = "- {name: acl, config: {allow: [staff]}}";

    /** A listener over a route whose {@code guard} plugin guards its tools, with {@code plugin} first on the listener. */
    private static String guardedListener(String guard, String plugin) {
        return """
                _format_version: "3.0"
                services:
                  - name: shop
                    url: http://api.internal
                    routes:
                      - name: orders-route
                        paths: [/orders]
                        plugins:
                          %s
                          - name: ai-mcp-proxy
                            tags: [shop]
                            config:
                              mode: conversion-only
                              tools: [{name: orders, description: Orders, method: GET, path: /orders}]
                routes:
                  - name: listener
                    paths: [/mcp]
                    plugins:
                      %s
                      - {name: ai-mcp-proxy, config: {mode: listener, server: {tag: shop, cache_hints: {scope: public}}}}
                """.formatted(guard, plugin);
    }
}
