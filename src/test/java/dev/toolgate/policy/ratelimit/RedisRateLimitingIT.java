package dev.toolgate.policy.ratelimit;

import dev.toolgate.cluster.FakeClock;
import dev.toolgate.testing.AdminHttp;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RedisServer;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.StallingRelay;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Kong's rate-limiting with the redis policy: two gateways share one real redis-server, so a caller is
 * limited across the fleet; Redis killed and started again, with fault_tolerant on and off.
 */
@Timeout(90)
class RedisRateLimitingIT {

    private final FakeClock clock = new FakeClock(Instant.parse("2026-11-24T10:00:30Z"));
    private RedisServer redis;
    private RestUpstream upstream;
    private TestGateway first;
    private TestGateway second;

    @BeforeEach
    void start() {
        redis = RedisServer.start();
        upstream = new RestUpstream().json("GET /mcp/ping", 200, "{\"pong\":true}").json("GET /keyed/ping", 200, "{}");
    }

    @AfterEach
    void stop() {
        for (TestGateway gateway : new TestGateway[]{first, second}) {
            if (gateway != null) {
                gateway.close();
            }
        }
        upstream.close();
        redis.close();
    }

    private String config(String extra) {
        return RateLimitingIT.config(upstream.url(), "{minute: 4, limit_by: ip, policy: redis, redis: " + redis.block()
                + extra + "}");
    }

    private static int call(TestGateway gateway) {
        return new McpHttp(gateway.proxy("/mcp")).send("POST", RateLimitingIT.CALL,
                Map.of("content-type", "application/json", "accept", McpHttp.ACCEPT_BOTH)).status();
    }

    private static McpHttp.Response response(TestGateway gateway) {
        return new McpHttp(gateway.proxy("/mcp")).send("POST", RateLimitingIT.CALL,
                Map.of("content-type", "application/json", "accept", McpHttp.ACCEPT_BOTH));
    }

    @Test
    void twoInstancesShareOneCountAndTheWindowEdgeIsExact() {
        first = TestGateway.start(config(""), clock);
        second = TestGateway.start(config(""), clock);

        assertThat(call(first)).isEqualTo(200);
        assertThat(call(second)).isEqualTo(200);
        assertThat(call(first)).isEqualTo(200);
        McpHttp.Response last = response(second);
        assertThat(last.status()).isEqualTo(200);
        assertThat(last.header("X-RateLimit-Remaining-Minute")).isEqualTo("0");
        McpHttp.Response refused = response(first);
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.header("Retry-After")).isEqualTo("30");
        assertThat(call(second)).isEqualTo(429);

