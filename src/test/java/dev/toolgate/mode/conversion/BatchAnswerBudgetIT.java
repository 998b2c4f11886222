package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.toolgate.testing.McpAssertions.assertStillServes;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A batch's 32 MiB bound on its answers holds while its calls run: the calls of one batch never read
 * more upstream bytes between them than that, however many run at once.
 */
@Timeout(60)
class BatchAnswerBudgetIT {

    private static final int CALLS = 8;
    /** Each answer: 12 MiB, under the 16 MiB a single call may read; eight of them are 96 MiB. */
    private static final int HEAD = 11 * 1024 * 1024;
    private static final int TAIL = 1024 * 1024;
    private static final Buffer CHUNK = Buffer.buffer("a".repeat(64 * 1024));

    static RestUpstream upstream;
    static TestGateway gateway;

    /** Calls whose upstream connection was closed under them before their answer was all sent. */
    static final AtomicInteger cutOff = new AtomicInteger();
    static final AtomicInteger held = new AtomicInteger();
    static final Promise<Void> allHeld = Promise.promise();

    @BeforeAll
    static void start() {
        upstream = new RestUpstream().on("GET /big", BatchAnswerBudgetIT::answer);
        gateway = TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: api
                    url: %s
                    routes:
                      - name: mcp
                        paths: [/mcp]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              tools:
                                - {name: big, description: Big, method: GET, path: /mcp/big}
                """.formatted(upstream.url()));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    /**
     * Sends the first 11 MiB at once, and the last MiB only once every call of the batch has had its
     * first 11 MiB taken or was cut off: a gateway that reads every call to its end holds 88 MiB then.
     */
    private static void answer(HttpServerRequest request) {
        HttpServerResponse response = request.response().setChunked(true).putHeader("content-type", "text/plain");
        AtomicBoolean arrived = new AtomicBoolean();
        AtomicBoolean ended = new AtomicBoolean();
        Runnable arrive = () -> {
            if (arrived.compareAndSet(false, true) && held.incrementAndGet() == CALLS) {
                allHeld.tryComplete();
            }
        };
        response.closeHandler(v -> {
            if (!ended.get()) {
                cutOff.incrementAndGet();
            }
            arrive.run();
        });
        write(response, HEAD, () -> {
            arrive.run();
            // a little longer for the gateway to read what the kernel holds of the other answers
            allHeld.future().onComplete(all -> upstream.vertx().setTimer(500, t -> write(response, TAIL, () -> {
                ended.set(true);
                response.end();
            })));
        });
        upstream.vertx().setTimer(20_000, t -> allHeld.tryComplete());
    }

    private static void write(HttpServerResponse response, int bytes, Runnable then) {
        int left = bytes;
        while (left > 0 && !response.closed() && !response.writeQueueFull()) {
            int n = Math.min(left, CHUNK.length());
            response.write(CHUNK.slice(0, n));
            left -= n;
        }
        if (response.closed()) {
            return;
        }
        if (left == 0) {
            // the handler that resumed this write must not fire again on a later drain and write its part twice
            response.drainHandler(null);
            then.run();
            return;
        }
        int rest = left;
        response.drainHandler(v -> write(response, rest, then));
    }

    @Test
    void callsOfOneBatchAreCutOffOnceTheirAnswersTogetherWouldPass32MiBWhileTheyRun() {
        McpHttp mcp = new McpHttp(gateway.proxy("/mcp"));
        mcp.initialize("2025-03-26");
        List<String> calls = new ArrayList<>();
        for (int i = 1; i <= CALLS; i++) {
            calls.add("{\"jsonrpc\":\"2.0\",\"id\":" + i + ",\"method\":\"tools/call\",\"params\":{\"name\":\"big\"}}");
        }

        McpHttp.Response response = mcp.post("[" + String.join(",", calls) + "]");

        assertThat(response.status()).isEqualTo(200);
        JsonNode answers = response.json();
        assertThat(answers).hasSize(CALLS);
        int results = 0;
        for (int i = 0; i < CALLS; i++) {
            JsonNode answer = answers.get(i);
            assertThat(answer.path("id").asInt()).isEqualTo(i + 1);
            if (answer.has("result")) {
                results++;
                assertThat(answer.at("/result/isError").asBoolean(false)).as(answer.at("/result/content/0/text").asText()).isFalse();
                assertThat(answer.at("/result/content/0/text").asText()).hasSize(HEAD + TAIL);
            } else {
                assertThat(answer.at("/error/code").asInt()).isEqualTo(-32600);
                assertThat(answer.at("/error/message").asText()).contains("would pass 32 MiB");
            }
        }
        // two 12 MiB answers fit in 32 MiB, a third does not
        assertThat(results).isBetween(1, 2);
        // the gateway held no more than 32 MiB of answers at once: at most two calls read on past their 11 MiB
        assertThat(cutOff.get()).as("calls cut off while their answers arrived").isGreaterThanOrEqualTo(CALLS - 2);
        assertStillServes(mcp);
    }
}
