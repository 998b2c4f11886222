package dev.toolgate.policy.cors;

import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RawConnection;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kong's {@code cors} in front of MCP endpoints, as a browser uses them: the preflight is answered
 * before key-auth asks for a key a preflight never carries; every answer, a 401 included, carries
 * the CORS headers and exposes {@code Mcp-Session-Id}; an origin the plugin allows passes the
 * endpoint's DNS-rebinding check, one it does not is refused; odd preflights get a sane answer and
 * the next request is served.
 */
@Timeout(60)
class CorsIT {

    static final String APP = "https://app.example.com";
    static final String INITIALIZE = "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{"
            + "\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"browser\",\"version\":\"1\"}}}";

    static RestUpstream upstream;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        upstream = new RestUpstream().json("POST /mcp", 200, "{\"jsonrpc\":\"2.0\",\"id\":0,\"result\":{}}");
        String tools = "tools: [{name: ping_api, description: Ping, method: GET, path: /ping}]";
        gateway = TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: api
                    url: %s
                    routes:
                      - name: browser
                        paths: [/browser]
                        plugins:
                          - {name: cors, config: {origins: ["%s"], max_age: 600, credentials: true}}
                          - {name: key-auth}
                          - {name: ai-mcp-proxy, config: {mode: conversion-listener, %s}}
                      - name: partners
                        paths: [/partners]
                        plugins:
                          - {name: cors, config: {origins: ["%s", "https://.*\\\\.partner\\\\.example"]}}
                          - {name: ai-mcp-proxy, config: {mode: conversion-listener, %s}}
                      - name: teams
                        paths: [/teams]
                        plugins:
                          - {name: cors, config: {origins: ["https://a\\\\.team\\\\.example|https://b\\\\.team\\\\.example"], credentials: true}}
                          - {name: ai-mcp-proxy, config: {mode: conversion-listener, %s}}
                      - name: listed-headers
                        paths: [/listed-headers]
                        plugins:
                          - {name: cors, config: {origins: ["%s"], headers: [Content-Type, Authorization]}}
                          - {name: ai-mcp-proxy, config: {mode: conversion-listener, %s}}
                      - name: no-cors
                        paths: [/no-cors]
                        plugins:
                          - {name: ai-mcp-proxy, config: {mode: conversion-listener, %s}}
                  - name: mcp-server
                    url: %s/mcp
                    routes:
                      - name: proxied
                        paths: [/proxied]
                        plugins:
                          - {name: cors, config: {origins: ["%s"]}}
                          - {name: key-auth}
                          - {name: ai-mcp-proxy, config: {mode: passthrough-listener}}
                consumers:
                  - {username: alice, keyauth_credentials: [{key: alice-key}]}
                """.formatted(upstream.url(), APP, tools, APP, tools, tools, APP, tools, tools, upstream.url(), APP));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @BeforeEach
    void forget() {
        upstream.clear();
    }

    @Test
    void aBrowserPreflightIsAnsweredBeforeKeyAuthAsksForAKey() {
        for (String endpoint : List.of("/browser", "/proxied")) {
            McpHttp.Response preflight = send("OPTIONS", endpoint, null, Map.of("Origin", APP,
                    "Access-Control-Request-Method", "POST",
                    "Access-Control-Request-Headers", "content-type,apikey,mcp-protocol-version"));

            assertThat(preflight.status()).as(endpoint + ": " + preflight).isEqualTo(200);
            assertThat(preflight.body()).isEmpty();
            assertThat(preflight.header("access-control-allow-origin")).isEqualTo(APP);
            assertThat(preflight.header("access-control-allow-methods"))
                    .isEqualTo("GET,HEAD,PUT,PATCH,POST,DELETE,OPTIONS,TRACE,CONNECT");
            assertThat(preflight.header("access-control-allow-headers")).isEqualTo("content-type,apikey,mcp-protocol-version");
            assertThat(preflight.header("www-authenticate")).isNull();
        }
        McpHttp.Response browser = send("OPTIONS", "/browser", null, Map.of("Origin", APP,
                "Access-Control-Request-Method", "DELETE"));
        assertThat(browser.header("access-control-max-age")).isEqualTo("600");
        assertThat(browser.header("access-control-allow-credentials")).isEqualTo("true");
        assertThat(upstream.pending()).isZero();
    }

    @Test
    void everyAnswerCarriesTheCorsHeadersAndExposesTheSessionId() {
        McpHttp.Response refused = send("POST", "/browser", INITIALIZE, Map.of("Origin", APP));
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.header("access-control-allow-origin")).isEqualTo(APP);
        assertThat(exposed(refused)).contains("mcp-session-id", "www-authenticate");

        McpHttp.Response initialized = send("POST", "/browser", INITIALIZE, Map.of("Origin", APP, "apikey", "alice-key"));
        assertThat(initialized.status()).as(initialized.toString()).isEqualTo(200);
        assertThat(initialized.header("mcp-session-id")).isNotBlank();
        assertThat(initialized.header("access-control-allow-origin")).isEqualTo(APP);
        assertThat(initialized.header("access-control-allow-credentials")).isEqualTo("true");
        assertThat(initialized.raw().headers().allValues("vary")).anySatisfy(v -> assertThat(v).containsIgnoringCase("origin"));
        assertThat(exposed(initialized)).contains("mcp-session-id", "mcp-protocol-version");

        McpHttp.Response relayed = send("POST", "/proxied", INITIALIZE, Map.of("Origin", APP, "apikey", "alice-key"));
        assertThat(relayed.status()).isEqualTo(200);
        assertThat(relayed.header("access-control-allow-origin")).isEqualTo(APP);
        assertThat(exposed(relayed)).contains("mcp-session-id");
    }

    @Test
    void anOriginTheCorsPluginAllowsPassesTheRebindingCheckAndOneItDoesNotIsRefused() {
        assertThat(send("POST", "/partners", INITIALIZE, Map.of("Origin", "https://shop.partner.example")).status()).isEqualTo(200);
        assertThat(send("POST", "/partners", INITIALIZE, Map.of("Origin", APP)).status()).isEqualTo(200);
        assertThat(send("POST", "/proxied", INITIALIZE, Map.of("Origin", APP, "apikey", "alice-key")).status()).isEqualTo(200);

        for (String origin : List.of("https://evil.example", "https://partner.example.evil.example", "null")) {
            McpHttp.Response refused = send("POST", "/partners", INITIALIZE, Map.of("Origin", origin));
            assertThat(refused.status()).as(origin + ": " + refused).isEqualTo(403);
            assertThat(refused.header("access-control-allow-origin")).isNull();
        }
        McpHttp.Response proxied = send("POST", "/proxied", INITIALIZE, Map.of("Origin", "https://evil.example", "apikey", "alice-key"));
        assertThat(proxied.status()).isEqualTo(403);
        // without a cors plugin the endpoint's own check decides: only loopback origins
        assertThat(send("POST", "/no-cors", INITIALIZE, Map.of("Origin", APP)).status()).isEqualTo(403);
        assertThat(send("POST", "/no-cors", INITIALIZE, Map.of("Origin", "http://localhost:5173")).status()).isEqualTo(200);
    }

    @Test
    void aRegexWithAlternativesMatchesOnlyWholeOriginsNotAnOriginThatMerelyBeginsWithOne() {
        for (String listed : List.of("https://a.team.example", "https://b.team.example")) {
            McpHttp.Response served = send("POST", "/teams", INITIALIZE, Map.of("Origin", listed));
            assertThat(served.status()).as(listed + ": " + served).isEqualTo(200);
            assertThat(served.header("access-control-allow-origin")).isEqualTo(listed);
        }
        for (String lookalike : List.of("https://a.team.example.evil.example", "https://a.team.example:8443")) {
            McpHttp.Response refused = send("POST", "/teams", INITIALIZE, Map.of("Origin", lookalike));
            assertThat(refused.status()).as(lookalike + ": " + refused).isEqualTo(403);
            assertThat(refused.header("access-control-allow-origin")).isNull();
            assertThat(refused.header("access-control-allow-credentials")).isNull();
            McpHttp.Response preflight = send("OPTIONS", "/teams", null, Map.of("Origin", lookalike,
                    "Access-Control-Request-Method", "POST"));
            assertThat(preflight.header("access-control-allow-origin")).as(lookalike).isNull();
        }
        assertThat(upstream.pending()).isZero();
    }

    @Test
    void aPreflightOfThe2026EraIsAllowedItsTransportHeadersWhenTheConfigurationListsHeaders() {
        McpHttp.Response preflight = send("OPTIONS", "/listed-headers", null, Map.of("Origin", APP,
                "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers",
                "content-type,mcp-method,mcp-name,mcp-param-region,mcp-protocol-version"));

        assertThat(preflight.status()).isEqualTo(200);
        List<String> allowed = List.of(preflight.header("access-control-allow-headers")
                .toLowerCase(java.util.Locale.ROOT).split("\\s*,\\s*"));
        assertThat(allowed).as("%s", allowed).contains("content-type", "authorization", "mcp-method", "mcp-name",
                "mcp-param-region", "mcp-protocol-version", "mcp-session-id");
        // only the transport's own: another header the list does not name stays out
        McpHttp.Response other = send("OPTIONS", "/listed-headers", null, Map.of("Origin", APP,
                "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "x-other,mcp-param-"));
        assertThat(other.header("access-control-allow-headers").toLowerCase(java.util.Locale.ROOT))
                .doesNotContain("x-other").doesNotContain("mcp-param-,").doesNotEndWith("mcp-param-");
    }

    @Test
    void oddPreflightsGetASaneAnswerAndTheNextRequestIsServed() {
        // without Access-Control-Request-Method it is no preflight: key-auth runs on OPTIONS, as in Kong
        McpHttp.Response noMethod = send("OPTIONS", "/browser", null, Map.of("Origin", APP));
        assertThat(noMethod.status()).isEqualTo(401);
        assertThat(noMethod.header("access-control-allow-origin")).isEqualTo(APP);
        // without Origin neither
        assertThat(send("OPTIONS", "/browser", null, Map.of("Access-Control-Request-Method", "POST")).status()).isEqualTo(401);
        // a preflight for an origin the plugin does not allow is answered without that origin: Kong sends
        // its one configured origin as is, and none when it has to choose among several
        McpHttp.Response foreign = send("OPTIONS", "/browser", null, Map.of("Origin", "https://evil.example",
                "Access-Control-Request-Method", "POST"));
        assertThat(foreign.status()).isEqualTo(200);
        assertThat(foreign.header("access-control-allow-origin")).isEqualTo(APP);
        McpHttp.Response unlisted = send("OPTIONS", "/partners", null, Map.of("Origin", "https://evil.example",
                "Access-Control-Request-Method", "POST"));
        assertThat(unlisted.status()).isEqualTo(200);
        assertThat(unlisted.header("access-control-allow-origin")).isNull();

        // a huge list of requested headers, near the size a header may have
        List<String> names = new ArrayList<>();
        for (int i = 0; names.toString().length() < 6000; i++) {
            names.add("x-custom-header-" + i);
        }
        RawConnection.Response huge = RawConnection.exchange(gateway.gateway().proxyPort(), "OPTIONS", "/browser",
                List.of("Host: 127.0.0.1", "Origin: " + APP, "Access-Control-Request-Method: POST",
                        "Access-Control-Request-Headers: " + String.join(",", names), "Connection: close"), null);
        assertThat(huge.status()).as(huge.head().statusLine()).isIn(200, 400, 431);
        // a list past the header size limit
        RawConnection.Response tooLarge = RawConnection.exchange(gateway.gateway().proxyPort(), "OPTIONS", "/browser",
                List.of("Host: 127.0.0.1", "Origin: " + APP, "Access-Control-Request-Method: POST",
                        "Access-Control-Request-Headers: " + String.join(",", names).repeat(4), "Connection: close"), null);
        assertThat(tooLarge.status()).as(tooLarge.head().statusLine()).isBetween(400, 499);

        McpHttp.Response next = send("POST", "/browser", INITIALIZE, Map.of("Origin", APP, "apikey", "alice-key"));
        assertThat(next.status()).isEqualTo(200);
    }

    static List<String> exposed(McpHttp.Response response) {
        String header = response.header("access-control-expose-headers");
        assertThat(header).as("Access-Control-Expose-Headers").isNotNull();
        return List.of(header.toLowerCase(java.util.Locale.ROOT).split("\\s*,\\s*"));
    }

    static McpHttp.Response send(String method, String path, String body, Map<String, String> headers) {
        Map<String, String> all = new LinkedHashMap<>(headers);
        if (body != null) {
            all.put("content-type", "application/json");
            all.put("accept", McpHttp.ACCEPT_BOTH);
        }
        return new McpHttp(gateway.proxy(path)).send(method, body, all);
    }
}
