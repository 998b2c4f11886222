package dev.toolgate.hardening;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.SelfSignedCertificate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Set;

import static dev.toolgate.testing.McpAssertions.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Upstreams the gateway cannot agree a TLS session with, for other reasons than their certificates: an
 * {@code https} service whose port speaks plain HTTP, and a TLS server with no cipher in common. The
 * client is told that the TLS handshake with the service failed (the operator's fix is the service's URL
 * or the server's TLS settings, not a flaky network), naming the service, never its address.
 */
@Timeout(60)
class UpstreamHandshakeIT {

    static final String HANDSHAKE = "failed the TLS handshake";

    static Vertx vertx;
    static HttpServer plain;
    static HttpServer noSharedCipher;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        plain = vertx.createHttpServer()
                .requestHandler(request -> request.response().putHeader("content-type", "application/json").end("{}"))
                .listen(0, "127.0.0.1").await();
        // an RSA certificate, and only cipher suites for ECDSA ones: the server can choose none the client offers
        SelfSignedCertificate certificate = SelfSignedCertificate.create("localhost");
        noSharedCipher = vertx.createHttpServer(new HttpServerOptions().setSsl(true)
                        .setKeyCertOptions(certificate.keyCertOptions())
                        .setEnabledSecureTransportProtocols(Set.of("TLSv1.2"))
                        .addEnabledCipherSuite("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"))
                .requestHandler(request -> request.response().putHeader("content-type", "application/json").end("{}"))
                .listen(0, "127.0.0.1").await();
        gateway = TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: plainport
                    url: https://127.0.0.1:%d
                    routes:
                      - name: mcp-plain
                        paths: [/plain]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              server: {session: {managed: false}}
                              tools:
                                - {name: one, description: One, method: GET, path: /one}
                      - name: pt-plain
                        paths: [/pt-plain]
                        plugins:
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener}
                  - name: nocipher
                    url: https://127.0.0.1:%d
                    tls_verify: false
                    routes:
                      - name: mcp-cipher
                        paths: [/cipher]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              server: {session: {managed: false}}
                              tools:
                                - {name: one, description: One, method: GET, path: /one}
                      - name: pt-cipher
                        paths: [/pt-cipher]
                        plugins:
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener}
                """.formatted(plain.actualPort(), noSharedCipher.actualPort()));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        vertx.close().await();
    }

    private static void assertHandshakeFailure(String text, String service, HttpServer upstream) {
        assertThat(text).contains("service '" + service + "'").contains(HANDSHAKE).contains("(error id ")
                .doesNotContain("127.0.0.1").doesNotContain(Integer.toString(upstream.actualPort()))
                .doesNotContain("broke off");
    }

    @Test
    void aConvertedCallToAnHttpsServiceWhosePortSpeaksPlainHttpSaysTheTlsHandshakeFailed() {
        JsonNode result = new McpHttp(gateway.proxy("/plain")).call("one", "{}");
        assertThat(result.path("isError").asBoolean()).as(result.toString()).isTrue();
        assertHandshakeFailure(text(result), "plainport", plain);
    }

    @Test
    void aConvertedCallToAServerWithNoCipherInCommonSaysTheTlsHandshakeFailed() {
        JsonNode result = new McpHttp(gateway.proxy("/cipher")).call("one", "{}");
        assertThat(result.path("isError").asBoolean()).as(result.toString()).isTrue();
        assertHandshakeFailure(text(result), "nocipher", noSharedCipher);
    }

    @Test
    void passthroughToAnHttpsServiceWhosePortSpeaksPlainHttpAnswers502SayingTheTlsHandshakeFailed() {
        McpHttp.Response response = new McpHttp(gateway.proxy("/pt-plain")).post(BadInputGateway.LIST);
        assertThat(response.status()).as(response.toString()).isEqualTo(502);
        assertHandshakeFailure(response.body(), "plainport", plain);
    }

    @Test
    void passthroughToAServerWithNoCipherInCommonAnswers502SayingTheTlsHandshakeFailed() {
        McpHttp.Response response = new McpHttp(gateway.proxy("/pt-cipher")).post(BadInputGateway.LIST);
        assertThat(response.status()).as(response.toString()).isEqualTo(502);
        assertHandshakeFailure(response.body(), "nocipher", noSharedCipher);
    }
}
