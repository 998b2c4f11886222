package dev.toolgate.openapi;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
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
}
