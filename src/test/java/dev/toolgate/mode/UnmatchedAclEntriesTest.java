package dev.toolgate.mode;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static dev.toolgate.testing.Configs.check;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tool ACL entries that can match no caller are accepted, as Kong accepts them, but warned about at their path:
 * in a deny list such an entry refuses no one.
 */
class UnmatchedAclEntriesTest {

    private static final String CONSUMERS = """
            consumer_groups:
              - name: suspended
            consumers:
              - id: 0b2a5d1e-3c4f-4a6b-8c7d-9e0f1a2b3c4d
                username: alice
                keyauth_credentials: [{key: alice-key-123}]
              - username: carol
                groups: [{name: suspended}]
                keyauth_credentials: [{key: carol-key-123}]
            """;

    private static String passthrough(String config) {
        return """
                _format_version: "3.0"
                services:
                  - name: mcp
                    url: http://127.0.0.1:9
                    routes:
                      - name: mcp
                        paths: [/mcp]
                        plugins:
                          - {name: key-auth}
                          - name: ai-mcp-proxy
                            config: %s
                """.formatted(config) + CONSUMERS;
    }

    private static java.util.List<String> warnings(String document) {
        var checked = check(document, Path.of("").toAbsolutePath());
        assertThat(checked.problems()).isEmpty();
        return checked.warnings();
    }

    @Test
    void denyingAConsumerGroupWithoutIncludeConsumerGroupsIsWarnedAsRefusingNoOne() {
        var warnings = warnings(passthrough("{mode: passthrough-listener, default_acl: [{deny: [suspended]}]}"));

        assertThat(warnings).containsExactly("services[0].routes[0].plugins[1].config.default_acl[0].deny[0]: "
                + "'suspended' is a consumer group, but include_consumer_groups is false, so this deny entry matches "
                + "nobody and refuses no one: set include_consumer_groups: true to match its members");
    }

    @Test
    void aUsernameListedUnderConsumerIdIsWarnedWithTheConsumersId() {
        var warnings = warnings(passthrough("{mode: passthrough-listener, consumer_identifier: consumer_id, "
                + "tools: [{name: echo, description: Echoes, acl: {allow: [alice]}}]}"));

        assertThat(warnings).containsExactly("services[0].routes[0].plugins[1].config.tools[0].acl.allow[0]: "
                + "'alice' is a consumer's username, but consumer_identifier is consumer_id, so this allow entry "
                + "matches nobody and admits no one: consumer_identifier is consumer_id: list consumer ids (this "
                + "consumer's is '0b2a5d1e-3c4f-4a6b-8c7d-9e0f1a2b3c4d')");
    }

    @Test
    void anEntryNamingNoConsumerIsWarned() {
        var warnings = warnings(passthrough("{mode: passthrough-listener, default_acl: [{deny: [mallory]}]}"));

        assertThat(warnings).containsExactly("services[0].routes[0].plugins[1].config.default_acl[0].deny[0]: "
                + "no consumer has the username 'mallory', so this deny entry matches nobody and refuses no one: "
                + "name a consumer's username");
    }

    @Test
    void entriesThatMatchACallerAreNotWarned() {
        assertThat(warnings(passthrough("{mode: passthrough-listener, include_consumer_groups: true, "
                + "default_acl: [{deny: [suspended]}], tools: [{name: echo, description: Echoes, acl: {allow: [alice]}}]}"))).isEmpty();
        assertThat(warnings(passthrough("{mode: passthrough-listener, consumer_identifier: consumer_id, "
                + "tools: [{name: echo, description: Echoes, acl: {allow: [0b2a5d1e-3c4f-4a6b-8c7d-9e0f1a2b3c4d]}}]}"))).isEmpty();
    }

    @Test
    void entriesNamingTokenClaimsAreNotWarned() {
        var checked = check("""
                _format_version: "3.0"
                services:
                  - name: mcp
                    url: http://127.0.0.1:9
                    routes:
                      - name: mcp
                        paths: [/mcp]
                        plugins:
                          - {name: jwt}
                          - name: ai-mcp-proxy
                            config:
                              mode: passthrough-listener
                              acl_attribute_type: oauth_access_token
                              access_token_claim_field: .user.role
                              default_acl: [{deny: [suspended]}]
                """, Path.of("").toAbsolutePath());

        assertThat(checked.warnings()).noneMatch(w -> w.contains("matches nobody"));
    }

    @Test
    void aBoundToolsEntryIsReadAsTheListenerReadsIt() {
        var warnings = warnings("""
                _format_version: "3.0"
                services:
                  - name: api
                    url: http://127.0.0.1:9
                    routes:
                      - name: api
                        paths: [/api]
                        plugins:
                          - name: ai-mcp-proxy
                            tags: [shop]
                            config:
                              mode: conversion-only
                              tools: [{name: list, description: Lists items, method: GET, path: /items, acl: {deny: [alice]}}]
                      - name: mcp
                        paths: [/mcp]
                        plugins:
                          - {name: key-auth}
                          - {name: ai-mcp-proxy, config: {mode: listener, consumer_identifier: custom_id, server: {tag: shop}}}
                """ + CONSUMERS);

        assertThat(warnings).containsExactly("services[0].routes[0].plugins[0].config.tools[0].acl.deny[0]: "
                + "'alice' is a consumer's username, but consumer_identifier is custom_id, so this deny entry matches "
                + "nobody and refuses no one: consumer_identifier is custom_id: list custom_ids (this consumer has "
                + "none)");
    }
}
