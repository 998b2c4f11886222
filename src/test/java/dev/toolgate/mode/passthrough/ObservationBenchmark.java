package dev.toolgate.mode.passthrough;

import dev.toolgate.observe.TapEvent;
import dev.toolgate.observe.MessageTap;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * What watching passthrough traffic costs per 64 KiB of SSE (about 65 one-kilobyte events) beside
 * only copying those bytes, and per JSON-RPC exchange. Run with {@code bench/run jmh}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ObservationBenchmark {

    static final String EVENT = "event: message\nid: 7\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\","
            + "\"params\":{\"level\":\"info\",\"data\":\"" + "x".repeat(900) + "\"}}\n\n";
    static final byte[] CALL = ("{\"jsonrpc\":\"2.0\",\"id\":17,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\","
            + "\"arguments\":{\"message\":\"hello\"}}}").getBytes(StandardCharsets.UTF_8);
    static final byte[] RESULT = ("{\"jsonrpc\":\"2.0\",\"id\":17,\"result\":{\"content\":[{\"type\":\"text\","
            + "\"text\":\"Echo: hello\"}],\"isError\":false}}").getBytes(StandardCharsets.UTF_8);

    byte[] chunk;
    byte[] copy;
    long events;
    SseParser counting;
    SseParser observing;
    MessageTap tap;

    @Setup
    public void setUp() {
        StringBuilder text = new StringBuilder();
        while (text.length() + EVENT.length() <= 64 * 1024) {
            text.append(EVENT);
        }
        chunk = text.toString().getBytes(StandardCharsets.UTF_8);
        copy = new byte[chunk.length];
        counting = new SseParser((bytes, offset, length) -> events++, 8 << 20);
        tap = new MessageTap(event -> events++, System::nanoTime);
        observing = new SseParser((bytes, offset, length) -> tap.observe("r", "s", 1, TapEvent.Direction.SERVER_TO_CLIENT,
                bytes, offset, length), 8 << 20);
    }

    /** The floor: the bytes copied once, as relaying them costs at least. */
    @Benchmark
    public byte[] copyChunk() {
        System.arraycopy(chunk, 0, copy, 0, chunk.length);
        return copy;
    }

    /** Events found in the chunk. */
    @Benchmark
    public long parseSseChunk() {
        counting.feed(chunk);
        return events;
    }

    /** Events found and each read as a JSON-RPC message (what passthrough does on the event loop). */
    @Benchmark
    public long observeSseChunk() {
        observing.feed(chunk);
        return events;
    }

    /** A {@code tools/call} and its result, read and paired (what each passthrough exchange costs). */
    @Benchmark
    public long observeCallAndResult() {
        tap.observe("r", "s", 1, TapEvent.Direction.CLIENT_TO_SERVER, CALL, 0, CALL.length);
        tap.observe("r", "s", 1, TapEvent.Direction.SERVER_TO_CLIENT, RESULT, 0, RESULT.length);
        return events;
    }
}
