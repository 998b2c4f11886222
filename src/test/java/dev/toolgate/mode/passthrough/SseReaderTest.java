package dev.toolgate.mode.passthrough;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SseReaderTest {

    private final List<SseReader.Event> events = new ArrayList<>();

    @Test
    void eventsComeOutAsTextWithTheLastIdTheStreamCarriedAndPrimingEventsOnlyMoveTheId() {
        SseReader reader = new SseReader(events::add, 1024);
        reader.feed(Buffer.buffer("id: p\ndata:\n\nid: 1\ndata: {\"é\":1}\n\ndata: a\ndata: b\n\nid: 2\n\n"));

        assertThat(events).containsExactly(new SseReader.Event("1", "{\"é\":1}"), new SseReader.Event("1", "a\nb"));
        assertThat(reader.lastId()).isEqualTo("2");
    }

    @Test
    void theLastRetryOfDigitsIsKeptAndAnyOtherRetryIsIgnored() {
        SseReader reader = new SseReader(events::add, 1024);
        assertThat(reader.retryMs()).isEqualTo(-1);

        reader.feed(Buffer.buffer("id: call-5\nretry: 300\ndata: \n\nretry: 3s\n\nretry:\n\nretry: -1\n\n"));

        assertThat(reader.retryMs()).isEqualTo(300);
        assertThat(reader.lastId()).isEqualTo("call-5");
        assertThat(events).isEmpty();
    }

    @Test
    void anEventTheSizeOfTheLimitCutIntoManyChunksComesOutWhole() {
        int limit = 8 * 1024 * 1024;
        SseReader reader = new SseReader(events::add, limit);
        byte[] chunk = new byte[8192];
        Arrays.fill(chunk, (byte) 'x');
        reader.feed(Buffer.buffer("data: "));
        // each chunk is read once: a reader that rescanned what it holds took seconds of an event loop here
        for (int sent = 0; sent < limit; sent += chunk.length) {
            reader.feed(Buffer.buffer(chunk));
        }
        reader.feed(Buffer.buffer("\n\n"));

        assertThat(events).singleElement().satisfies(e -> assertThat(e.data()).hasSize(limit));
    }

    @Test
    void anEventLargerThanTheLimitFailsTheStreamBeforeItsLineEnds() {
        SseReader reader = new SseReader(events::add, 16);
        reader.feed(Buffer.buffer("data: 0123456789"));

        assertThatThrownBy(() -> reader.feed(Buffer.buffer("0123456789")))
                .isInstanceOf(SseReader.TooLarge.class).hasMessage("an upstream event is larger than 16 bytes");
        assertThat(events).isEmpty();
    }
}
