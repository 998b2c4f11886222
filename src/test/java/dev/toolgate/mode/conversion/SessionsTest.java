package dev.toolgate.mode.conversion;

import dev.toolgate.cluster.InMemorySessionStore;
import dev.toolgate.cluster.SessionBus;
import dev.toolgate.mcp.SessionIds;
import io.netty.channel.EventLoop;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.VertxInternal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.InstantSource;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** What this instance's sessions do with the calls running in them. */
class SessionsTest {

    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static Sessions sessions() {
        return new Sessions(new SessionBus(), new InMemorySessionStore(InstantSource.system(),
                new SessionIds(new Random(7))), InstantSource.system(), 10);
    }

    private Context onLoop(int index) {
        var loops = ((VertxInternal) vertx).nettyEventLoopGroup().iterator();
        EventLoop loop = (EventLoop) loops.next();
        for (int i = 0; i < index; i++) {
            loop = (EventLoop) loops.next();
        }
        return ((VertxInternal) vertx).contextBuilder().withEventLoop(loop).build();
    }

    private static String threadOf(Context context) throws Exception {
        CompletableFuture<String> name = new CompletableFuture<>();
        context.runOnContext(v -> name.complete(Thread.currentThread().getName()));
        return name.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aCallCancelledFromAnotherEventLoopIsStoppedOnItsOwn() throws Exception {
        Sessions sessions = sessions();
        // two contexts on the two loops, as a call's and the loop its client's cancellation (or Redis's) came to
        Context call = onLoop(0);
        Context other = onLoop(1);
        Promise<Void> cancel = Promise.promise();
        CompletableFuture<String> stoppedOn = new CompletableFuture<>();
        CompletableFuture<Void> tracked = new CompletableFuture<>();
        call.runOnContext(v -> {
            cancel.future().onComplete(done -> stoppedOn.complete(Thread.currentThread().getName()));
            sessions.calls().started(ToolCalls.callKey("s1", "7"), cancel);
            tracked.complete(null);
        });
        tracked.get(10, TimeUnit.SECONDS);

        other.runOnContext(v -> sessions.cancel("endpoint", "s1", "7"));

        assertThat(stoppedOn.get(10, TimeUnit.SECONDS)).isEqualTo(threadOf(call)).isNotEqualTo(threadOf(other));
    }

    @Test
    void aCallThatEndedIsNoLongerCancelledButOneReusingItsIdStillIs() throws Exception {
        Sessions sessions = sessions();
        Promise<Void> first = Promise.promise();
        Promise<Void> second = Promise.promise();
        String key = ToolCalls.callKey("s1", "7");
        sessions.calls().started(key, first);
        sessions.calls().started(key, second);
        sessions.calls().finished(key, first);

        sessions.cancel("endpoint", "s1", "7");

        assertThat(second.future().isComplete()).isTrue();
        assertThat(first.future().isComplete()).isFalse();
    }
}
