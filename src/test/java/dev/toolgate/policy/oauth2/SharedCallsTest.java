package dev.toolgate.policy.oauth2;

import dev.toolgate.http.ClientAddresses;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(20)
class SharedCallsTest {

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() {
        vertx.close().await();
    }

    @Test
    void requestsForOneKeyAtOnceShareOneCallAndEachGoesOnOnItsOwnEventLoop() throws Exception {
        SharedCalls<String> calls = new SharedCalls<>("test");
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger made = new AtomicInteger();
        Context first = vertx.getOrCreateContext();
        Context second = vertx.getOrCreateContext();
        CompletableFuture<Thread> firstDone = new CompletableFuture<>();
        CompletableFuture<Thread> secondDone = new CompletableFuture<>();
        CompletableFuture<Thread> firstLoop = new CompletableFuture<>();
        CompletableFuture<Thread> secondLoop = new CompletableFuture<>();

        first.runOnContext(v -> {
            firstLoop.complete(Thread.currentThread());
            calls.call("token", () -> {
                made.incrementAndGet();
                release.await();
                return "valid";
            }, () -> "busy").onSuccess(answer -> firstDone.complete(answer.equals("valid") ? Thread.currentThread() : null));
        });
        firstLoop.get(5, TimeUnit.SECONDS);
        second.runOnContext(v -> {
            secondLoop.complete(Thread.currentThread());
            calls.call("token", () -> {
                made.incrementAndGet();
                return "second call";
            }, () -> "busy").onSuccess(answer -> secondDone.complete(answer.equals("valid") ? Thread.currentThread() : null));
        });
        secondLoop.get(5, TimeUnit.SECONDS);
        release.countDown();

        assertThat(firstDone.get(5, TimeUnit.SECONDS)).isSameAs(firstLoop.get());
        assertThat(secondDone.get(5, TimeUnit.SECONDS)).as("the joined answer, on the second request's loop")
                .isSameAs(secondLoop.get());
        assertThat(made).hasValue(1);
        assertThat(calls.inFlight()).isZero();
    }

    @Test
    void pastTheLimitARequestIsAnsweredBusyAtOnceAndTheNextAfterACallEndsIsServed() throws Exception {
        SharedCalls<String> calls = new SharedCalls<>("test", 2);
        CountDownLatch release = new CountDownLatch(1);
        Future<String> a = calls.call("a", () -> {
            release.await();
            return "a";
        }, () -> "busy");
        Future<String> b = calls.call("b", () -> {
            release.await();
            return "b";
        }, () -> "busy");

        assertThat(calls.call("c", () -> "c", () -> "busy").result()).isEqualTo("busy");
        assertThat(calls.inFlight()).isEqualTo(2);

        release.countDown();
        assertThat(a.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS)).isEqualTo("a");
        assertThat(b.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS)).isEqualTo("b");
        assertThat(calls.call("c", () -> "c", () -> "busy").toCompletionStage().toCompletableFuture()
                .get(5, TimeUnit.SECONDS)).isEqualTo("c");
    }

    @Test
    void aCallThatFailsFailsItsRequestAndTheNextRequestCallsAgain() throws Exception {
        SharedCalls<String> calls = new SharedCalls<>("test");
        Future<String> failed = calls.call("token", () -> {
            throw new IllegalStateException("the server answered nonsense");
        }, () -> "busy");
        assertThat(failed.toCompletionStage().toCompletableFuture().handle((v, e) -> e).get(5, TimeUnit.SECONDS))
                .hasMessage("the server answered nonsense");
        assertThat(calls.inFlight()).isZero();
        assertThat(calls.call("token", () -> "valid", () -> "busy").toCompletionStage().toCompletableFuture()
                .get(5, TimeUnit.SECONDS)).isEqualTo("valid");
    }

    @Test
    void anIpv6ClientsShareIsItsSlash64AndAnIpv4MappedAddressIsItsIpv4Address() {
        assertThat(ClientAddresses.network("2001:db8:1:2:aaaa::1"))
                .isEqualTo(ClientAddresses.network("2001:db8:1:2:bbbb:cccc:dddd:eeee"))
                .isEqualTo("20010db800010002::/64");
        assertThat(ClientAddresses.network("2001:db8:1:3::1")).isNotEqualTo(ClientAddresses.network("2001:db8:1:2::1"));
        assertThat(ClientAddresses.network("::ffff:10.0.0.1")).isEqualTo("10.0.0.1");
        assertThat(ClientAddresses.network("10.0.0.1")).isEqualTo("10.0.0.1");
        assertThat(ClientAddresses.network("not an address")).isEqualTo("not an address");
    }
}
