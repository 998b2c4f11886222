package dev.toolgate.hardening;

import dev.toolgate.http.UpstreamClient;
import dev.toolgate.http.UpstreamRequest;
import dev.toolgate.http.UpstreamResponse;
import dev.toolgate.http.UpstreamTarget;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.net.SelfSignedCertificate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.net.ssl.SSLContext;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An {@code https} service named by a host name without a dot ({@code https://localhost}, a Kubernetes
 * short name such as {@code https://api:8443}) is named in the TLS handshake (SNI), as Kong names it: the
 * JDK names only dotted hosts, and a server choosing its certificate by name, or a TLS-routing proxy, would
 * answer for another name or not at all. The upstream here serves only connections naming it.
 */
@Timeout(60)
class UpstreamServerNameIT {

    static final String NAME = "localhost";

    static Vertx vertx;
    static IdleClosingUpstream upstream;
    static UpstreamClient client;
    static UpstreamTarget target;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(SelfSignedCertificate.create(NAME).keyCertOptions().getKeyManagerFactory(vertx).getKeyManagers(),
                null, null);
        upstream = IdleClosingUpstream.overTls(60_000, tls, NAME);
        client = new UpstreamClient(vertx, 8, "test");
        target = new UpstreamTarget("secure", true, NAME, upstream.port(), false, 5_000, 5_000, 5);
    }

    @AfterAll
    static void stop() {
        client.close().await();
        vertx.close().await();
        upstream.close();
    }

    @Test
    void aToolCallToAServiceNamedWithoutADotNamesTheServer() {
        UpstreamResponse answer = onLoop(() -> client.send(new UpstreamRequest(target, HttpMethod.GET, "/buffered",
                MultiMap.caseInsensitiveMultiMap(), null, 10_000, 1 << 20)));
        assertThat(answer.status()).isEqualTo(200);
        assertThat(upstream.misnamed()).as("connections that named no server, or another").isZero();
    }

    @Test
    void aPassthroughExchangeWithAServiceNamedWithoutADotNamesTheServer() {
        int status = onLoop(() -> client.exchange(target, HttpMethod.GET, "/streamed",
                MultiMap.caseInsensitiveMultiMap(), null, Promise.promise().future(), () -> { })
                .compose(head -> head.body().map(body -> head.statusCode())));
        assertThat(status).isEqualTo(200);
        assertThat(upstream.misnamed()).as("connections that named no server, or another").isZero();
    }

    /** Runs {@code call} on an event loop, as the gateway's handlers do, and waits for its result. */
    private static <T> T onLoop(Supplier<Future<T>> call) {
        Promise<T> result = Promise.promise();
        vertx.getOrCreateContext().runOnContext(v -> call.get().onComplete(result));
        return result.future().await();
    }
}
