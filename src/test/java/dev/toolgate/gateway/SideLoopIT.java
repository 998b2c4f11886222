package dev.toolgate.gateway;

import dev.toolgate.testing.AdminHttp;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.OtherSessions;
import dev.toolgate.testing.RedisServer;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import io.netty.channel.EventLoop;
import io.netty.channel.SingleThreadIoEventLoop;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The admin listener (and the live page, which runs on it), the log sinks' sending and the Redis pub/sub connection
 * run on a loop the proxy does not use: while that loop is busy, the proxy's sessions on every one of its loops go on being answered. Which loop
 * that is is found the way the gateway's own connections say it (the loop their channel is registered on), and the
 * test holds it for a few seconds, as a long piece of admin or sink work would: the gateway's own heavy admin work (a
 * large {@code POST /config} answer, a listing, a scrape) is made off the loop, and what the loop does with it (its
 * write, each live page's tick) is too short to hold it alone.
 */
@Timeout(180)
class SideLoopIT {

    /** How long the side loop is held: long enough for every free session to be answered many times over. */
    private static final long HOLD_MS = 3_000;

    static RestUpstream api;
    static RestUpstream logs;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        api = new RestUpstream().json("GET /one", 200, "{\"ok\":true}");
        logs = new RestUpstream().json("POST /logs", 200, "{}");
        gateway = TestGateway.start(withLogSink(0));
    }

    /**
     * The sessions' route, {@code /mcp}, and {@code /logged}, whose http-log sink is the one the tests look for (the
     * sessions' own traffic is logged by nothing); each {@code version} is another sink, made anew when loaded.
     */
    private static String withLogSink(int version) {
        return """
                _format_version: "3.0"
                services:
                  - name: api
                    url: %s
                    routes:
                      - name: mcp
                        paths: [/mcp]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              tools:
                                - {name: one, description: One, method: GET, path: /mcp/one}
                      - name: logged
                        paths: [/logged]
                        plugins:
                          - name: http-log
                            config:
                              http_endpoint: %s/logs
                              headers: {x-version: '%d'}
                              queue: {max_batch_size: 1}
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              tools:
                                - {name: one, description: One, method: GET, path: /logged/one}
                """.formatted(api.url(), logs.url(), version);
    }

    @AfterAll
    static void stop() {
        gateway.close();
        logs.close();
        api.close();
    }

    @Test
    void proxySessionsOnEveryLoopAreAnsweredWhileTheAdminListenersLoopIsBusy() throws Exception {
        int adminPort = new AdminHttp(gateway).uri("/").getPort();
        try (Socket held = new Socket("127.0.0.1", adminPort)) {
            EventLoop admin = loopOf(gateway, channel -> port(channel, true) == adminPort);
            assertAnsweredOnEveryProxyLoopWhileHeld(admin);
        }
        assertThat(new AdminHttp(gateway).get("/status/ready").status()).isEqualTo(200);
    }

    /**
     * Each {@code POST /config} that changes the sink makes it anew, on the loader's thread: four times as many times
     * as Vert.x has loops (twice the cores), so that a sink that took whichever loop came next would all but surely
     * have taken one of the proxy's. Each loop a sink is found on is held once.
     */
    @Test
    void proxySessionsOnEveryLoopAreAnsweredWhileTheLoopOfALogSinkMadeByAReloadIsBusy() throws Exception {
        AdminHttp admin = new AdminHttp(gateway);
        int reloads = 8 * Runtime.getRuntime().availableProcessors();
        Set<EventLoop> held = new HashSet<>();
        for (int version = 1; version <= reloads; version++) {
            AdminHttp.Response loaded = admin.send("POST", "/config", null,
                    withLogSink(version).getBytes(StandardCharsets.UTF_8));
            assertThat(loaded.status()).as("%s", loaded).isEqualTo(200);
            String sent = Integer.toString(version);
            Set<SocketChannel> earlier = sinkConnections();
            McpHttp caller = new McpHttp(gateway.proxy("/logged"));
            caller.initialize("2025-06-18");
            // the new sink sent its first entry on a connection of its own
            await().atMost(Duration.ofSeconds(20)).until(() -> sent.equals(logs.next().header("x-version")));
            EventLoop sink = loopOf(gateway, channel -> port(channel, false) == logs.port() && !earlier.contains(channel));
            if (held.add(sink)) {
                assertAnsweredOnEveryProxyLoopWhileHeld(sink);
            }
        }
    }

    /**
     * The Redis pub/sub connection through which an instance hears the others (a session ended there, a tool list
     * changed) is on the side loop, the admin listener's: the messages it reads are decoded and handled there, not
     * between the requests of a proxy loop. A gateway of its own, whose sessions are shared in a real Redis; that a
     * message heard still takes effect, the cluster's tests show ({@code RedisSessionsIT}).
     */
    @Test
    void theRedisPubSubConnectionThatHearsTheOtherInstancesIsOnTheSideLoopAndOnNoProxyLoop() throws Exception {
        try (RedisServer redis = RedisServer.start(); TestGateway shared = TestGateway.start(sharedSessions(redis))) {
            await().atMost(Duration.ofSeconds(20)).until(() -> redis.subscriberPorts().size() == 1);
            int pubSub = redis.subscriberPorts().getFirst();
            int heard = number(shared, loopOf(shared, c -> port(c, false) == redis.port() && port(c, true) == pubSub));
            int adminPort = new AdminHttp(shared).uri("/").getPort();
            try (Socket held = new Socket("127.0.0.1", adminPort)) {
                assertThat(heard).as("the loop of the pub/sub connection, against the admin listener's")
                        .isEqualTo(number(shared, loopOf(shared, c -> port(c, true) == adminPort)));
            }
            assertThat(proxyLoops(shared).stream().map(loop -> number(shared, loop)).toList())
                    .as("the loops of the proxy's connections").isNotEmpty().doesNotContain(heard);
        }
    }

    /**
     * {@code GET /status}'s PING goes out and is answered on a command connection of the side loop's own: with every
     * proxy loop held, the status check still answers at once that Redis is reachable. (It took the first proxy
     * loop's connection, and waited there until its read_timeout, Redis then shown unreachable.)
     */
    @Test
    void theStatusChecksRedisPingIsAnsweredAtOnceWhileEveryProxyLoopIsHeld() throws Exception {
        try (RedisServer redis = RedisServer.start(); TestGateway shared = TestGateway.start(sharedSessions(redis))) {
            AdminHttp admin = new AdminHttp(shared);
            // the first check opens the connection; the one measured finds it open
            assertThat(admin.get("/status").json().at("/redis/0/reachable").asBoolean()).isTrue();
            Set<EventLoop> proxy = proxyLoops(shared);
            CountDownLatch began = new CountDownLatch(proxy.size());
            CountDownLatch release = new CountDownLatch(1);
            for (EventLoop loop : proxy) {
                loop.execute(() -> {
                    began.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            try {
                assertThat(began.await(30, TimeUnit.SECONDS)).isTrue();
                long started = System.nanoTime();
                AdminHttp.Response status = admin.get("/status");
                Duration took = Duration.ofNanos(System.nanoTime() - started);

                assertThat(status.json().at("/redis/0/reachable").asBoolean()).as(status.toString()).isTrue();
                assertThat(took).as("the status check with every proxy loop held").isLessThan(Duration.ofSeconds(2));
            } finally {
                release.countDown();
            }
        }
    }

    /** A route whose sessions are kept in {@code redis}: the gateway subscribes to the fleet's session events there. */
    private static String sharedSessions(RedisServer redis) {
        return """
                _format_version: "3.0"
                services:
                  - name: api
                    url: %s
                    routes:
                      - name: shared
                        paths: [/shared]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              server: {session: {strategy: redis, redis: %s}}
                              tools:
                                - {name: one, description: One, method: GET, path: /shared/one}
                """.formatted(api.url(), redis.block());
    }

    /**
     * The loops of the proxy's connections: those of twice as many connections as Vert.x has loops (four a core),
     * which the proxy's servers take in turn, so that each of its loops holds some.
     */
    private static Set<EventLoop> proxyLoops(TestGateway on) throws Exception {
        int proxyPort = on.proxy("/").getPort();
        List<Socket> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 4 * Runtime.getRuntime().availableProcessors(); i++) {
                clients.add(new Socket("127.0.0.1", proxyPort));
            }
            Set<Integer> ports = new HashSet<>(clients.stream().map(Socket::getLocalPort).toList());
            Map<EventLoop, Integer> holding = new HashMap<>();
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                holding.clear();
                holding.putAll(holding(on, c -> port(c, true) == proxyPort && ports.contains(port(c, false))));
                return holding.values().stream().mapToInt(Integer::intValue).sum() == ports.size();
            });
            return holding.keySet();
        } finally {
            for (Socket client : clients) {
                client.close();
            }
        }
    }

    /** The gateway's connections to the log endpoint, on all its loops. */
    private static Set<SocketChannel> sinkConnections() throws Exception {
        Set<SocketChannel> open = new HashSet<>();
        for (EventExecutor executor : ((VertxInternal) vertx(gateway)).nettyEventLoopGroup()) {
            EventLoop loop = (EventLoop) executor;
            open.addAll(loop.submit(() -> channels(loop).stream().filter(c -> port(c, false) == logs.port()).toList())
                    .get(10, TimeUnit.SECONDS));
        }
        return open;
    }

    private static Vertx vertx(TestGateway of) {
        return of.gateway().telemetry().sending().owner();
    }

    /**
     * Holds {@code loop} for {@link #HOLD_MS} while more sessions than the proxy has loops ask again and again: each
     * is answered again and again meanwhile.
     */
    private static void assertAnsweredOnEveryProxyLoopWhileHeld(EventLoop loop) throws Exception {
        int sessions = 4 * Math.max(2, Runtime.getRuntime().availableProcessors());
        try (OtherSessions others = new OtherSessions(gateway.proxy("/mcp"), sessions)) {
            CountDownLatch began = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            loop.execute(() -> {
                began.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertThat(began.await(30, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<Void> busy = CompletableFuture.runAsync(() -> {
                try {
                    Thread.sleep(HOLD_MS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                release.countDown();
            });
            List<Integer> times;
            try {
                times = others.answeredWhile(busy);
            } finally {
                release.countDown();
            }
            // those on every proxy loop as often as each other (a session on a held loop is answered none or one of the
            // times it asks)
            OtherSessions.assertNoneHeldUp(times, "answers to each session while the loop was held");
        }
    }

    /** The gateway's event loop on which the one connection {@code which} picks out is registered. */
    private static EventLoop loopOf(TestGateway on, Predicate<SocketChannel> which) {
        EventLoop[] found = new EventLoop[1];
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            Map<EventLoop, Integer> holding = holding(on, which);
            found[0] = holding.isEmpty() ? null : holding.keySet().iterator().next();
            return found[0] != null;
        });
        return found[0];
    }

    /** Where {@code loop} is among the gateway's event loops, for a failure's message. */
    private static int number(TestGateway on, EventLoop loop) {
        int number = 0;
        for (EventExecutor executor : ((VertxInternal) vertx(on)).nettyEventLoopGroup()) {
            if (executor == loop) {
                return number;
            }
            number++;
        }
        return -1;
    }

    /** How many of the connections {@code which} picks out each of the gateway's event loops holds. */
    private static Map<EventLoop, Integer> holding(TestGateway on, Predicate<SocketChannel> which) throws Exception {
        Map<EventLoop, Integer> holding = new HashMap<>();
        for (EventExecutor executor : ((VertxInternal) vertx(on)).nettyEventLoopGroup()) {
            EventLoop loop = (EventLoop) executor;
            int held = loop.submit(() -> (int) channels(loop).stream().filter(which).count()).get(10, TimeUnit.SECONDS);
            if (held > 0) {
                holding.put(loop, held);
            }
        }
        return holding;
    }

    /**
     * The sockets registered on {@code loop}, read on it: Netty 4.2 lists a loop's channels nowhere but in its
     * selector ({@code registeredChannelsIterator} is unsupported), which only reflection reaches.
     */
    private static List<SocketChannel> channels(EventLoop loop) throws ReflectiveOperationException {
        Method handler = SingleThreadIoEventLoop.class.getDeclaredMethod("ioHandler");
        handler.setAccessible(true);
        Object nio = handler.invoke(loop);
        Field selector = nio.getClass().getDeclaredField("unwrappedSelector");
        selector.setAccessible(true);
        return ((Selector) selector.get(nio)).keys().stream().map(SelectionKey::channel)
                .filter(SocketChannel.class::isInstance).map(SocketChannel.class::cast).toList();
    }

    /** The port of one end of {@code channel}; -1 once it is closed. */
    private static int port(SocketChannel channel, boolean local) {
        try {
            SocketAddress address = local ? channel.getLocalAddress() : channel.getRemoteAddress();
            return address instanceof InetSocketAddress inet ? inet.getPort() : -1;
        } catch (IOException e) {
            return -1;
        }
    }
}
