package dev.toolgate.observe.httplog;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.testing.AdminHttp;
import dev.toolgate.testing.CapturedLog;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A reload that changes an http-log plugin while calls are in flight (Kong keeps the queue of a changed plugin). */
@Timeout(60)
class HttpLogReloadIT {

    @Test
    void aCallInFlightWhenItsHttpLogPluginChangesIsStillLoggedAndTheReloadAnswersAtOnce() throws Exception {
        AtomicInteger posts = new AtomicInteger();
        try (RestUpstream api = new RestUpstream();
             RestUpstream logs = new RestUpstream().on("POST /logs", r -> r.response()
                     // the first entry fails: its sender then waits out a long retry delay
                     .setStatusCode(posts.incrementAndGet() == 1 ? 500 : 200).end());
             TestGateway gateway = TestGateway.start(config(api, logs, 10_000))) {
            api.on("GET /slow", r -> api.vertx().setTimer(2_000, id -> r.response()
                    .putHeader("content-type", "application/json").end("{\"done\":true}")));
            McpHttp mcp = new McpHttp(gateway.proxy("/mcp"));
            mcp.initialize("2025-06-18");
            await().atMost(Duration.ofSeconds(10)).until(() -> posts.get() >= 1);
            CompletableFuture<JsonNode> call = CompletableFuture.supplyAsync(() -> mcp.call("slow", "{}"));
            api.next();

            long started = System.nanoTime();
            AdminHttp.Response reloaded = new AdminHttp(gateway).postConfig(config(api, logs, 9_000));
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertThat(reloaded.status()).as(reloaded.toString()).isEqualTo(200);
            assertThat(call.get(10, TimeUnit.SECONDS).get("isError").asBoolean()).isFalse();
            await().atMost(Duration.ofSeconds(10)).until(() -> logs.received().stream()
                    .anyMatch(r -> "/logs".equals(r.path()) && r.body().contains("tools/call")));
            // not held up by the old queue's sender waiting out its retry delay
            assertThat(took).isLessThan(Duration.ofMillis(1500));
        }
    }

    @Test
    void aPostedHttpLogHeaderValueWithALineBreakIs400AtItsPathNeverLoggedAndTheOldConfigKeepsLogging()
            throws Exception {
        try (RestUpstream api = new RestUpstream().on("GET /slow", r -> r.response()
                     .putHeader("content-type", "application/json").end("{\"done\":true}"));
             RestUpstream logs = new RestUpstream().on("POST /logs", r -> r.response().setStatusCode(200).end());
             TestGateway gateway = TestGateway.start(config(api, logs, 10_000));
             CapturedLog log = CapturedLog.everything()) {
            AdminHttp admin = new AdminHttp(gateway);
            String before = admin.hash();
            // YAML's escapes: the value holds a CR LF, as a header injected by a template would
            String bad = config(api, logs, 10_000).replaceFirst("( *)timeout: 10000",
                    "$1timeout: 10000\n$1headers: {X-Token: \"HDRSECRET8\\\\r\\\\nX-Other: y\"}");

            AdminHttp.Response refused = admin.postConfig(bad);

            assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
            assertThat(refused.json().get("problems")).extracting(JsonNode::asText).containsExactly(
                    "services[0].routes[0].plugins[0].config.headers.X-Token: may not contain a line break, NUL or "
                            + "other control character (tab aside): the header could not be sent (the value is not shown)");
            assertThat(refused.body()).doesNotContain("HDRSECRET8");
            assertThat(admin.hash()).isEqualTo(before);
            McpHttp mcp = new McpHttp(gateway.proxy("/mcp"));
            mcp.initialize("2025-06-18");
            assertThat(mcp.call("slow", "{}").get("isError").asBoolean()).isFalse();
            await().atMost(Duration.ofSeconds(10)).until(() -> logs.received().stream()
                    .anyMatch(r -> "/logs".equals(r.path()) && r.body().contains("tools/call")));
            assertThat(log.text()).doesNotContain("HDRSECRET8");
        }
    }

    @Test
    void aPostedHttpLogHeaderNamingHostOrContentLengthIs400AtItsPathWithKongsReasonAndTheOldConfigStays()
            throws Exception {
        try (RestUpstream api = new RestUpstream();
             RestUpstream logs = new RestUpstream().on("POST /logs", r -> r.response().setStatusCode(200).end());
             TestGateway gateway = TestGateway.start(config(api, logs, 10_000))) {
            AdminHttp admin = new AdminHttp(gateway);
            String before = admin.hash();
            String bad = config(api, logs, 10_000).replaceFirst("( *)timeout: 10000",
                    "$1timeout: 10000\n$1headers: {Host: internal.HDRSECRET8, content-length: '7'}");

            AdminHttp.Response refused = admin.postConfig(bad);

            assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
            assertThat(refused.json().get("problems")).extracting(JsonNode::asText).containsExactlyInAnyOrder(
                    "services[0].routes[0].plugins[0].config.headers.Host: cannot contain 'Host' header",
                    "services[0].routes[0].plugins[0].config.headers.content-length: cannot contain "
                            + "'Content-Length' header");
            assertThat(refused.body()).doesNotContain("HDRSECRET8");
            assertThat(admin.hash()).isEqualTo(before);
        }
    }

    private static String config(RestUpstream api, RestUpstream logs, int timeout) {
        return """
                _format_version: "3.0"
                services:
                  - name: api
                    url: %s
                    routes:
                      - name: mcp
                        paths: [/mcp]
                        plugins:
                          - name: http-log
                            config:
                              http_endpoint: %s/logs
                              timeout: %d
                              queue: {initial_retry_delay: 30}
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              logging: {log_statistics: true}
                              tools:
                                - {name: slow, description: Answers after a while, method: GET, path: /slow}
                """.formatted(api.url(), logs.url(), timeout);
    }
}
