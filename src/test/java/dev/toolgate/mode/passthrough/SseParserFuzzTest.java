package dev.toolgate.mode.passthrough;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes the SSE parser with any bytes, cut anywhere: it never throws, never reports more data than it
 * was fed, and finds the same events whatever the cuts (the stream arrives in chunks the network chose).
 */
class SseParserFuzzTest {

    @FuzzTest(maxDuration = "5s")
    void theSameEventsWhereverTheStreamIsCut(FuzzedDataProvider data) {
        int limit = data.consumeInt(1, 4096);
        int cuts = data.consumeInt(0, 16);
        int[] sizes = new int[cuts];
        for (int i = 0; i < cuts; i++) {
            sizes[i] = data.consumeInt(0, 64);
        }
        byte[] stream = data.consumeRemainingAsBytes();

        List<String> whole = events(stream, limit, new int[0]);
        List<String> cut = events(stream, limit, sizes);

        assertThat(cut).isEqualTo(whole);
        assertThat(whole.stream().mapToInt(e -> e.isEmpty() ? 0 : e.split(",").length).sum())
                .as("bytes reported").isLessThanOrEqualTo(stream.length);
    }

    private static List<String> events(byte[] stream, int limit, int[] sizes) {
        List<String> events = new ArrayList<>();
        SseParser parser = new SseParser((bytes, offset, length) -> {
            assertThat(length).isLessThanOrEqualTo(limit);
            events.add(Arrays.toString(Arrays.copyOfRange(bytes, offset, offset + length)));
        }, limit);
        int at = 0;
        for (int size : sizes) {
            int end = Math.min(stream.length, at + size);
            parser.feed(Arrays.copyOfRange(stream, at, end));
            at = end;
        }
        parser.feed(Arrays.copyOfRange(stream, at, stream.length));
        return events;
    }
}
