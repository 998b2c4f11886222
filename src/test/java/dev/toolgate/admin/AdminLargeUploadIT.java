package dev.toolgate.admin;

import dev.toolgate.testing.AdminHttp;
import dev.toolgate.testing.CapturedLog;
import dev.toolgate.testing.RawConnection;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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

    /**
     * Readiness probes sent one after the other once the upload has been sent whole, each as soon as the last was
     * answered. The gateway's work on the body (inflating 60 MiB, parsing it) lasts hundreds of them (some 650 when
     * this was written); held on the event loop, it lets none through while it lasts: those sent wait for its end,
     * and the upload's answer follows within a few (4 when this was written). Counted, not timed: a busy machine
     * slows the probes and the work alike.
     */
    private static final int PROBES = 40;

    @Test
    void readinessProbesAreAnsweredWhileALargeUploadIsInflatedAndParsed() {
        byte[] body = largeWrappedDocument();
        int port = admin.uri("/").getPort();
        assertThat(admin.get("/status/ready").status()).isEqualTo(200);

        try (CapturedLog log = CapturedLog.everything(); RawConnection upload = RawConnection.connect(port, 0)) {
            upload.send("POST", "/config", List.of("Host: 127.0.0.1:" + port, "Content-Type: application/json",
                    "Content-Encoding: gzip", "Content-Length: " + body.length), body);
            CompletableFuture<RawConnection.Response> answer = CompletableFuture.supplyAsync(upload::readAll);

            List<Integer> probes = new ArrayList<>();
            while (probes.size() < PROBES && !answer.isDone()) {
                probes.add(admin.get("/status/ready").status());
            }
            assertThat(answer).as("the upload is still being worked on after %d probes", probes.size()).isNotDone();
            assertThat(probes).as("readiness probes answered while the upload was").hasSize(PROBES).containsOnly(200);

            RawConnection.Response loaded = answer.join();
            assertThat(loaded.status()).as("%s", loaded).isEqualTo(200);
            // a stall of the listener outside the work itself (a wait before it begins) holds the probes sent
            // meanwhile and leaves the count above as it was: Vert.x's own watchdog tells it
            assertThat(log.text()).as("no event loop was blocked").doesNotContain("has been blocked");
        }
    }
}
