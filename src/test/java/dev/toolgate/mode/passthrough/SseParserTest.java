package dev.toolgate.mode.passthrough;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class SseParserTest {

    private static final String STREAM = """
            : a comment first
            id: 1
            data:

            event: message
            id: 2
            data: {"a":1}

            data: first line
            data:second line
            retry: 10

            data
            data: x

            id: 3

            """;

    private final List<String> events = new ArrayList<>();

    private SseParser parser(int max) {
        return new SseParser((bytes, offset, length) -> events.add(new String(bytes, offset, length, StandardCharsets.UTF_8)), max);
    }

    @Test
    void eventsGiveTheirDataLinesJoinedAndSkipPrimingEventsAndOtherFields() {
        parser(1024).feed(STREAM.getBytes(StandardCharsets.UTF_8));

        assertThat(events).containsExactly("{\"a\":1}", "first line\nsecond line", "\nx");
    }

    @ParameterizedTest(name = "line ends: {0}")
    @ValueSource(strings = {"\n", "\r\n", "\r"})
    void theSameEventsComeOutWhateverTheLineEndsAndWhereverTheChunksAreCut(String lineEnd) {
        byte[] bytes = STREAM.replace("\n", lineEnd).getBytes(StandardCharsets.UTF_8);
        parser(1024).feed(bytes);
        List<String> whole = List.copyOf(events);
        Random random = new Random(42);
        for (int round = 0; round < 200; round++) {
            events.clear();
            SseParser parser = parser(1024);
            for (int at = 0; at < bytes.length; ) {
                int size = 1 + random.nextInt(round % 2 == 0 ? 3 : 40);
                parser.feed(Arrays.copyOfRange(bytes, at, Math.min(bytes.length, at + size)));
                at += size;
            }
            assertThat(events).as("round %d", round).isEqualTo(whole);
        }
        assertThat(whole).hasSize(3);
    }

    @Test
    void aCarriageReturnEndingAChunkAndALineFeedStartingTheNextAreOneLineEnd() {
        SseParser parser = parser(1024);
        parser.feed("data: a\r".getBytes(StandardCharsets.UTF_8));
        parser.feed("\n\r".getBytes(StandardCharsets.UTF_8));
        parser.feed("\ndata: b\n\n".getBytes(StandardCharsets.UTF_8));

        assertThat(events).containsExactly("a", "b");
    }

    @Test
    void anEventLargerThanTheLimitIsDroppedAndTheNextOneStillComesOut() {
        SseParser parser = parser(16);
        parser.feed(("data: " + "x".repeat(40) + "\n").getBytes(StandardCharsets.UTF_8));
        parser.feed("data: more\n\ndata: small\n\n".getBytes(StandardCharsets.UTF_8));

        assertThat(events).containsExactly("small");
    }

    @Test
    void manyDataLinesAddingUpPastTheLimitAreDroppedToo() {
        parser(16).feed("data: 0123456789\ndata: 0123456789\n\ndata: ok\n\n".getBytes(StandardCharsets.UTF_8));

        assertThat(events).containsExactly("ok");
    }

    @Test
    void anUnfinishedEventAtTheEndOfTheStreamIsNotReported() {
        parser(1024).feed("data: complete\n\ndata: cut off".getBytes(StandardCharsets.UTF_8));

        assertThat(events).containsExactly("complete");
    }

    // found by SseParserFuzzTest: a long line that is not data, cut by a chunk boundary, dropped the next event
    @Test
    void aLongCommentCutAcrossChunksDoesNotDropTheNextEvent() {
        SseParser parser = parser(16);
        parser.feed((": " + "c".repeat(40)).getBytes(StandardCharsets.UTF_8));
        parser.feed(("c".repeat(40) + "\ndata: ok\n\n").getBytes(StandardCharsets.UTF_8));
        assertThat(events).containsExactly("ok");
    }

    // found by SseParserFuzzTest: an empty chunk between the CR and the LF of one line ending made two of them
    @Test
    void anEmptyChunkBetweenCarriageReturnAndLineFeedDoesNotEndTheEvent() {
        SseParser parser = parser(1024);
        parser.feed("data: a\r".getBytes(StandardCharsets.UTF_8));
        parser.feed(new byte[0]);
        parser.feed("\ndata: b\n\n".getBytes(StandardCharsets.UTF_8));
        assertThat(events).containsExactly("a\nb");
    }

    @Test
    void theLastIdIsKeptAcrossEventsAndOneWithANullOrLongerThanTheLimitIsIgnored() {
        SseParser parser = new SseParser((bytes, offset, length) -> events.add(new String(bytes, offset, length,
                StandardCharsets.UTF_8)), 1024, true);
        parser.feed("id: 7\ndata: a\n\n".getBytes(StandardCharsets.UTF_8));
        assertThat(parser.lastId()).isEqualTo("7");
        parser.feed("data: b\n\nid:8\n\n".getBytes(StandardCharsets.UTF_8));
        assertThat(parser.lastId()).as("an id without the space, from a priming event").isEqualTo("8");
        parser.feed("id: 9\0\n\n".getBytes(StandardCharsets.UTF_8));
        parser.feed(("id: " + "x".repeat(SseParser.MAX_ID_BYTES + 1) + "\n\n").getBytes(StandardCharsets.UTF_8));
        assertThat(parser.lastId()).isEqualTo("8");
        assertThat(events).containsExactly("a", "b");
        SseParser relay = parser(1024);
        relay.feed("id: 7\ndata: a\n\n".getBytes(StandardCharsets.UTF_8));
        assertThat(relay.lastId()).as("the relay keeps no ids").isNull();
    }

    @Test
    void theSinkIsToldOnceWhenAnEventOutgrowsTheLimitBeforeItsEndlessDataLineEnds() {
        int[] told = {0};
        SseParser parser = new SseParser(new SseParser.EventSink() {
            @Override
            public void accept(byte[] bytes, int offset, int length) {
                events.add(new String(bytes, offset, length, StandardCharsets.UTF_8));
            }

            @Override
            public void oversized() {
                told[0]++;
            }
        }, 16);
        parser.feed("data: ".getBytes(StandardCharsets.UTF_8));
        for (int chunk = 0; chunk < 10; chunk++) {
            parser.feed("x".repeat(10).getBytes(StandardCharsets.UTF_8));
        }
        assertThat(told[0]).isEqualTo(1);
        parser.feed("\n\ndata: 0123456789\ndata: 0123456789\n\ndata: ok\n\n".getBytes(StandardCharsets.UTF_8));
        assertThat(told[0]).as("the second oversized event, of two lines").isEqualTo(2);
        assertThat(events).containsExactly("ok");
    }
}
