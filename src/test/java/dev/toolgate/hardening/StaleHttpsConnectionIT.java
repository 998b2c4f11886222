package dev.toolgate.hardening;

import dev.toolgate.http.UpstreamClient;
import dev.toolgate.http.UpstreamRequest;
import dev.toolgate.http.UpstreamResponse;
import dev.toolgate.http.UpstreamTarget;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.dns.AddressResolverOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.net.SelfSignedCertificate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.net.ssl.SSLContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A request resent after a stale pooled connection to an {@code https} upstream goes on a new connection
 * of its own: that connection must name the server (SNI) as the pooled ones do, or a server holding a
 * certificate per name, or a TLS-routing proxy in front of several, answers the resend for another name
 * or not at all. The upstream here serves only connections that name it ({@link IdleClosingUpstream#overTls})
 * and resets every connection reused after an idle pause. The gateway's client is driven directly, with a
 * resolver that knows the upstream's name: SNI carries only dotted names, which no test machine resolves.
 */
@Timeout(60)
class StaleHttpsConnectionIT {

    static final String NAME = "upstream.toolgate.test";

    static Vertx vertx;
    static IdleClosingUpstream upstream;
    static UpstreamClient client;
    static UpstreamTarget target;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx(new VertxOptions().setAddressResolverOptions(new AddressResolverOptions()
                .setHostsValue(Buffer.buffer("127.0.0.1 " + NAME + "\n"))));
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(SelfSignedCertificate.create(NAME).keyCertOptions().getKeyManagerFactory(vertx).getKeyManagers(),
                null, null);
        upstream = IdleClosingUpstream.overTls(StaleUpstreamConnectionIT.UPSTREAM_IDLE_MS, tls, NAME);
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
    void aBufferedGetResentOnANewConnectionNamesTheServer() throws InterruptedException {
        int dropped = upstream.dropped();
        for (int call = 0; call < 3; call++) {
            if (call > 0) {
                Thread.sleep(StaleUpstreamConnectionIT.PAUSE_MS);
            }
            UpstreamResponse answer = onLoop(() -> client.send(new UpstreamRequest(target, HttpMethod.GET, "/buffered",
                    MultiMap.caseInsensitiveMultiMap(), null, 10_000, 1 << 20)));
            assertThat(answer.status()).as("call %d", call).isEqualTo(200);
        }
        assertThat(upstream.dropped() - dropped).as("calls that met a connection closing under them").isGreaterThan(0);
        assertThat(upstream.misnamed()).as("connections that named no server, or another").isZero();
        assertThat(upstream.served("GET /buffered")).isEqualTo(3);
    }

    @Test
    void aStreamedGetResentOnANewConnectionNamesTheServer() throws InterruptedException {
        int dropped = upstream.dropped();
        for (int call = 0; call < 3; call++) {
            if (call > 0) {
                Thread.sleep(StaleUpstreamConnectionIT.PAUSE_MS);
            }
            int status = onLoop(() -> client.exchange(target, HttpMethod.GET, "/streamed",
                    MultiMap.caseInsensitiveMultiMap(), null, Promise.promise().future(), () -> { })
                    .compose(head -> head.body().map(body -> head.statusCode())));
            assertThat(status).as("call %d", call).isEqualTo(200);
        }
        assertThat(upstream.dropped() - dropped).as("calls that met a connection closing under them").isGreaterThan(0);
        assertThat(upstream.misnamed()).as("connections that named no server, or another").isZero();
        assertThat(upstream.served("GET /streamed")).isEqualTo(3);
    }

    /** Runs {@code call} on an event loop, as the gateway's handlers do, and waits for its result. */
    private static <T> T onLoop(java.util.function.Supplier<io.vertx.core.Future<T>> call) {
        Promise<T> result = Promise.promise();
        vertx.getOrCreateContext().runOnContext(v -> call.get().onComplete(result));
        return result.future().await();
    }
}
