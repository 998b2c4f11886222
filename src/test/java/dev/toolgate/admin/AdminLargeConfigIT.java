package dev.toolgate.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.testing.AdminHttp;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The admin listener serving a large configuration (an openapi2mcp-sized conversion route of 10,000 tools, each
 * with an ACL naming groups no consumer is in: 30,000 load warnings): {@code GET /status} stays small whatever
 * the configuration's size, and readiness probes are answered while many are read at once.
 */
@Timeout(180)
class AdminLargeConfigIT {

    static final int TOOLS = 10_000;
    /** Readiness probes must be answered within this while a burst is served (Kubernetes' default is 1 s). */
    static final long PROMPT_MS = 1_000;

    static TestGateway gateway;
    static AdminHttp admin;
    static String document;

    @BeforeAll
    static void start() {
        StringBuilder yaml = new StringBuilder("""
                _format_version: "3.0"
                services:
                  - name: generated
                    url: http://127.0.0.1:9
                    routes:
                      - name: generated-mcp
                        paths: [/mcp]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              tools:
                """);
        for (int i = 0; i < TOOLS; i++) {
            yaml.append("                - {name: tool_").append(i).append(", description: d, method: GET, path: /x")
                    .append(i).append(", acl: {allow: [group_a_").append(i).append(", group_b], deny: [g_c]}}\n");
        }
        document = yaml.toString();
        gateway = TestGateway.start(document);
        admin = new AdminHttp(gateway);
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void statusCountsEveryLoadWarningListsTheFirstTwentyAndSaysWhereTheRestAre() {
        AdminHttp.Response status = admin.get("/status");

        assertThat(status.status()).isEqualTo(200);
        assertThat(status.body().length()).as("a body that does not grow with the configuration").isLessThan(8_192);
        JsonNode body = status.json();
        assertThat(body.get("warning_count").asInt()).isGreaterThanOrEqualTo(TOOLS);
        assertThat(body.get("warnings")).hasSize(20);
        assertThat(body.get("warnings").get(0).asText()).contains("group_a_0");
        assertThat(body.get("warnings_note").asText()).contains("the first 20 of " + body.get("warning_count").asInt())
                .contains("POST /config");
        assertThat(body.at("/counts/tools").asInt()).isEqualTo(TOOLS);
    }

    @Test
    void postConfigAnswersWithEveryLoadWarning() {
        AdminHttp.Response applied = admin.send("POST", "/config", "application/yaml", document.getBytes());

        assertThat(applied.status()).isEqualTo(200);
        JsonNode body = applied.json();
        assertThat(body.get("warnings")).hasSize(body.get("warning_count").asInt());
        assertThat(body.has("warnings_note")).isFalse();
        assertThat(admin.get("/status").json().get("warning_count")).isEqualTo(body.get("warning_count"));
    }

    @Test
    void readinessIsAnsweredPromptlyWhileAHundredAndTwentyStatusRequestsAreServed() {
        readyWhile("/status", 120, response -> assertThat(length(response)).as("each /status").isLessThan(8_192));
    }

    /**
     * Sends {@code parallel} GETs of the path at once and probes readiness, one probe after another, until they
     * are all answered (three probes at least): each must be answered within {@link #PROMPT_MS}.
     */
    private static void readyWhile(String path, int parallel,
                                         java.util.function.Consumer<HttpResponse<Void>> each) {
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            List<CompletableFuture<HttpResponse<Void>>> burst = IntStream.range(0, parallel)
                    .mapToObj(i -> client.sendAsync(HttpRequest.newBuilder(gateway.admin(path)).build(),
                            HttpResponse.BodyHandlers.discarding())).toList();
            CompletableFuture<Void> all = CompletableFuture.allOf(burst.toArray(CompletableFuture[]::new));
            List<Long> ready = new ArrayList<>();
            while (!all.isDone() || ready.size() < 3) {
                long started = System.nanoTime();
                assertThat(admin.get("/status/ready").status()).isEqualTo(200);
                ready.add((System.nanoTime() - started) / 1_000_000);
            }
            assertThat(ready).isNotEmpty().allMatch(ms -> ms < PROMPT_MS, "answered within " + PROMPT_MS + " ms");
            burst.forEach(response -> each.accept(response.join()));
        }
    }

    private static long length(HttpResponse<?> response) {
        return response.headers().firstValueAsLong("content-length").orElseThrow();
    }
}
