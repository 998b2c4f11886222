package dev.toolgate.observe;

import dev.toolgate.testing.AdminHttp;
import dev.toolgate.testing.CapturedLog;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.ObservedModes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Log destinations that are down or never answer do not slow the gateway nor grow its memory: an
 * http-log endpoint that accepts connections and never answers, and an OpenTelemetry collector whose
 * port is closed, with small queues; thousands of calls later the throughput is what it was at the
 * start, the heap has not grown, and {@code /metrics} counts the dropped events.
 */
@Timeout(180)
class SlowSinkIT {

    static ServerSocket blackHole;
    static final List<Socket> held = new CopyOnWriteArrayList<>();
    static ObservedModes modes;

    static CapturedLog log;

    @BeforeAll
    static void start() throws IOException {
        log = CapturedLog.everything();
        blackHole = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon().start(() -> {
            while (!blackHole.isClosed()) {
                try {
                    held.add(blackHole.accept());
                } catch (IOException closed) {
                    return;
                }
            }
        });
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = probe.getLocalPort();
        }
        modes = ObservedModes.start("""
                  - name: http-log
                    config:
                      http_endpoint: http://127.0.0.1:%d/receiver/v1/http/PATH-T0KEN?dd-api-key=QUERY-T0KEN
                      timeout: 300
                      queue: {max_entries: 50, max_retry_time: 1}
                  - name: opentelemetry
                    config:
                      traces_endpoint: http://127.0.0.1:%d/v1/traces
                      sampling_rate: 1.0
                      connect_timeout: 100
                      queue: {max_entries: 50, max_retry_time: 1, max_coalescing_delay: 0.01}
                """.formatted(blackHole.getLocalPort(), closedPort), "{log_statistics: true, log_payloads: true}");
    }

    @AfterAll
    static void stop() throws IOException {
        log.close();
        if (modes != null) {
            modes.close();
        }
        blackHole.close();
        for (Socket s : held) {
            s.close();
        }
    }

    @Test
    void throughputAndMemoryStayFlatAndDroppedEventsAreCounted() throws Exception {
        URI endpoint = modes.conversion();
        int threads = 8;
        int rounds = 5;
        int perRound = 400;
        McpHttp[] clients = new McpHttp[threads];
        for (int i = 0; i < threads; i++) {
            clients[i] = new McpHttp(endpoint);
            clients[i].initialize("2025-06-18");
        }
        double[] rates = new double[rounds];
        long heapAtStart = 0;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int round = 0; round < rounds; round++) {
                AtomicInteger next = new AtomicInteger();
                AtomicInteger failed = new AtomicInteger();
                long started = System.nanoTime();
                List<Future<?>> running = new java.util.ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    McpHttp client = clients[t];
                    running.add(pool.submit(() -> {
                        while (next.getAndIncrement() < perRound) {
                            McpHttp.Response r = client.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\","
                                    + "\"params\":{\"name\":\"get_widget\",\"arguments\":{\"path_id\":\"42\"}}}");
                            if (r.status() != 200 || !r.body().contains("sprocket")) {
                                failed.incrementAndGet();
                            }
                        }
                    }));
                }
                for (Future<?> f : running) {
                    f.get();
                }
                rates[round] = perRound / ((System.nanoTime() - started) / 1e9);
                assertThat(failed.get()).as("calls that failed in round %d", round).isZero();
                if (round == 0) {
                    heapAtStart = heapAfterGc();
                }
            }
        } finally {
            pool.shutdownNow();
        }
        long heapAtEnd = heapAfterGc();
        double first = Math.max(rates[0], rates[1]);
        double last = Math.max(rates[rounds - 1], rates[rounds - 2]);
        assertThat(last).as("calls/s at the end (%s) against the start", java.util.Arrays.toString(rates))
                .isGreaterThan(first * 0.5);
        assertThat(heapAtEnd - heapAtStart).as("heap growth in bytes").isLessThan(32L << 20);

        AdminHttp admin = new AdminHttp(modes.gateway());
        assertThat(admin.dropped("http-log")).isGreaterThan(1000);
        assertThat(admin.dropped("opentelemetry")).isGreaterThan(1000);
    }

    @Test
    void aFailedDeliveryIsLoggedByItsKindWithoutTheTokensOfTheEndpointsPathAndQuery() throws Exception {
        McpHttp client = new McpHttp(modes.conversion());
        client.initialize("2025-06-18");
        client.call("get_widget", "{\"path_id\":\"42\"}");
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() -> log.text()
                .contains("could not deliver (no answer within the timeout)"));
        assertThat(log.text()).doesNotContain("T0KEN");
    }

    private static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
