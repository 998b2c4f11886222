package dev.toolgate.policy.ratelimit;

import dev.toolgate.cluster.LocalCounters;
import dev.toolgate.cluster.Period;
import dev.toolgate.cluster.Usage;
import dev.toolgate.cluster.Windows;
import io.vertx.core.MultiMap;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What a {@code local} rate limit adds to a request: counting it and writing Kong's headers. Run
 * with {@code bench/run jmh}; the budget (a request with a local limit within 5 % of one without)
 * is measured end to end by {@code bench/run cluster}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RateLimitBenchmark {

    LocalCounters counters;
    Windows second;
    Windows minuteAndHour;
    Usage usage;

    @Setup
    public void setUp() {
        counters = new LocalCounters(InstantSource.system());
        second = new Windows(Map.of(Period.SECOND, 1_000_000_000L));
        minuteAndHour = new Windows(Map.of(Period.MINUTE, 1_000_000_000L, Period.HOUR, 2_000_000_000L));
        usage = counters.hit("route|service|ip:127.0.0.1", second).result();
    }

    /** One window, as most limits are. */
    @Benchmark
    public Usage countOneWindow() {
        return counters.hit("route|service|ip:127.0.0.1", second).result();
    }

    /** Two windows in one bucket. */
    @Benchmark
    public Usage countTwoWindows() {
        return counters.hit("route|service|ip:127.0.0.1", minuteAndHour).result();
    }

    /** Kong's five headers on an answer. */
    @Benchmark
    public MultiMap writeHeaders() {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        RateLimiting.headers(headers, usage);
        return headers;
    }
}
