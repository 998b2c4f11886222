package dev.toolgate.testing;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sessions that keep asking the gateway while a test's request is in flight, to show that request holds no event
 * loop: each asks again 20 ms after each answer (a pace that leaves the cores to the gateway, not a bound on how long
 * anything takes), every fourth {@code tools/list}, the others {@code ping}, and every answer must be a result.
 * Open more sessions than the gateway has event loops (one per core), so that some share the request's.
 */
public final class OtherSessions implements AutoCloseable {

    private final List<McpHttp> sessions = new ArrayList<>();
    private final ExecutorService pool;

    /** Opens {@code count} sessions (2025-06-18) at {@code endpoint}. */
    public OtherSessions(URI endpoint, int count) {
        for (int i = 0; i < count; i++) {
            McpHttp session = new McpHttp(endpoint);
            session.initialize("2025-06-18");
            sessions.add(session);
        }
        pool = Executors.newFixedThreadPool(count);
    }

    /**
     * How many times each session was answered before {@code inFlight} completed, in the order they were opened;
     * waits at most 30 s for it.
     */
    public List<Integer> answeredWhile(Future<?> inFlight) throws Exception {
        List<Future<Integer>> asking = new ArrayList<>();
        for (int i = 0; i < sessions.size(); i++) {
            McpHttp session = sessions.get(i);
            String method = i % 4 == 0 ? "tools/list" : "ping";
            asking.add(pool.submit(() -> answeredUntil(inFlight, session, method)));
        }
        List<Integer> times = new ArrayList<>();
        for (Future<Integer> session : asking) {
            times.add(session.get(30, TimeUnit.SECONDS));
        }
        return times;
    }

    /** Like {@link #answeredWhile(Future)}, for a request the caller makes on this thread. */
    public List<Integer> answeredWhile(ThrowingRunnable request) throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        try (ExecutorService asking = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<List<Integer>> times = asking.submit(() -> answeredWhile(done));
            try {
                request.run();
            } finally {
                done.complete(null);
            }
            return times.get(30, TimeUnit.SECONDS);
        }
    }

    /**
     * Each session was answered about as often as the one answered most: at least half as often, and at least once. A
     * session whose event loop was held answers none, or the few it read before; how many the others get depends on
     * how long the work took, which a fast machine makes short (a floor of five answers failed there).
     */
    public static void assertNoneHeldUp(List<Integer> times, String what) {
        int most = times.stream().mapToInt(Integer::intValue).max().orElseThrow();
        assertThat(times).as(what).allMatch(n -> n >= Math.max(1, most / 2));
    }

    /** A request made on the test's thread. */
    @FunctionalInterface
    public interface ThrowingRunnable {
        void run() throws Exception;
    }

    private static int answeredUntil(Future<?> inFlight, McpHttp session, String method) throws InterruptedException {
        int times = 0;
        while (!inFlight.isDone()) {
            Thread.sleep(20);
            McpHttp.Response response = session.post("{\"jsonrpc\":\"2.0\",\"id\":\"other\",\"method\":\"" + method + "\"}");
            assertThat(response.status()).as("%s", response).isEqualTo(200);
            assertThat(response.json().has("result")).as("%s", response).isTrue();
            if (!inFlight.isDone()) {
                times++;
            }
        }
        return times;
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
