package dev.toolgate.hardening;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.http.UpstreamException;
import dev.toolgate.testing.CapturedLog;
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

import static dev.toolgate.testing.McpAssertions.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An upstream whose certificate cannot be verified (self-signed, with {@code tls_verify} on): the client
 * is told so, with the service's name and never its address, and the operator's log has the detail.
 */
@Timeout(60)
class UpstreamCertificateIT {

    static final String UNVERIFIED = "presented a TLS certificate the gateway could not verify (tls_verify)";

    static Vertx vertx;
    static HttpServer upstream;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        SelfSignedCertificate certificate = SelfSignedCertificate.create("localhost");
        upstream = vertx.createHttpServer(new HttpServerOptions().setSsl(true)
                        .setKeyCertOptions(certificate.keyCertOptions()))
                .requestHandler(request -> request.response().putHeader("content-type", "application/json").end("{}"))
                .listen(0, "127.0.0.1").await();
        gateway = TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: selfsigned
                    url: https://127.0.0.1:%d
                    tls_verify: true
                    routes:
                      - name: mcp
                        paths: [/mcp]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              server: {session: {managed: false}}
                              tools:
                                - {name: one, description: One, method: GET, path: /one}
                      - name: pt
                        paths: [/pt]
                        plugins:
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener}
                """.formatted(upstream.actualPort()));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        vertx.close().await();
    }

    @Test
    void aConvertedCallToAnUnverifiableUpstreamSaysItsCertificateCouldNotBeVerified() {
        try (CapturedLog log = CapturedLog.of(UpstreamException.class.getName(), Level.WARN)) {
            JsonNode result = new McpHttp(gateway.proxy("/mcp")).call("one", "{}");
            assertThat(result.path("isError").asBoolean()).as(result.toString()).isTrue();
            assertThat(text(result)).contains("service 'selfsigned' " + UNVERIFIED).contains("(error id ").doesNotContain("127.0.0.1")
                    .doesNotContain(Integer.toString(upstream.actualPort())).doesNotContain("broke off");
            assertThat(log.text()).contains("service 'selfsigned' at 127.0.0.1:" + upstream.actualPort())
                    .containsIgnoringCase("certif");
        }
    }

    @Test
    void passthroughToAnUnverifiableUpstreamAnswers502SayingItsCertificateCouldNotBeVerified() {
        McpHttp.Response response = new McpHttp(gateway.proxy("/pt")).post(BadInputGateway.LIST);
        assertThat(response.status()).as(response.toString()).isEqualTo(502);
        assertThat(response.body()).contains("service 'selfsigned'").contains(UNVERIFIED).doesNotContain("127.0.0.1")
                .doesNotContain(Integer.toString(upstream.actualPort())).doesNotContain("broke off");
    }
}
