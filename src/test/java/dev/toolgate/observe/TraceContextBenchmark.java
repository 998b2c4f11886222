package dev.toolgate.observe;

import io.vertx.core.MultiMap;
import io.vertx.core.http.impl.headers.Http1xHeaders;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What reading a message's trace context costs: an MCP client's usual request headers with no trace
 * context (every format looked for, as Kong's default {@code header_type: preserve} does, against W3C's
 * one lookup), and with a B3 client's. Run with {@code bench/run jmh}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TraceContextBenchmark {

    Tracing w3c;
    Tracing every;
    MultiMap plain;
    MultiMap b3;

    @Setup
    public void setUp() {
        w3c = Tracing.w3c(1, null);
        every = new Tracing(1, TraceFormat.ALL, List.of(TraceFormat.PRESERVE), TraceFormat.W3C, null);
        plain = Http1xHeaders.httpHeaders().set("host", "127.0.0.1:8000").set("content-type", "application/json")
                .set("accept", "application/json, text/event-stream").set("content-length", "118")
                .set("mcp-session-id", "4b1e6f0c-9a51-4d7b-8a0e-3f6f3a1c2d9e").set("mcp-protocol-version", "2025-06-18")
                .set("user-agent", "claude-code/2.0").set("connection", "keep-alive");
        b3 = Http1xHeaders.httpHeaders().addAll(plain).set("b3", "463ac35c9f6413ad48485a3953bb6124-a2fb4a1d1a96d312-1");
    }

    @Benchmark
    public TraceIds w3cOnlyWithoutContext() {
        return w3c.begin(null, plain::get);
    }

    @Benchmark
    public TraceIds everyFormatWithoutContext() {
        return every.begin(null, plain::get);
    }

    @Benchmark
    public TraceIds everyFormatWithB3() {
        return every.begin(null, b3::get);
    }
}
