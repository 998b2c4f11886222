package dev.toolgate.policy.oauth2;

import com.nimbusds.oauth2.sdk.GeneralException;
import com.sun.net.httpserver.HttpServer;
import dev.toolgate.config.ConfigNode;
import dev.toolgate.config.ConfigReport;
import dev.toolgate.mcp.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The authorization server's metadata, fetched from a real local HTTP server on a test clock. */
class ServerMetadataTest {

    private HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicReference<byte[]> answer = new AtomicReference<>();
    private final AtomicInteger status = new AtomicInteger(200);
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-06T12:00:00Z"));

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            byte[] body = answer.get();
            exchange.sendResponseHeaders(status.get(), body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        answer.set(("{\"issuer\": \"" + issuer() + "\", \"jwks_uri\": \"" + issuer() + "/jwks\"}")
                .getBytes(StandardCharsets.UTF_8));
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void aStaleCopyServesWithoutANewTryForThirtySecondsAfterAFailedFetch() throws Exception {
        ServerMetadata metadata = metadata(60);
        assertThat(metadata.get().getIssuer().getValue()).isEqualTo(issuer());
        assertThat(requests.get()).isEqualTo(1);

        status.set(503);
        now.set(now.get().plusSeconds(61));
        assertThat(metadata.get().getIssuer().getValue()).as("the stale copy").isEqualTo(issuer());
        int afterFailure = requests.get();
        assertThat(afterFailure).as("every well-known URL was tried").isGreaterThan(1);
        for (int i = 0; i < 100; i++) {
            metadata.get();
        }
        now.set(now.get().plusSeconds(29));
        metadata.get();
        assertThat(requests.get()).as("no request before thirty seconds").isEqualTo(afterFailure);

        status.set(200);
        now.set(now.get().plusSeconds(2));
        metadata.get();
        assertThat(requests.get()).as("tried again after them").isEqualTo(afterFailure + 1);
    }

    @Test
    void anAnswerLargerThanOneMebibyteIsRefusedRatherThanHeldInMemory() {
        byte[] big = new byte[BoundedSender.MAX_ANSWER + 10];
        java.util.Arrays.fill(big, (byte) ' ');
        big[0] = '{';
        big[big.length - 1] = '}';
        answer.set(big);

        assertThatThrownBy(() -> metadata(60).get()).isInstanceOf(IOException.class)
                .hasMessageContaining("larger than 1024 KiB").hasMessageNotContaining("127.0.0.1");
    }

    @Test
    void aRedirectIsNotFollowed() throws Exception {
        server.createContext("/.well-known/oauth-authorization-server", exchange -> {
            requests.incrementAndGet();
            exchange.getResponseHeaders().add("Location", issuer() + "/elsewhere");
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
        server.createContext("/.well-known/openid-configuration", exchange -> {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
        });
        server.createContext("/elsewhere", exchange -> {
            throw new AssertionError("followed");
        });

        assertThatThrownBy(() -> metadata(60).get()).isInstanceOf(GeneralException.class)
                .hasMessageContaining("no authorization server metadata");
    }

    private ServerMetadata metadata(int ttl) throws IOException {
        ConfigReport report = new ConfigReport();
        OAuth2Config config = OAuth2Config.read(ConfigNode.at(Json.parse(("""
                {"resource": "https://api.example.com/mcp", "authorization_servers": ["%s"],
                 "metadata_cache_ttl": %d, "timeout": %d}""".formatted(issuer(), ttl,
                Duration.ofSeconds(5).toMillis())).getBytes()), "config", report));
        assertThat(report.problems()).isEmpty();
        InstantSource clock = now::get;
        return new ServerMetadata(config, config.authorizationServers().getFirst(), clock);
    }

    private String issuer() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }
}
