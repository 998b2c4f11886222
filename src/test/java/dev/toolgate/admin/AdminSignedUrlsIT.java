package dev.toolgate.admin;

import dev.toolgate.testing.AdminHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A signed URL's signature is its credential: an Azure Storage SAS's {@code sig} and an Azure Functions
 * {@code code} are masked wherever the Admin API shows the URL, as {@code ?token=} is.
 */
@Timeout(60)
class AdminSignedUrlsIT {

    static RestUpstream upstream;
    static TestGateway gateway;
    static AdminHttp admin;

    @BeforeAll
    static void start() {
        upstream = new RestUpstream().on("GET /c/x.yaml", r -> r.response().putHeader("content-type", "application/yaml")
                .end("""
                        openapi: 3.0.0
                        info: {title: t, version: "1"}
                        paths:
                          /ping:
                            get: {operationId: ping, responses: {"200": {description: ok}}}
                        """));
        gateway = TestGateway.start(config(upstream.url() + "/c/x.yaml?sv=2024-01-01&sig=SAS-SIG-SECRET-4711"));
        admin = new AdminHttp(gateway);
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    static String config(String spec) {
        return """
                _format_version: "3.0"
                services:
                  - name: api
                    url: %s
                    routes:
                      - name: tools
                        paths: [/tools]
                        plugins:
                          - name: ai-mcp-proxy
                            config: {mode: conversion-listener, openapi: {spec: "%s"}}
                """.formatted(upstream.url(), spec);
    }

    @Test
    void anAzureSasSignatureInTheSpecUrlIsMaskedInPlugins() {
        AdminHttp.Response plugins = admin.get("/plugins");
        assertThat(plugins.status()).isEqualTo(200);
        assertThat(plugins.body()).doesNotContain("SAS-SIG-SECRET-4711")
                .contains("/c/x.yaml?sv=2024-01-01&sig=[redacted]");
    }

    @Test
    void anAzureFunctionsCodeInASpecUrlIsMaskedInTheProblemsOfARefusedUpload() {
        AdminHttp.Response refused = admin.postConfig(config("http://127.0.0.1:1/api/spec?code=FUNC-KEY-SECRET-0815"));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body()).doesNotContain("FUNC-KEY-SECRET-0815").contains("code=[redacted]");
    }
}
