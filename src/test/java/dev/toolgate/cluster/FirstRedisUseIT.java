package dev.toolgate.cluster;

import dev.toolgate.testing.GatewayProcess;
import dev.toolgate.testing.RedisServer;
import dev.toolgate.testing.RestUpstream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The first use of Redis in a process: Lettuce's classes, its client and its first connection are made
 * off the Vert.x event loops, so the first redis-limited request after a start holds up no other request
 * on its event loop. A fresh instance in its own process ({@link GatewayProcess}): in the tests' JVM, some
 * other test would have loaded Lettuce already.
 */
@Timeout(180)
class FirstRedisUseIT {

    private static final String LIST = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}";
    private static final String CALL = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"ping\"}}";
    /** Clients probing the instance meanwhile, each on a connection of its own: every event loop serves some. */
    private static final int PROBES = 6;

    private RedisServer redis;
    private RestUpstream upstream;
    private GatewayProcess gateway;
    private final List<Probe> probes = new ArrayList<>();

    @BeforeEach
    void start() {
        redis = RedisServer.start();
        upstream = new RestUpstream().json("GET /limited/ping", 200, "{\"pong\":true}");
    }

    @AfterEach
    void stop() {
        probes.forEach(Probe::stop);
        if (gateway != null) {
            gateway.close();
        }
        if (upstream != null) {
            upstream.close();
        }
        if (redis != null) {
            redis.resume();
            redis.close();
        }
    }

    private Path config() throws IOException {
        Path file = Files.createTempDirectory("toolgate-first-redis").resolve("kong.yaml");
        // timeouts long enough that the request waits for a paused Redis rather than giving up on it
        Files.writeString(file, """
                _format_version: "3.0"
                services:
                  - name: api
                    url: %s
                    routes:
                      - name: limited
                        paths: [/limited]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              server: {session: {managed: false}}
                              tools:
                                - {name: ping, description: Ping, method: GET, path: /limited/ping}
                          - name: rate-limiting
                            config: {minute: 100, policy: redis, fault_tolerant: false,
                                     redis: {host: 127.0.0.1, port: %d, connect_timeout: 30000, read_timeout: 30000}}
                      - name: plain
                        paths: [/plain]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              server: {session: {managed: false}}
                              tools:
                                - {name: ping, description: Ping, method: GET, path: /plain/ping}
                """.formatted(upstream.url(), redis.port()));
        return file;
    }

    @Test
    void theFirstRedisLimitedRequestHoldsUpNoOtherRequestOnTheEventLoopsWhileRedisConnects() throws IOException {
        // interpreted: the old stall (Lettuce's first client and connect on the event loop, about a second when
        // compiled) then lasts past Vert.x's 2 s warning threshold, while an event loop's ordinary work, a
        // route's first request included, stays well under it
        gateway = GatewayProcess.start(config(), List.of("-Xint"));

        HttpResponse<String> counted = firstUseWhileProbed(post(gateway.proxy("/plain"), LIST),
                post(gateway.proxy("/limited"), CALL));

        assertThat(counted.statusCode()).as(counted.body()).isEqualTo(200);
        assertThat(counted.headers().firstValue("X-RateLimit-Remaining-Minute")).hasValue("99");
        assertThat(gateway.log()).as("the instance's log").doesNotContain("has been blocked");
    }

    /**
     * Sends {@code first}, the first request of the instance that needs Redis, while Redis accepts connections
     * (the kernel does) and answers nothing, and {@link #PROBES} clients send {@code probe} over and over, each
     * on a connection of its own: each of them is answered several times while {@code first} still waits. Then
     * Redis answers again; returns what {@code first} got.
     */
    private HttpResponse<String> firstUseWhileProbed(HttpRequest probe, HttpRequest first) {
        for (int i = 0; i < PROBES; i++) {
            probes.add(new Probe(probe));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> probes.stream().allMatch(p -> p.answered() > 0));
        redis.pause();

        List<Integer> before = probes.stream().map(Probe::answered).toList();
        CompletableFuture<HttpResponse<String>> waiting = HttpClient.newHttpClient()
                .sendAsync(first, HttpResponse.BodyHandlers.ofString());

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            for (int i = 0; i < PROBES; i++) {
                assertThat(probes.get(i).answered()).as("answers to client %d", i).isGreaterThan(before.get(i) + 3);
            }
        });
        assertThat(waiting).as("the first request that needs Redis, while Redis answers nothing").isNotDone();
        redis.resume();
        HttpResponse<String> answer = waiting.join();
        probes.forEach(Probe::stop);
        assertThat(probes).allSatisfy(p -> assertThat(p.failures()).isEmpty());
        return answer;
    }

    private static HttpRequest post(URI uri, String body) {
        return HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                .header("content-type", "application/json")
                .header("accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    /** One client sending one request over and over, on one connection, until stopped. */
    private static final class Probe {

        private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        private final AtomicInteger answered = new AtomicInteger();
        private final List<String> failures = new CopyOnWriteArrayList<>();
        private final AtomicBoolean stopped = new AtomicBoolean();
        private final Thread thread;

        Probe(HttpRequest request) {
            thread = Thread.ofPlatform().daemon().start(() -> {
                while (!stopped.get()) {
                    try {
                        HttpResponse<String> answer = client.send(request, HttpResponse.BodyHandlers.ofString());
                        if (answer.statusCode() != 200) {
                            failures.add(answer.statusCode() + " " + answer.body());
                        }
                        answered.incrementAndGet();
                    } catch (IOException e) {
                        failures.add(e.toString());
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }

        int answered() {
            return answered.get();
        }

        List<String> failures() {
            return failures;
        }

        void stop() {
            stopped.set(true);
            try {
                thread.join(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
