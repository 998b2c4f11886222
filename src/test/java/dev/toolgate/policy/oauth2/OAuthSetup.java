package dev.toolgate.policy.oauth2;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.mcp.Json;
import dev.toolgate.testing.AuthorizationServer;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import io.vertx.core.http.HttpServerRequest;

import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.Map;

/**
 * The gateway of the OAuth tests, shaped like Kong's Okta how-to: a conversion-only plugin with the
 * weather tools, a listener on {@code /weather/mcp} with CORS and ai-mcp-oauth2, and the same
 * protection on a conversion-listener ({@code /mcp-cl}) and a passthrough ({@code /mcp-pass}) route.
 * The gateway starts first, then gets the document with its own address in {@code resource}.
 */
final class OAuthSetup {

    private OAuthSetup() {
    }

    /** A REST API for the tools; it records every request (and so every header the gateway sent). */
    static RestUpstream weatherApi() {
        return new RestUpstream().json("GET /api/weather/current.json", 200, "{\"temp_c\":11}");
    }

    /** A minimal MCP server over plain HTTP for passthrough; records what it received like any RestUpstream. */
    static RestUpstream mcpServer() {
        RestUpstream server = new RestUpstream();
        server.onMessage("POST /mcp", OAuthSetup::answerMcp);
        return server;
    }

    private static void answerMcp(HttpServerRequest request, JsonNode message) {
        if (!message.has("id")) {
            request.response().setStatusCode(202).end();
            return;
        }
        String result = switch (message.path("method").asText()) {
            case "initialize" -> "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{\"tools\":{}},"
                    + "\"serverInfo\":{\"name\":\"upstream\",\"version\":\"1\"}}";
            case "tools/list" -> "{\"tools\":[{\"name\":\"echo\",\"inputSchema\":{\"type\":\"object\"}},"
                    + "{\"name\":\"admin_reset\",\"inputSchema\":{\"type\":\"object\"}}]}";
            case "tools/call" -> "{\"content\":[{\"type\":\"text\",\"text\":\"echoed\"}]}";
            default -> "{}";
        };
        request.response().putHeader("content-type", "application/json")
                .end("{\"jsonrpc\":\"2.0\",\"id\":" + message.get("id") + ",\"result\":" + result + "}");
    }

    /** Closes what a test class started, skipping what it never got to start (a skipped or failed start). */
    static void close(AutoCloseable... started) throws Exception {
        for (AutoCloseable resource : started) {
            if (resource != null) {
                resource.close();
            }
        }
    }

    /** Starts the gateway, then loads {@code yaml} with {@code ${proxy}} replaced by its own address. */
    static TestGateway start(String yaml, Map<String, String> values) {
        return start(yaml, values, InstantSource.system());
    }

    /** Same, on a clock the test moves (the age of the keys, the expiry of tokens). */
    static TestGateway start(String yaml, Map<String, String> values, InstantSource clock) {
        return load(TestGateway.start("_format_version: \"3.0\"\n", clock), yaml, values);
    }

    /** Same, behind a proxy at 127.0.0.1 it trusts: {@code X-Real-IP} names the client's address. */
    static TestGateway startBehindTrustedProxy(String yaml, Map<String, String> values) {
        return load(TestGateway.behindTrustedProxy("_format_version: \"3.0\"\n"), yaml, values);
    }

    private static TestGateway load(TestGateway gateway, String yaml, Map<String, String> values) {
        String document = "_format_version: \"3.0\"\n" + yaml.replace("${proxy}", "http://127.0.0.1:" + gateway.gateway().proxyPort());
        for (Map.Entry<String, String> value : values.entrySet()) {
            document = document.replace("${" + value.getKey() + "}", value.getValue());
        }
        gateway.gateway().apply(document.getBytes(StandardCharsets.UTF_8), gateway.configFile().getParent());
        return gateway;
    }

    /** The three protected endpoints over one weather API, one MCP server and one authorization server. */
    static String threeModes(AuthorizationServer as, RestUpstream weather, RestUpstream mcp, String extraOAuth) {
        String oauth = """
                          - name: ai-mcp-oauth2
                            config:
                              resource: ${proxy}%s
                              authorization_servers: [${issuer}]
                              scopes_supported: [mcp:tools]
                              claim_to_header:
                                - {claim: sub, header: X-User-Id}
                """ + extraOAuth;
        return """
                services:
                  - name: weather-api-service
                    url: ${weather}
                    routes:
                      - name: weather-api-route
                        paths: [/api/weather]
                        strip_path: false
                        plugins:
                          - name: ai-mcp-proxy
                            tags: [weather-tools]
                            config:
                              mode: conversion-only
                              tools:
                                - description: Current weather
                                  name: current_weather
                                  method: GET
                                  path: current.json
                                  parameters: [{name: q, in: query, required: true, schema: {type: string}}]
                  - name: weather-mcp-service
                    url: ${weather}
                    routes:
                      - name: weather-mcp
                        paths: [/weather/mcp, /.well-known/oauth-protected-resource/weather/mcp]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: listener
                              server: {tag: weather-tools, timeout: 45000}
                              max_request_body_size: 32768
                          - name: cors
                            config: {origins: ["http://localhost:6274"]}
                """ + oauth.formatted("/weather/mcp") + """
                              metadata_endpoint: /.well-known/oauth-protected-resource/weather/mcp
                      - name: conversion-listener
                        paths: [/mcp-cl]
                        strip_path: true
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              tools:
                                - description: Current weather
                                  name: current_weather
                                  method: GET
                                  path: /api/weather/current.json
                                  parameters: [{name: q, in: query, required: true, schema: {type: string}}]
                """ + oauth.formatted("/mcp-cl") + """
                  - name: mcp-server
                    url: ${mcp}/mcp
                    routes:
                      - name: passthrough
                        paths: [/mcp-pass]
                        plugins:
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener}
                """ + oauth.formatted("/mcp-pass");
    }

    static Map<String, String> values(AuthorizationServer as, RestUpstream weather, RestUpstream mcp) {
        return Map.of("issuer", as.issuer(), "weather", weather.url(), "mcp", mcp.url());
    }
}
