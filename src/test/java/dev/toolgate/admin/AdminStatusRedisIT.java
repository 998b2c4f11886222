package dev.toolgate.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.mcp.Json;
import dev.toolgate.testing.AdminHttp;
import dev.toolgate.testing.RedisServer;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET /status} checks each Redis in use with a PING: a burst of requests sends one, not one each. */
@Timeout(60)
class AdminStatusRedisIT {

    @Test
    void fortyStatusRequestsArrivingWhileARedisIsCheckedShareOnePing() throws Exception {
        try (RedisServer redis = RedisServer.start();
             TestGateway gateway = TestGateway.start("""
                     _format_version: "3.0"
                     services:
                       - name: api
                         url: http://127.0.0.1:9
                         routes:
                           - name: tools
                             paths: [/mcp]
                             plugins:
                               - name: ai-mcp-proxy
                                 config:
                                   mode: conversion-listener
                                   tools:
                                     - {name: ping, description: Ping, method: GET, path: /mcp/ping}
                               - name: rate-limiting
                                 config: {minute: 100, policy: redis, redis: {host: 127.0.0.1, port: %d, read_timeout: 5000}}
                     """.formatted(redis.port()))) {
            AdminHttp admin = new AdminHttp(gateway);
            assertThat(admin.get("/status").json().at("/redis/0/reachable").asBoolean()).isTrue();
            long before = pings(redis);

            redis.pause(); // the next PING waits for an answer while the burst arrives
            List<CompletableFuture<HttpResponse<String>>> burst;
            try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
                burst = IntStream.range(0, 40).mapToObj(i -> client.sendAsync(
                        HttpRequest.newBuilder(gateway.admin("/status")).build(),
                        HttpResponse.BodyHandlers.ofString())).toList();
                Thread.sleep(1_000);
                redis.resume();
                for (CompletableFuture<HttpResponse<String>> response : burst) {
                    JsonNode status = Json.MAPPER.readTree(response.join().body());
                    assertThat(status.at("/redis/0/reachable").asBoolean()).as(status.toString()).isTrue();
                }
            } finally {
                redis.resume();
            }

            assertThat(pings(redis) - before).as("PINGs for 40 requests at once").isLessThanOrEqualTo(2);
        }
    }

    @Test
    void aStatusRequestAfterAReloadChecksTheNewConfigurationsRedisWhileTheOldCheckStillHangs() throws Exception {
        try (RedisServer first = RedisServer.start();
             RedisServer added = RedisServer.start();
             TestGateway gateway = TestGateway.start(limitedBy(first, null))) {
            AdminHttp admin = new AdminHttp(gateway);
            assertThat(admin.get("/status").json().at("/redis/0/reachable").asBoolean()).isTrue();

            first.pause(); // the check started now hangs on this Redis, which the next configuration keeps
            try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
                CompletableFuture<HttpResponse<String>> hanging = client.sendAsync(
                        HttpRequest.newBuilder(gateway.admin("/status")).build(), HttpResponse.BodyHandlers.ofString());
                Thread.sleep(300);
                assertThat(admin.postConfig(limitedBy(first, added)).status()).isEqualTo(200);
                CompletableFuture<HttpResponse<String>> next = client.sendAsync(
                        HttpRequest.newBuilder(gateway.admin("/status")).build(), HttpResponse.BodyHandlers.ofString());
                Thread.sleep(1_000);
                first.resume();

                JsonNode status = Json.MAPPER.readTree(next.join().body());
                assertThat(status.get("redis").findValuesAsText("address")).as(status.toString())
                        .containsExactlyInAnyOrder("127.0.0.1:" + first.port() + "/0", "127.0.0.1:" + added.port() + "/0");
                assertThat(Json.MAPPER.readTree(hanging.join().body()).get("redis")).hasSize(1);
            } finally {
                first.resume();
            }
        }
    }

    /** A conversion route limited in {@code first}, and when {@code added} is set, a second one limited in it. */
    private static String limitedBy(RedisServer first, RedisServer added) {
        String route = """
                  - name: %s
                    url: http://127.0.0.1:9
                    routes:
                      - name: %s
                        paths: [/%s]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              tools:
                                - {name: ping, description: Ping, method: GET, path: /%s/ping}
                          - name: rate-limiting
                            config: {minute: 100, policy: redis, redis: {host: 127.0.0.1, port: %d, read_timeout: 5000}}
                """;
        return "_format_version: \"3.0\"\nservices:\n" + route.formatted("api", "tools", "mcp", "mcp", first.port())
                + (added == null ? "" : route.formatted("other", "more", "more", "more", added.port()));
    }

    /** The PINGs the server has answered so far, as its command statistics count them. */
    private static long pings(RedisServer redis) {
        io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(
                io.lettuce.core.RedisURI.create("127.0.0.1", redis.port()));
        try (var connection = client.connect()) {
            String stats = connection.sync().info("commandstats");
            return stats.lines().filter(l -> l.startsWith("cmdstat_ping:")).findFirst()
                    .map(l -> Long.parseLong(l.replaceAll("^cmdstat_ping:calls=(\\d+),.*", "$1"))).orElse(0L);
        } finally {
            client.shutdown();
        }
    }
}
