package dev.toolgate.mode;

import dev.toolgate.config.DeclarativeConfig;
import dev.toolgate.pipeline.Principal;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.toolgate.testing.Configs.load;
import static org.assertj.core.api.Assertions.assertThat;

class RouteRuntimeTest {

    /** Route {@code mcp} to a passthrough upstream, with {@code plugins} more (YAML items) and {@code rest}. */
    static String document(String url, String plugins, String rest) {
        return """
                _format_version: "3.0"
                services:
                  - name: api
                    url: %s
                    routes:
                      - name: mcp
                        paths: [/mcp]
                        plugins:
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener}
                %s%s""".formatted(url, plugins, rest);
    }

    static final String KEY_AUTH = "          - name: key-auth\n";
    static final String ALICE = "consumers:\n  - {username: alice, keyauth_credentials: [{key: alice-key}]}\n";

    static RouteRuntime runtime(String document) {
        DeclarativeConfig config = load(document).config();
        return RouteRuntime.of(config).apply(config.route(config.routes().getFirst().id()).orElseThrow());
    }

    @Test
    void theSameDocumentReadTwiceGivesTheSameRuntime() {
        String document = document("http://up:8080/mcp", KEY_AUTH, ALICE);
        assertThat(runtime(document)).isEqualTo(runtime(document));
    }

    @Test
    void entitiesMovedInTheFileOrConsumersOfARouteWithoutAuthenticationLeaveItAsItWas() {
        String before = document("http://up:8080/mcp", "", "");
        // a service before this one moves every entity's place in the file
        String after = document("http://up:8080/mcp", "", ALICE).replace("services:\n",
                "services:\n  - {name: other, url: http://other:1}\n");
        assertThat(runtime(after)).isEqualTo(runtime(before));
    }

    @Test
    void anAuthenticationPluginAddedAKeyChangedOrAnotherUpstreamChangesIt() {
        RouteRuntime open = runtime(document("http://up:8080/mcp", "", ALICE));
        RouteRuntime keyed = runtime(document("http://up:8080/mcp", KEY_AUTH, ALICE));
        assertThat(keyed).isNotEqualTo(open);
        assertThat(runtime(document("http://up:8080/mcp", KEY_AUTH, ALICE.replace("alice-key", "other-key"))))
                .isNotEqualTo(keyed);
        assertThat(runtime(document("http://up:9090/mcp", "", ALICE))).isNotEqualTo(open);
    }

    @Test
    void aGetStreamIsAdmittedAsBeforeWhenOnlyTheEndpointsToolsChange() {
        String tools = "          - {name: ai-mcp-proxy, config: {mode: conversion-listener, tools: [%s]}}\n";
        String one = "{name: a, method: GET, path: /a}";
        String two = one + ", {name: b, method: GET, path: /b}";
        RouteRuntime before = runtime(document("http://up:8080", KEY_AUTH, ALICE).replace(
                "          - name: ai-mcp-proxy\n            config: {mode: passthrough-listener}\n", tools.formatted(one)));
        RouteRuntime after = runtime(document("http://up:8080", KEY_AUTH, ALICE).replace(
                "          - name: ai-mcp-proxy\n            config: {mode: passthrough-listener}\n", tools.formatted(two)));
        assertThat(after).isNotEqualTo(before);
        assertThat(after.admitsAsBefore(before)).isTrue();
        RouteRuntime refusing = runtime(document("http://up:8080", KEY_AUTH, ALICE).replace(
                "          - name: ai-mcp-proxy\n            config: {mode: passthrough-listener}\n",
                tools.formatted(two).replace("tools:", "default_acl: [{scope: tools, deny: [alice]}], tools:")));
        assertThat(refusing.admitsAsBefore(after)).as("a default_acl refuses at connect").isFalse();
    }

    static Principal keyed(String username) {
        DeclarativeConfig config = load(document("http://up:8080/mcp", KEY_AUTH, ALICE + BOB)).config();
        var consumer = config.consumers().stream().filter(c -> c.username().equals(username)).findFirst().orElseThrow();
        return new Principal(consumer, List.of(), new Principal.Credential("k", "key-auth"), null, List.of(), false);
    }

    static final String BOB = "  - {username: bob, keyauth_credentials: [{key: bob-key}]}\n";

    @Test
    void aConsumerEditChangesWhatItKnowsOnlyOfTheCallersItChanged() {
        RouteRuntime both = runtime(document("http://up:8080/mcp", KEY_AUTH, ALICE + BOB));
        RouteRuntime aliceOnly = runtime(document("http://up:8080/mcp", KEY_AUTH, ALICE));
        RouteRuntime aliceRekeyed = runtime(document("http://up:8080/mcp", KEY_AUTH,
                ALICE.replace("alice-key", "other-key") + BOB));
        Principal alice = keyed("alice");
        Principal bob = keyed("bob");
        assertThat(both.relaysAsBefore(aliceOnly)).isTrue();
        assertThat(both.knowsAsBefore(aliceOnly, alice)).as("bob added").isTrue();
        assertThat(aliceOnly.knowsAsBefore(both, bob)).as("bob removed").isFalse();
        assertThat(aliceRekeyed.knowsAsBefore(both, alice)).as("alice's key changed").isFalse();
        assertThat(aliceRekeyed.knowsAsBefore(both, bob)).isTrue();
        assertThat(aliceRekeyed.knowsAsBefore(both, Principal.NONE)).as("nobody identified").isTrue();
        Principal fallback = new Principal(alice.consumer(), List.of(), null, null, List.of(), true);
        assertThat(both.knowsAsBefore(aliceOnly, fallback)).as("the anonymous fallback: fail closed").isFalse();
    }

    @Test
    void itsTextShowsNoSecret() {
        assertThat(runtime(document("http://up:8080/mcp", KEY_AUTH, ALICE)).toString()).doesNotContain("alice-key");
    }
}
