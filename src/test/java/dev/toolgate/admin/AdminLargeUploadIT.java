package dev.toolgate.admin;

import dev.toolgate.testing.AdminHttp;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A large {@code POST /config} is inflated and parsed off the admin listener's event loop: the listener
 * goes on answering (its readiness probe above all) while a 60 MiB upload is read.
 */
@Timeout(120)
class AdminLargeUploadIT {

    static TestGateway gateway;
    static AdminHttp admin;

    @BeforeAll
    static void start() {
        gateway = TestGateway.start("""
                _format_version: "3.0"
                """);
        admin = new AdminHttp(gateway);
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    /**
     * {"config": "_format_version: ...", followed by some 60 MiB of JSON whitespace once inflated (light to hold:
     * nothing may come beside {@code config}, and a 60 MiB document would itself take long to load), gzip'd to a
     * few hundred KiB: the body is inflated and the wrapper parsed whole, the document it carries loads at once.
     */
    private static byte[] largeWrappedDocument() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write("{\"config\":\"_format_version: '3.0'\"".getBytes(StandardCharsets.UTF_8));
            byte[] chunk = " \r\n\t".repeat(256 * 1024).getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < 60; i++) {
                gzip.write(chunk);
            }
            gzip.write("}".getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    @Test
    void theReadinessProbeIsAnsweredPromptlyWhileALargeUploadIsInflatedAndParsed() throws Exception {
        byte[] body = largeWrappedDocument();
        assertThat(admin.get("/status/ready").status()).isEqualTo(200);

        long began = System.nanoTime();
        CompletableFuture<AdminHttp.Response> upload = CompletableFuture.supplyAsync(() -> admin.sendWithHeaders("POST",
                "/config", Map.of("content-type", "application/json", "content-encoding", "gzip"), body));
        long slowest = 0;
        int probes = 0;
        while (!upload.isDone()) {
            long start = System.nanoTime();
            assertThat(admin.get("/status/ready").status()).isEqualTo(200);
            slowest = Math.max(slowest, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            probes++;
            Thread.sleep(20);
        }

        AdminHttp.Response answer = upload.get();
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began);
        assertThat(answer.status()).as("%s", answer).isEqualTo(200);
        // against the upload's own time, not a fixed bound, so that the machine's speed cancels out: parsed on the
        // event loop, the upload held a probe for nearly all of it (4.9 s of 5 s); now 0.3 s
        assertThat(slowest).as("the slowest of %d readiness probes sent during an upload of %d ms, in ms", probes, took)
                .isLessThan(took / 3);
    }
}
