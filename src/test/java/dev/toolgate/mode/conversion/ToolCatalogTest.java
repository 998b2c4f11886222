package dev.toolgate.mode.conversion;

import dev.toolgate.testing.Configs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** A listener binds the tool sets tagged for it; how their ACLs identify the caller is the listener's to say. */
class ToolCatalogTest {

    @TempDir
    Path baseDirectory;

    /** A conversion-only tool set tagged {@code shop-tools} with {@code toolSet} fields, and a listener with {@code listener}'s. */
    static String document(String toolSet, String listener) {
        return """
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
                              tools: [{name: list_orders, description: Orders, method: GET, path: /api/orders}]
                              default_acl: [{allow: ["42"]}]
                %s
                      - name: mcp
                        paths: [/mcp]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: listener
                              server: {tag: shop-tools}
                %s
                """.formatted(toolSet.indent(14).stripTrailing(), listener.indent(14).stripTrailing());
    }

    @Test
    void aToolSetThatIdentifiesCallersOtherwiseThanItsListenerIsAProblemAtItsOwnPath() {
        // "42" was written for custom_ids; the listener would have matched it against usernames
        var checked = Configs.check(document("""
                consumer_identifier: custom_id
                acl_attribute_type: oauth_access_token
                access_token_claim_field: .sub
                """, ""), baseDirectory);

        String at = "services[0].routes[0].plugins[0].config.";
        String listener = ", but the listener on route 'mcp' serving these tools has ";
        String why = ", and the listener decides how their ACLs identify the caller: set it alike on both, or only on "
                + "the listener";
        assertThat(checked.problems()).containsExactly(
                at + "consumer_identifier: is custom_id here" + listener + "username" + why,
                at + "acl_attribute_type: is oauth_access_token here" + listener + "consumer" + why,
                at + "access_token_claim_field: is .sub here" + listener + "none" + why);
    }

    @Test
    void aToolSetThatLeavesTheFieldsOutIsServedAsItsListenerSays() {
        var checked = Configs.check(document("", """
                acl_attribute_type: oauth_access_token
                access_token_claim_field: .scope
                """), baseDirectory);

        // (the listener's route has no token plugin, a problem of its own)
        assertThat(checked.problems()).noneMatch(problem -> problem.startsWith("services[0].routes[0]"));
    }

    @Test
    void aToolSetThatRepeatsItsListenersWayOfIdentifyingCallersIsAccepted() {
        // Kong's own examples repeat these fields on the tool sets
        var checked = Configs.check(document("consumer_identifier: custom_id\n", "consumer_identifier: custom_id\n"),
                baseDirectory);

        assertThat(checked.problems()).isEmpty();
    }

    @Test
    void aToolSetsLoggingAndBodyLimitAsKongsHowToSetsThemLoadWhateverItsListenerLogs() {
        // Kong's "Enforce ACLs on aggregated MCP servers" sets both on its tool sets; the listener logs the calls
        // as they ask too (ToolSetLoggingIT)
        var checked = Configs.check(document("""
                logging: {log_audits: true, log_payloads: true, log_statistics: true}
                max_request_body_size: 16384
                """, ""), baseDirectory);

        assertThat(checked.problems()).isEmpty();
    }
}
