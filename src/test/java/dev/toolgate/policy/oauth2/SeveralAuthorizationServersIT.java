package dev.toolgate.policy.oauth2;

import dev.toolgate.testing.AuthorizationServer;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Signing keys are one authorization server's, so a plugin that checks JWTs with them lists one server:
 * a configuration listing two is refused at load (fail closed) instead of trusting the second server's
 * name in {@code iss} on tokens the first one's keys signed, and never letting the second's own tokens
 * in. With introspection the listed servers stay several: the introspection endpoint answers for them.
 */
@Timeout(90)
class SeveralAuthorizationServersIT {

    static AuthorizationServer as;
    static RestUpstream mcp;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        as = AuthorizationServer.start();
        mcp = OAuthSetup.mcpServer();
        gateway = OAuthSetup.start(config("${issuer}", ""), Map.of("issuer", as.issuer(), "mcp", mcp.url()));
    }

    private static String config(String servers, String extra) {
        return """
                services:
                  - name: mcp-server
                    url: ${mcp}/mcp
                    routes:
                      - name: m
                        paths: [/m]
                        plugins:
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener}
                          - name: ai-mcp-oauth2
                            config:
                              resource: ${proxy}/m
                              authorization_servers: [%s]
                """.formatted(servers) + extra;
    }

    @AfterAll
    static void stop() throws Exception {
        OAuthSetup.close(gateway, mcp, as);
    }

    @Test
    void twoAuthorizationServersCheckedWithSigningKeysAreRefusedAtLoadAndTheRunningConfigKeepsServing() throws Exception {
        HttpResponse<String> refused = post(config(as.issuer() + ", " + as.otherIssuer(), ""));

        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
        assertThat(refused.body()).contains("authorization_servers").contains("lists 2 authorization servers");
        String resource = gateway.proxy("/m").toString();
        String forged = ForgedTokens.signed(as.signingKey(), ForgedTokens.claims(as.otherIssuer(), resource, c -> c));
        assertThat(initialize(forged).status()).as("the other server's name on our server's key").isEqualTo(401);
        assertThat(initialize(as.token(as.issuer(), resource, "mcp:tools")).status()).isEqualTo(200);
    }

    @Test
    void twoAuthorizationServersWithIntrospectionLoad() throws Exception {
        HttpResponse<String> loaded = post(config(as.issuer() + ", " + as.otherIssuer(), """
                              introspection_endpoint: %s/token/introspection
                              client_id: toolgate
                              client_secret: toolgate-secret
                """.formatted(as.issuer())));
        try {
            assertThat(loaded.statusCode()).as(loaded.body()).isEqualTo(200);
        } finally {
            assertThat(post(config(as.issuer(), "")).statusCode()).isEqualTo(200);
        }
    }

    private static HttpResponse<String> post(String yaml) throws Exception {
        String document = "_format_version: \"3.0\"\n" + yaml.replace("${proxy}", "http://127.0.0.1:"
                + gateway.gateway().proxyPort()).replace("${mcp}", mcp.url());
        try (HttpClient client = HttpClient.newHttpClient()) {
            return client.send(HttpRequest.newBuilder(gateway.admin("/config"))
                    .POST(HttpRequest.BodyPublishers.ofString(document)).build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    private static McpHttp.Response initialize(String token) {
        return new McpHttp(gateway.proxy("/m")).send("POST", BadTokensIT.INITIALIZE,
                BadTokensIT.headers(Map.of("authorization", "Bearer " + token)));
    }
}
