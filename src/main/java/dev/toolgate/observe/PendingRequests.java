package dev.toolgate.observe;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Requests seen and not answered yet, by route, session, requester and id, so that a response can
 * carry its request's method, tool and latency. Requests whose answers never cross the tap (an
 * upstream that answers with an HTML error page, a client that goes away) must not pile up: one id
 * keeps at most {@link #MAX_PER_ID} waiting requests (clients without sessions all reuse id 1, and
 * the oldest is the one whose answer was lost), and all ids together at most {@link #MAX_WAITING},
 * beyond which requests older than the TTL go, and then everything.
 */
final class PendingRequests {

    static final int MAX_WAITING = 100_000;
    static final int MAX_PER_ID = 64;
    private static final long TTL_NANOS = 10L * 60 * 1_000_000_000;

    /** One request: the HTTP exchange it crossed in, what it asked, and when. */
    record Pending(long exchange, String method, String tool, long startNanos) {
    }

    private final ConcurrentHashMap<String, List<Pending>> byKey = new ConcurrentHashMap<>();
    private final AtomicInteger waiting = new AtomicInteger();

    void remember(String key, Pending request) {
        if (waiting.get() >= MAX_WAITING) {
            evict(request.startNanos());
        }
        byKey.compute(key, (k, queued) -> {
            if (queued == null) {
                waiting.incrementAndGet();
                return List.of(request);
            }
            int dropped = queued.size() >= MAX_PER_ID ? 1 : 0;
            List<Pending> all = new ArrayList<>(queued.size() + 1 - dropped);
            all.addAll(queued.subList(dropped, queued.size()));
            all.add(request);
            waiting.addAndGet(1 - dropped);
            return List.copyOf(all);
        });
    }

    /** Removes and returns the request {@code key} names: the one sent in {@code exchange}, else the oldest. */
    Pending take(String key, long exchange) {
        Pending[] taken = new Pending[1];
        byKey.computeIfPresent(key, (k, queued) -> {
            Pending match = queued.getFirst();
            for (Pending p : queued) {
                if (p.exchange() == exchange) {
                    match = p;
                    break;
                }
            }
            taken[0] = match;
            waiting.decrementAndGet();
            Pending found = match;
            List<Pending> rest = queued.stream().filter(p -> p != found).toList();
            return rest.isEmpty() ? null : rest;
        });
        return taken[0];
    }

    /** How many requests wait for their answer. */
    int size() {
        return waiting.get();
    }

    private void evict(long now) {
        for (String key : byKey.keySet()) {
            byKey.computeIfPresent(key, (k, queued) -> {
                List<Pending> fresh = queued.stream().filter(p -> now - p.startNanos() <= TTL_NANOS).toList();
                waiting.addAndGet(fresh.size() - queued.size());
                return fresh.isEmpty() ? null : fresh;
            });
        }
        if (waiting.get() >= MAX_WAITING) {
            for (String key : byKey.keySet()) {
                List<Pending> removed = byKey.remove(key);
                if (removed != null) {
                    waiting.addAndGet(-removed.size());
                }
            }
        }
    }
}
