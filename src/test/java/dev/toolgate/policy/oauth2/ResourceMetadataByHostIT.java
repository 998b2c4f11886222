package dev.toolgate.policy.oauth2;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.mcp.Json;
import dev.toolgate.testing.AuthorizationServer;
import dev.toolgate.testing.RawHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URI;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two tenants on two hosts, each with an MCP endpoint at {@code /mcp} and its own ai-mcp-oauth2: each
 * host's Protected Resource Metadata is at the same well-known paths (RFC 9728's, and Kong's default
 * {@code metadata_endpoint}), and a client asking a host gets that host's document (RFC 9728: the
 * resource's own host is asked).
 */
@Timeout(60)
class ResourceMetadataByHostIT {

    static AuthorizationServer as;
    static RestUpstream weather;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        as = AuthorizationServer.start();
        weather = OAuthSetup.weatherApi();
        String route = """
                      - name: %1$s
                        hosts: [%1$s.example]
                        paths: [/mcp]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              tools:
                                - {name: current_weather, description: Weather, method: GET, path: /api/weather/current.json}
                          - name: ai-mcp-oauth2
                            config:
                              resource: https://%1$s.example/mcp
                              authorization_servers: [${issuer}]
                """;
        routes = """
                services:
                  - name: weather-api
                    url: ${weather}
                    routes:
                """ + route.formatted("alpha") + route.formatted("beta");
        gateway = OAuthSetup.start(routes, Map.of("issuer", as.issuer(), "weather", weather.url()));
    }

    static String routes;

    @org.junit.jupiter.api.Test
    void behindATrustedProxyTheHostItForwardsChoosesTheDocument() throws Exception {
        java.nio.file.Path file = java.nio.file.Files.createTempDirectory("toolgate-by-host").resolve("kong.yaml");
        java.nio.file.Files.writeString(file, "_format_version: \"3.0\"\n" + routes.replace("${issuer}", as.issuer())
                .replace("${weather}", weather.url()));
        dev.toolgate.http.ClientAddresses trusting = new dev.toolgate.http.ClientAddresses(
                dev.toolgate.http.ClientAddresses.parseList("127.0.0.1/32"), "X-Real-IP", false);
        try (dev.toolgate.gateway.Gateway behind = dev.toolgate.gateway.Gateway.start(new dev.toolgate.gateway.Gateway.Options(
                file, "127.0.0.1", 0, "127.0.0.1", 0, false, k -> null, java.time.InstantSource.system(),
                new java.security.SecureRandom(), trusting))) {
            URI target = URI.create("http://127.0.0.1:" + behind.proxyPort() + "/.well-known/oauth-protected-resource/mcp");

            RawHttp.Response answer = RawHttp.exchange(target, "GET " + target.getRawPath()
                    + " HTTP/1.1\r\nHost: internal:8000\r\nX-Forwarded-Host: beta.example\r\nConnection: close\r\n", null);

            assertThat(answer.status()).as("%s", answer).isEqualTo(200);
            assertThat(Json.parse(answer.body().getBytes()).get("resource").asText()).isEqualTo("https://beta.example/mcp");
            assertThat(answer.header("vary")).isEqualTo("X-Forwarded-Host");
        }
    }

    @AfterAll
    static void stop() throws Exception {
        OAuthSetup.close(gateway, weather, as);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"/.well-known/oauth-protected-resource/mcp, alpha.example, 200, https://alpha.example/mcp",
            "/.well-known/oauth-protected-resource/mcp, beta.example, 200, https://beta.example/mcp",
            "/.well-known/oauth-protected-resource/mcp, gamma.example, 404, ",
            "/.well-known/oauth-protected-resource/mcp, 'alpha.example\r\nX-Forwarded-Host: beta.example', 200, https://alpha.example/mcp",
            "/mcp/.well-known/oauth-protected-resource, alpha.example, 200, https://alpha.example/mcp",
            "/mcp/.well-known/oauth-protected-resource, beta.example, 200, https://beta.example/mcp"})
    void eachHostGetsItsOwnResourcesMetadataAtRfc9728sPathAndKongsDefault(String path, String host, int status,
                                                                          String resource) throws Exception {
        URI target = gateway.proxy(path);

        RawHttp.Response answer = RawHttp.exchange(target, "GET " + target.getRawPath() + " HTTP/1.1\r\nHost: " + host
                + "\r\nConnection: close\r\n", null);

        assertThat(answer.status()).as("%s", answer).isEqualTo(status);
        if (resource != null) {
            JsonNode document = Json.parse(answer.body().getBytes());
            assertThat(document.get("resource").asText()).isEqualTo(resource);
        }
    }
}