        clock.set(Instant.parse("2026-11-24T10:00:59.999Z"));
        assertThat(call(first)).isEqualTo(429);
        clock.set(Instant.parse("2026-11-24T10:01:00Z"));
        assertThat(call(second)).isEqualTo(200);
        assertThat(response(first).header("X-RateLimit-Remaining-Minute")).isEqualTo("2");
    }

    private String limits(String limits) {
        return RateLimitingIT.config(upstream.url(), "{" + limits + ", policy: redis, redis: " + redis.block() + "}");
    }

    private static void reload(TestGateway gateway, String document) {
        assertThat(new AdminHttp(gateway).postConfig(document).status()).isEqualTo(200);
    }

    @Test
    void aLimitRaisedAcrossTheFleetGivesAnExhaustedCallerExactlyTheDifference() {
        first = TestGateway.start(config(""), clock);
        second = TestGateway.start(config(""), clock);
        for (int i = 0; i < 4; i++) {
            assertThat(call(i % 2 == 0 ? first : second)).isEqualTo(200);
        }
        assertThat(call(first)).isEqualTo(429);

        String raised = limits("minute: 6, limit_by: ip");
        reload(first, raised);
        reload(second, raised);
        McpHttp.Response fifth = response(second);
        assertThat(fifth.status()).isEqualTo(200);
        assertThat(fifth.header("X-RateLimit-Limit-Minute")).isEqualTo("6");
        assertThat(fifth.header("X-RateLimit-Remaining-Minute")).isEqualTo("1");
        assertThat(call(first)).isEqualTo(200);
        assertThat(call(second)).isEqualTo(429);
        assertThat(call(first)).isEqualTo(429);
    }

    @Test
    void aLimitLoweredByAReloadRefusesAtOnceACallerOverItAndRestoringItGivesNothingMore() {
        String ten = limits("day: 10, limit_by: ip");
        first = TestGateway.start(ten, clock);
        second = TestGateway.start(ten, clock);
        for (int i = 0; i < 7; i++) {
            assertThat(call(i % 2 == 0 ? first : second)).isEqualTo(200);
        }

        String five = limits("day: 5, limit_by: ip");
        reload(first, five);
        reload(second, five);
        McpHttp.Response lowered = response(first);
        assertThat(lowered.status()).as("7 used of a day now allowing 5").isEqualTo(429);
        assertThat(lowered.header("X-RateLimit-Limit-Day")).isEqualTo("5");
        assertThat(lowered.header("X-RateLimit-Remaining-Day")).isEqualTo("0");
        assertThat(call(second)).isEqualTo(429);

        reload(first, ten);
        reload(second, ten);
        for (int i = 0; i < 3; i++) {
            assertThat(call(i % 2 == 0 ? first : second)).as("call %d of the 3 left of 10", i).isEqualTo(200);
        }
        assertThat(call(first)).as("the lowered limit in between gave nothing back").isEqualTo(429);
        assertThat(call(second)).isEqualTo(429);
    }

    @Test
    void twoInstancesWithDifferentLimitsEachEnforceTheirOwnAgainstTheSharedCountNeverTheSum() {
        // a rolling deploy, or a configuration pushed to one instance first
        first = TestGateway.start(limits("hour: 3, limit_by: ip"), clock);
        second = TestGateway.start(limits("hour: 6, limit_by: ip"), clock);
        for (int i = 0; i < 3; i++) {
            assertThat(call(first)).isEqualTo(200);
        }
        assertThat(call(first)).isEqualTo(429);

        McpHttp.Response fourth = response(second);
        assertThat(fourth.status()).isEqualTo(200);
        assertThat(fourth.header("X-RateLimit-Limit-Hour")).isEqualTo("6");
        assertThat(fourth.header("X-RateLimit-Remaining-Hour")).isEqualTo("2");
        assertThat(call(second)).isEqualTo(200);
        assertThat(call(second)).isEqualTo(200);
        assertThat(call(second)).as("6 in the hour on both together").isEqualTo(429);
        assertThat(call(first)).isEqualTo(429);
    }

    @Test
    void aWindowAddedByAReloadLeavesTheSharedCountsOfTheOthers() {
        first = TestGateway.start(limits("day: 3, limit_by: ip"), clock);
        for (int i = 0; i < 3; i++) {
            assertThat(call(first)).isEqualTo(200);
        }
        reload(first, limits("minute: 2, day: 3, limit_by: ip"));
        McpHttp.Response refused = response(first);
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.header("X-RateLimit-Remaining-Minute")).isEqualTo("2");
        assertThat(refused.header("X-RateLimit-Remaining-Day")).isEqualTo("0");
    }

    @Test
    void eachRequestIsOneScriptRunAndARedisThatForgotTheScriptStillCountsIt() {
        first = TestGateway.start(limits("second: 50, minute: 1000, hour: 10000, limit_by: ip"), clock);
        assertThat(call(first)).isEqualTo(200);

        Map<String, Long> before = redis.commandCalls();
        for (int i = 0; i < 10; i++) {
            assertThat(call(first)).isEqualTo(200);
        }
        Map<String, Long> after = redis.commandCalls();
        assertThat(sent(before, after, "evalsha")).as("%s", after).isEqualTo(10);
        assertThat(sent(before, after, "eval")).isZero();
        // the script's own commands are counted too: three counts read and incremented, each once
        assertThat(sent(before, after, "incr")).isEqualTo(30);

        redis.forgetScripts();
        McpHttp.Response counted = response(first);
        assertThat(counted.status()).isEqualTo(200);
        assertThat(counted.header("X-RateLimit-Remaining-Minute")).isEqualTo(Integer.toString(1000 - 12));
        assertThat(sent(after, redis.commandCalls(), "eval")).isOne();
    }

    @Test
    void aCountIsKeptInRedisByKeyPeriodAndWindowAndExpiresWhenItsWindowEnds() {
        first = TestGateway.start(limits("minute: 5, month: 100, limit_by: ip"), clock);
        assertThat(call(first)).isEqualTo(200);

        // 2026-11-24T10:00:00Z is epoch second 1795514400; the month is named as a calendar month
        assertThat(redis.keys()).hasSize(2).allSatisfy(key -> assertThat(key).startsWith("toolgate:ratelimit:"))
                .anySatisfy(key -> assertThat(key).endsWith("|m:1795514400"))
                .anySatisfy(key -> assertThat(key).endsWith("|mo:2026-11"));
        String minute = redis.keys().stream().filter(key -> key.endsWith("|m:1795514400")).findFirst().orElseThrow();
        // 30 s of the minute are left, and a few seconds for the fleet's clocks
        assertThat(redis.ttlMillis(minute)).isBetween(30_000L, 36_000L);
    }

    private static long sent(Map<String, Long> before, Map<String, Long> after, String command) {
        return after.getOrDefault(command, 0L) - before.getOrDefault(command, 0L);
    }

    @Test
    void withASyncRateOneInstanceStillAdmitsNoMoreThanTheLimit() {
        first = TestGateway.start(config(", sync_rate: 60"), clock);

        int admitted = 0;
        for (int i = 0; i < 40; i++) {
            admitted += call(first) == 200 ? 1 : 0;
        }

        assertThat(admitted).as("calls admitted of 40 with minute: 4").isEqualTo(4);
    }

    @Test
    void aLongHeaderValueCountedByLimitByHeaderIsNotKeptAsLongAsItIs() {
        first = TestGateway.start(RateLimitingIT.config(upstream.url(), "{minute: 4, limit_by: header, header_name: x-team, "
                + "policy: redis, redis: " + redis.block() + "}"), clock);
        String team = "t".repeat(7_000);
        McpHttp gateway = new McpHttp(first.proxy("/mcp"));
        Map<String, String> headers = Map.of("content-type", "application/json", "accept", McpHttp.ACCEPT_BOTH,
                "x-team", team);
        for (int i = 0; i < 4; i++) {
            assertThat(gateway.send("POST", RateLimitingIT.CALL, headers).status()).isEqualTo(200);
        }
        // still one count per value: the value is kept as its digest, not forgotten
        assertThat(gateway.send("POST", RateLimitingIT.CALL, headers).status()).isEqualTo(429);
        assertThat(gateway.send("POST", RateLimitingIT.CALL, Map.of("content-type", "application/json",
                "accept", McpHttp.ACCEPT_BOTH, "x-team", team + "u")).status()).isEqualTo(200);

        assertThat(redis.keys().stream().mapToInt(String::length).max().orElse(0)).as("the longest counter key")
                .isBetween(1, 512);
    }

    @Test
    void aHeaderValueNoPluginConsumesIsCountedPerValueAndNoRedisKeyHoldsIt() {
        // an API key the upstream reads, not key-auth: on a route without authentication and on one with key-auth
        String limit = "{minute: 1, limit_by: header, header_name: x-upstream-key, policy: redis, redis: "
                + redis.block() + "}";
        first = TestGateway.start(RateLimitingIT.config(upstream.url(), limit)
                .replace("config: {minute: 2}", "config: " + limit), clock);
        McpHttp open = new McpHttp(first.proxy("/mcp"));
        McpHttp keyed = new McpHttp(first.proxy("/keyed"));

        assertThat(open.send("POST", RateLimitingIT.CALL, keyHeaders("secret-one")).status()).isEqualTo(200);
        assertThat(open.send("POST", RateLimitingIT.CALL, keyHeaders("secret-one")).status()).as("the same value")
                .isEqualTo(429);
        assertThat(open.send("POST", RateLimitingIT.CALL, keyHeaders("secret-two")).status()).as("another value")
                .isEqualTo(200);
        Map<String, String> alice = new java.util.HashMap<>(keyHeaders("secret-three"));
        alice.put("apikey", "alice-key");
        assertThat(keyed.send("POST", RateLimitingIT.CALL, alice).status()).isEqualTo(200);
        assertThat(keyed.send("POST", RateLimitingIT.CALL, alice).status()).isEqualTo(429);

        assertThat(redis.keys()).isNotEmpty().allSatisfy(key -> assertThat(key).doesNotContain("secret-"));
    }

    private static Map<String, String> keyHeaders(String key) {
        return Map.of("content-type", "application/json", "accept", McpHttp.ACCEPT_BOTH, "x-upstream-key", key);
    }

    @Test
    void faultTolerantLetsRequestsThroughUncountedWhileRedisIsDownAndCountsAgainAfter() {
        first = TestGateway.start(config(""), clock);
        assertThat(call(first)).isEqualTo(200);

        redis.kill();
        for (int i = 0; i < 6; i++) {
            McpHttp.Response passed = response(first);
            assertThat(passed.status()).isEqualTo(200);
            assertThat(passed.header("X-RateLimit-Limit-Minute")).as("no usage, no headers (Kong)").isNull();
        }

        redis.startAgain();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                .until(() -> response(first).header("X-RateLimit-Limit-Minute") != null);
        // the restarted Redis lost the counts (no persistence): counting starts again and ends at the limit
        int allowed = 0;
        while (call(first) == 200) {
            allowed++;
            assertThat(allowed).isLessThan(5);
        }
        assertThat(call(first)).isEqualTo(429);
    }

    @Test
    void withoutFaultToleranceRequestsAreRefusedWhileRedisIsDownAndTheGatewayRecovers() {
        first = TestGateway.start(config(", fault_tolerant: false"), clock);
        assertThat(call(first)).isEqualTo(200);

        redis.kill();
        McpHttp.Response refused = response(first);
        assertThat(refused.status()).isEqualTo(500);
        assertThat(refused.json().at("/error/message").asText()).startsWith("An unexpected error occurred")
                .doesNotContain("127.0.0.1").doesNotContain(Integer.toString(redis.port()));
        assertThat(new AdminHttp(first).get("/status").json().at("/redis/0/reachable").asBoolean()).isFalse();

        redis.startAgain();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> call(first) == 200);
        var status = new AdminHttp(first).get("/status").json();
        assertThat(status.at("/redis/0/reachable").asBoolean()).isTrue();
        assertThat(status.at("/redis/0/latency_ms").asDouble()).isPositive();
        assertThat(status.at("/redis/0/address").asText()).isEqualTo("127.0.0.1:" + redis.port() + "/0");
    }

    @Test
    void aRedisConnectionThatStopsAnsweringIsReplacedAndRequestsAreCountedAgain() {
        try (StallingRelay path = new StallingRelay(redis.port())) {
            first = TestGateway.start(RateLimitingIT.config(upstream.url(), "{minute: 1000, limit_by: ip, policy: redis, "
                    + "fault_tolerant: false, redis: {host: 127.0.0.1, port: " + path.port()
                    + ", connect_timeout: 500, read_timeout: 500}}"), clock);
            for (int i = 0; i < 8; i++) {
                assertThat(call(first)).isEqualTo(200);
            }

            // the connections stay open but nothing comes back on them; a new connection is answered
            path.stallExisting();
            assertThat(call(first)).as("a command on a stuck connection").isEqualTo(500);
            // each event loop has its connection: once every one is replaced, calls pass in a row
            await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(50))
                    .until(() -> java.util.stream.IntStream.range(0, 16).allMatch(i -> call(first) == 200));

            // one replacement per stuck connection, not one per request
            int opened = path.accepted();
            for (int i = 0; i < 16; i++) {
                assertThat(call(first)).isEqualTo(200);
            }
            assertThat(path.accepted()).as("connections opened once every lane answers again").isEqualTo(opened);
            assertThat(response(first).header("X-RateLimit-Remaining-Minute")).as("counted again").isNotNull();
        }
    }

    @Test
    void aCountCutOffWithItsStuckConnectionIsNeverRunOnTheConnectionThatReplacesIt() throws Exception {
        try (StallingRelay path = new StallingRelay(redis.port())) {
            first = TestGateway.start(RateLimitingIT.config(upstream.url(), "{minute: 1000, limit_by: ip, policy: redis, "
                    + "fault_tolerant: false, redis: {host: 127.0.0.1, port: " + path.port()
                    + ", connect_timeout: 500, read_timeout: 500}}"), clock);
            java.util.concurrent.atomic.AtomicInteger passed = new java.util.concurrent.atomic.AtomicInteger();
            Runnable one = () -> {
                if (call(first) == 200) {
                    passed.incrementAndGet();
                }
            };
            for (int i = 0; i < 8; i++) {
                one.run();
            }
            // counts in flight on a stuck connection when it is replaced: Lettuce would resend them on the new one
            // unless told to reject what a lost connection held
            for (int round = 0; round < 3; round++) {
                path.stallExisting();
                try (var requests = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
                    for (int i = 0; i < 60; i++) {
                        requests.submit(one);
                        Thread.sleep(60);
                    }
                }
            }
            McpHttp.Response last = await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                    .until(() -> response(first), r -> r.status() == 200);
            int remaining = Integer.parseInt(last.header("X-RateLimit-Remaining-Minute"));
            assertThat(1000 - remaining).as("hits Redis holds against the calls the gateway let through")
                    .isEqualTo(passed.get() + 1);
        }
    }

    @Test
    void concurrentRequestsOfOneCallerOnTwoInstancesAreAdmittedExactlyToTheLimit() throws Exception {
        first = TestGateway.start(limits("minute: 25, limit_by: service"), clock);
        second = TestGateway.start(limits("minute: 25, limit_by: service"), clock);
        List<Integer> statuses = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (var requests = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 80; i++) {
                TestGateway gateway = i % 2 == 0 ? first : second;
                requests.submit(() -> statuses.add(call(gateway)));
            }
        }
        // each counted by one script run, atomic in Redis: never past the limit nor short of it
        assertThat(statuses).hasSize(80);
        assertThat(statuses.stream().filter(s -> s == 200).count()).isEqualTo(25);
        assertThat(statuses.stream().filter(s -> s == 429).count()).isEqualTo(55);
        McpHttp.Response after = response(first);
        assertThat(after.status()).isEqualTo(429);
        assertThat(after.header("X-RateLimit-Remaining-Minute")).isEqualTo("0");
    }

    @Test
    void withRedisStalledConcurrentCountsOfOneKeyEachWaitOneReadTimeoutAtMost() throws Exception {
        first = TestGateway.start(RateLimitingIT.config(upstream.url(), "{minute: 1000, limit_by: service, policy: redis, "
                + "fault_tolerant: false, redis: {host: 127.0.0.1, port: " + redis.port()
                + ", connect_timeout: 1000, read_timeout: 1000}}"), clock);
        assertThat(call(first)).isEqualTo(200);

        redis.pause();
        List<Long> waited = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (var requests = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 12; i++) {
                requests.submit(() -> {
                    long started = System.nanoTime();
                    assertThat(call(first)).isEqualTo(500);
                    waited.add((System.nanoTime() - started) / 1_000_000);
                });
                Thread.sleep(150);
            }
        } finally {
            redis.resume();
        }

        // a count is bounded as a whole, whatever it waits for on its connection, by one read_timeout
        assertThat(waited).hasSize(12).allSatisfy(ms -> assertThat(ms).as("ms waited").isLessThan(1_600));
    }
}
