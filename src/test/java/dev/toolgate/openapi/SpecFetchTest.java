package dev.toolgate.openapi;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Fetching a spec URL: only the URL the operator named, within bounds. */
class SpecFetchTest {

    HttpServer server;
    final AtomicInteger internalRequests = new AtomicInteger();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/redirect", exchange -> {
            exchange.getResponseHeaders().add("location", url("/internal"));
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
        server.createContext("/internal", exchange -> {
            internalRequests.incrementAndGet();
            byte[] body = "openapi: 3.0.0\n".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.createContext("/trickle", exchange -> {
            // the head at once, then a byte now and then, for longer than any load may wait
            exchange.sendResponseHeaders(200, 1_000);
            try {
                for (int i = 0; i < 1_000; i++) {
                    exchange.getResponseBody().write(' ');
                    exchange.getResponseBody().flush();
                    Thread.sleep(100);
                }
            } catch (IOException | InterruptedException e) {
                // the gateway gave up: what the test wants
            } finally {
                exchange.close();
            }
        });
        server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    @Test
    void aRedirectIsNotFollowed() {
        assertThatThrownBy(() -> SpecFetch.fetch(url("/redirect"), 1024))
                .isInstanceOf(OpenApiException.class)
                .hasMessageContaining("answered HTTP 302, a redirect, which Toolgate does not follow");
        assertThat(internalRequests).hasValue(0);
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aBodyThatTricklesIsAbandonedAtTheDeadline() {
        long started = System.nanoTime();
        assertThatThrownBy(() -> SpecFetch.fetch(url("/trickle"), 1024 * 1024, Duration.ofSeconds(1)))
                .isInstanceOf(OpenApiException.class)
                .hasMessageContaining("took longer than 1 s");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void credentialsWrittenInTheUrlAreMaskedInEveryRefusal() {
        String secret = "glpat-7f3a9c2e1b";
        String written = "http://ci:" + secret + "@127.0.0.1:" + server.getAddress().getPort();
        String shown = "http://ci:[redacted]@127.0.0.1:" + server.getAddress().getPort();
        assertThatThrownBy(() -> SpecFetch.fetch(written + "/redirect?private_token=" + secret, 1024))
                .hasMessageContaining("fetching " + shown + "/redirect?private_token=[redacted] answered HTTP 302")
                .message().doesNotContain(secret);
        assertThatThrownBy(() -> SpecFetch.fetch(written + "/internal?token=" + secret, 4))
                .hasMessageContaining(shown + "/internal?token=[redacted] is larger than 4 bytes")
                .message().doesNotContain(secret);
        assertThatThrownBy(() -> SpecFetch.fetch(written + "/trickle?token=" + secret, 1024 * 1024, Duration.ofSeconds(1)))
                .hasMessageContaining("fetching " + shown + "/trickle?token=[redacted] took longer than 1 s")
                .message().doesNotContain(secret);
        assertThatThrownBy(() -> SpecFetch.fetch("http://" + secret + "@127.0.0.1:9/x", 1024))
                .hasMessageContaining("cannot fetch http://[redacted]@127.0.0.1:9/x")
                .message().doesNotContain(secret);
    }
}
