package dev.toolgate.http;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

class GzipHeadTest {

    private static byte[] gunzip(byte[] body) throws IOException {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
            return in.readAllBytes();
        }
    }

    @Test
    void eachTailMakesOneGzipBodyThatInflatesToHeadAndTail() throws IOException {
        String head = "{\"result\":{\"tools\":[" + "{\"name\":\"getWidget\",\"description\":\"One widget\"},".repeat(5000) + "{}]}";
        GzipHead gzip = GzipHead.of(head.getBytes(StandardCharsets.UTF_8));

        for (String id : new String[] {"1", "\"a-string-id\"", "98765432101"}) {
            String tail = ",\"jsonrpc\":\"2.0\",\"id\":" + id + "}";
            byte[] body = gzip.withTail(tail.getBytes(StandardCharsets.UTF_8)).getBytes();

            assertThat(new String(gunzip(body), StandardCharsets.UTF_8)).isEqualTo(head + tail);
        }
        assertThat(gzip.deflatedLength()).isLessThan(head.length() / 20);
    }

    @Test
    void incompressibleHeadsLargerThanTheDeflaterBufferSurviveWhole() throws IOException {
        byte[] head = new byte[300 * 1024];
        new Random(7).nextBytes(head);
        byte[] tail = "}".getBytes(StandardCharsets.UTF_8);

        byte[] inflated = gunzip(GzipHead.of(head).withTail(tail).getBytes());

        assertThat(inflated).hasSize(head.length + 1);
        assertThat(inflated[head.length]).isEqualTo((byte) '}');
        assertThat(java.util.Arrays.copyOf(inflated, head.length)).isEqualTo(head);
    }

    @Test
    void anEmptyHeadStillMakesAValidBody() throws IOException {
        byte[] body = GzipHead.of(new byte[0]).withTail("{}".getBytes(StandardCharsets.UTF_8)).getBytes();

        assertThat(new String(gunzip(body), StandardCharsets.UTF_8)).isEqualTo("{}");
    }

    @Test
    void aHeadGivenInPartsInflatesToThePartsInOrderAndIsNotCopied() throws IOException {
        byte[] prefix = "{\"result\":".getBytes(StandardCharsets.UTF_8);
        byte[] page = new byte[200 * 1024];
        new Random(11).nextBytes(page);
        byte[] tail = "}".getBytes(StandardCharsets.UTF_8);
        GzipHead gzip = GzipHead.of(prefix, page);

        byte[] whole = new byte[prefix.length + page.length + tail.length];
        System.arraycopy(prefix, 0, whole, 0, prefix.length);
        System.arraycopy(page, 0, whole, prefix.length, page.length);
        whole[whole.length - 1] = '}';
        assertThat(gunzip(gzip.withTail(tail).getBytes())).isEqualTo(whole);
        assertThat(gzip.plain(tail)).isEqualTo(whole);
        assertThat(gzip.length(tail)).isEqualTo(whole.length);
    }
}
