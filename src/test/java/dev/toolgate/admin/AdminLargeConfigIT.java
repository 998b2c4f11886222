package dev.toolgate.admin;

import com.fasterxml.jackson.databind.JsonNode;
import ch.qos.logback.classic.Level;
import dev.toolgate.testing.AdminHttp;
import dev.toolgate.testing.CapturedLog;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The admin listener serving a large configuration (an openapi2mcp-sized conversion route of 2,000 tools, each
 * with an ACL naming groups no consumer is in: 6,000 load warnings): {@code GET /status} stays small whatever
 * the configuration's size, the dashboard's overview renders the routes once per configuration and sends them
 * only to a page that does not have them, and readiness probes are answered while many of either are read.
 */
@Timeout(180)
class AdminLargeConfigIT {

    static final int TOOLS = 2_000;

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
    void aHundredAndTwentyStatusRequestsAtOnceEachGetASmallBodyWhileReadinessKeepsAnswering() {
        readyWhile("/status", 120, response -> assertThat(length(response)).as("each /status").isLessThan(8_192));
    }

    @Test
    void theOverviewListsEveryToolWithItsAclAndLeavesThemOutForAPageThatHasThem() {
        AdminHttp.Response first = admin.get("/dashboard/overview");

        assertThat(first.status()).isEqualTo(200);
        JsonNode routes = first.json().get("routes");
        assertThat(routes).hasSize(1);
        assertThat(routes.get(0).get("tools")).hasSize(TOOLS);
        assertThat(routes.get(0).at("/tools/7/acl/allow").toString()).isEqualTo("[\"group_a_7\",\"group_b\"]");
        assertThat(first.json().get("configuration_hash").asText())
                .isEqualTo(admin.get("/status").json().get("configuration_hash").asText());
        assertThat(admin.get("/dashboard/overview").json().get("routes")).isEqualTo(routes);

        String tag = first.json().get("routes_tag").asText();
        AdminHttp.Response known = admin.get("/dashboard/overview?routes=" + tag);
        assertThat(known.body().length()).as("the page's poll, which has the routes").isLessThan(8_192);
        assertThat(known.json().has("routes")).isFalse();
        assertThat(known.json().get("routes_tag").asText()).isEqualTo(tag);
        assertThat(known.json().has("tools")).isTrue();
        assertThat(admin.get("/dashboard/overview?routes=" + tag + "x").json().get("routes")).isEqualTo(routes);
    }

    @Test
    void fortyOverviewsAtOnceRenderTheRoutesOnceAndAReloadRendersThemAgainUnderANewTag() {
        try (CapturedLog log = CapturedLog.of(Dashboard.class.getName(), Level.DEBUG)) {
            readyWhile("/dashboard/overview", 40, response -> assertThat(response.statusCode()).isEqualTo(200));
            readyWhile("/dashboard/overview", 40, response -> assertThat(response.statusCode()).isEqualTo(200));
            assertThat(renderings(log)).as("rendered at most once for the configuration served").isLessThanOrEqualTo(1);
            String tag = admin.get("/dashboard/overview").json().get("routes_tag").asText();

            assertThat(admin.send("POST", "/config", "application/yaml", document.getBytes()).status()).isEqualTo(200);
            int before = renderings(log);
            readyWhile("/dashboard/overview", 40, response -> assertThat(response.statusCode()).isEqualTo(200));
            assertThat(renderings(log)).as("rendered once for the configuration loaded").isEqualTo(before + 1);
            JsonNode reloaded = admin.get("/dashboard/overview?routes=" + tag).json();
            assertThat(reloaded.get("routes_tag").asText()).as("same document, new rendering").isNotEqualTo(tag);
            assertThat(reloaded.get("routes").get(0).get("tools")).hasSize(TOOLS);
        }
    }

    private static int renderings(CapturedLog log) {
        return (int) log.since(0).stream().filter(e -> e.getFormattedMessage().startsWith("overview routes of")).count();
    }

    @Test
    void twoHundredPagesPollingTheOverviewAtOnceEachGetASmallBodyWhileReadinessKeepsAnswering() {
        String tag = admin.get("/dashboard/overview").json().get("routes_tag").asText();

        readyWhile("/dashboard/overview?routes=" + tag, 200, response ->
                assertThat(length(response)).as("each poll").isLessThan(8_192));
    }

    /**
     * Sends {@code parallel} GETs of the path at once and probes readiness, one probe after another, until they
     * are all answered (three probes at least): each must be answered.
     */
    private static void readyWhile(String path, int parallel,
                                         java.util.function.Consumer<HttpResponse<Void>> each) {
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            List<CompletableFuture<HttpResponse<Void>>> burst = IntStream.range(0, parallel)
                    .mapToObj(i -> client.sendAsync(HttpRequest.newBuilder(gateway.admin(path)).build(),
                            HttpResponse.BodyHandlers.discarding())).toList();
            CompletableFuture<Void> all = CompletableFuture.allOf(burst.toArray(CompletableFuture[]::new));
            // what is asserted is sizes and counts, not time (speed is measured in bench/, not in tests)
            int probes = 0;
            while (!all.isDone() || probes < 3) {
                assertThat(admin.get("/status/ready").status()).isEqualTo(200);
                probes++;
            }
            burst.forEach(response -> each.accept(response.join()));
        }
    }

    private static long length(HttpResponse<?> response) {
        return response.headers().firstValueAsLong("content-length").orElseThrow();
    }
}
