package dev.toolgate.observe;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.config.Redacted;
import dev.toolgate.mcp.Json;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With {@code log_payloads}, a JSON-RPC field named like a credential name the route's authentication
 * is configured to read (key-auth's {@code key_names}, jwt's {@code header_names},
 * {@code uri_param_names} and {@code cookie_names}) is masked in the logged payloads, in any case,
 * although the plugin read the credential from a header or did not read that field at all: such a
 * name (a {@code x-tenant}) does not read like a secret, and a client copying its key into a tool's
 * arguments would otherwise have it logged in clear.
 */
@Timeout(90)
class CredentialNamesInPayloadsIT {

    static final String LOGGING = "{log_statistics: true, log_payloads: true}";

    static RestUpstream upstream;
    static RestUpstream logs;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        // the answer echoes the credential-named field, as JSON text in a tool result
        upstream = new RestUpstream().json("POST /mcp", 200, """
                {"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"{\\"x-tenant\\":\\"echoed-key\\"}"}]}}""");
        logs = new RestUpstream().on("POST /logs", r -> r.response().setStatusCode(200).end());
        gateway = TestGateway.start("""
                _format_version: "3.0"
                plugins:
                  - {name: http-log, config: {http_endpoint: '%2$s/logs'}}
                services:
                  - name: mcp-server
                    url: %1$s/mcp
                    routes:
                      - name: keyed
                        paths: [/keyed]
                        plugins:
                          - {name: key-auth, config: {key_names: [x-tenant]}}
                          - {name: ai-mcp-proxy, config: {mode: passthrough-listener, logging: %3$s}}
                      - name: jwt-named
                        paths: [/jwt-named]
                        plugins:
                          - {name: jwt, config: {anonymous: guest, header_names: [x-pass], uri_param_names: [pass], cookie_names: [session]}}
                          - {name: ai-mcp-proxy, config: {mode: passthrough-listener, logging: %3$s}}
                  - name: rest
                    url: %1$s
                    routes:
                      - name: team
                        paths: [/team]
                        plugins:
                          - {name: key-auth, config: {key_names: [x-tenant]}}
                          - name: ai-mcp-proxy
                            tags: [team]
                            config: {mode: conversion-only, tools: [{name: lookup, description: d, method: POST, path: /mcp}]}
                routes:
                  - name: listener
                    paths: [/listener]
                    plugins:
                      - {name: ai-mcp-proxy, config: {mode: listener, server: {tag: team}, logging: %3$s}}
                consumers:
                  - {username: alice, keyauth_credentials: [{key: alice-key}]}
                  - {username: guest}
                """.formatted(upstream.url(), logs.url(), LOGGING));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (upstream != null) {
            upstream.close();
        }
        if (logs != null) {
            logs.close();
        }
    }

    @BeforeEach
    void forget() {
        upstream.clear();
        logs.clear();
    }

    @Test
    void aToolArgumentNamedLikeAKeyNameReadFromAHeaderIsMaskedInThePayloadLog() {
        String call = toolCall("{\"x-tenant\":\"alice-key\",\"X-Tenant\":\"alice-key\",\"note\":\"plain-note\"}");
        assertThat(send("/keyed", call, Map.of("x-tenant", "alice-key")).status()).isEqualTo(200);

        JsonNode payload = loggedPayload();
        JsonNode arguments = parse(payload.path("request").asText()).at("/params/arguments");
        assertThat(arguments.path("x-tenant").asText()).as("%s", payload).isEqualTo(Redacted.MASK);
        assertThat(arguments.path("X-Tenant").asText()).isEqualTo(Redacted.MASK);
        assertThat(arguments.path("note").asText()).isEqualTo("plain-note");
        assertThat(payload.path("response").asText()).doesNotContain("echoed-key").contains(Redacted.MASK);
        assertThat(payload.toString()).doesNotContain("alice-key");
    }

    @Test
    void toolArgumentsNamedLikeJwtsHeaderQueryAndCookieNamesAreMaskedInThePayloadLog() {
        String call = toolCall("{\"x-pass\":\"token-1\",\"pass\":\"token-2\",\"session\":\"token-3\",\"note\":\"plain-note\"}");
        assertThat(send("/jwt-named", call, Map.of()).status()).isEqualTo(200);

        JsonNode payload = loggedPayload();
        JsonNode arguments = parse(payload.path("request").asText()).at("/params/arguments");
        for (String name : new String[] {"x-pass", "pass", "session"}) {
            assertThat(arguments.path(name).asText()).as("%s in %s", name, payload).isEqualTo(Redacted.MASK);
        }
        assertThat(arguments.path("note").asText()).isEqualTo("plain-note");
    }

    @Test
    void aListenersPayloadLogMasksTheKeyNamesOfTheRouteOwningTheCalledTool() {
        McpHttp mcp = new McpHttp(gateway.proxy("/listener"));
        mcp.initialize("2025-06-18");
        logs.clear();
        mcp.send("POST", toolCall("{\"x-tenant\":\"alice-key\",\"note\":\"plain-note\"}"), Map.of("content-type",
                "application/json", "accept", McpHttp.ACCEPT_BOTH, "mcp-session-id", mcp.sessionId(), "x-tenant", "alice-key"));

        JsonNode payload = loggedPayload();
        JsonNode arguments = parse(payload.path("request").asText()).at("/params/arguments");
        assertThat(arguments.path("x-tenant").asText()).as("%s", payload).isEqualTo(Redacted.MASK);
        assertThat(arguments.path("note").asText()).isEqualTo("plain-note");
    }

    private static String toolCall(String arguments) {
        return "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"lookup\",\"arguments\":"
                + arguments + "}}";
    }

    private static McpHttp.Response send(String path, String body, Map<String, String> headers) {
        Map<String, String> sent = new LinkedHashMap<>(headers);
        sent.put("content-type", "application/json");
        sent.put("accept", McpHttp.ACCEPT_BOTH);
        return new McpHttp(gateway.proxy(path)).send("POST", body, sent);
    }

    /** The {@code payload} of the tool call's entry, as http-log sent it. */
    private static JsonNode loggedPayload() {
        while (true) {
            await().atMost(Duration.ofSeconds(20)).until(() -> logs.pending() >= 1);
            JsonNode payload = parse(logs.next().body()).path("ai").path("mcp").path("rpc").path(0).path("payload");
            // a session's initialize and its notification are logged too
            if (payload.path("request").asText().contains("tools/call")) {
                return payload;
            }
        }
    }

    private static JsonNode parse(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }
}
