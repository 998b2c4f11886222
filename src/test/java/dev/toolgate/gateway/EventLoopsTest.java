package dev.toolgate.gateway;

import io.netty.channel.EventLoop;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class EventLoopsTest {

    private Vertx vertx;

    @AfterEach
    void close() {
        vertx.close().await();
    }

    private EventLoops.Plan plan(int loops, int cores) {
        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops));
        return EventLoops.Plan.of(vertx, cores);
    }

    @Test
    void eachProxyInstanceHasALoopOfItsOwnAndTheSideLoopIsNoneOfThem() {
        EventLoops.Plan plan = plan(4, 2);

        assertThat(plan.proxy()).hasSize(2).doesNotHaveDuplicates();
        assertThat(plan.proxy()).doesNotContain(plan.side().nettyEventLoop());
    }

    @Test
    void aJvmToldOfMoreProcessorsThanVertxHasLoopsForKeepsTheSideLoopApart() {
        // -XX:ActiveProcessorCount=5 on two CPUs: Vert.x runs four loops
        EventLoops.Plan plan = plan(4, 5);

        List<EventLoop> proxy = plan.proxy();
        assertThat(new HashSet<>(proxy)).as("a loop per proxy instance").hasSameSizeAs(proxy);
        assertThat(proxy).hasSize(3).doesNotContain(plan.side().nettyEventLoop());
    }

    @Test
    void oneCoreServesTheProxyOnOneLoopAndTheSideOnTheOther() {
        EventLoops.Plan plan = plan(2, 1);

        assertThat(plan.proxy()).hasSize(1).doesNotContain(plan.side().nettyEventLoop());
    }
}
