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

    // the lists are changed only inside the map's compute functions, which hold the key's lock
    private final ConcurrentHashMap<String, List<Pending>> byKey = new ConcurrentHashMap<>();
    private final AtomicInteger waiting = new AtomicInteger();

    void remember(String key, Pending request) {
        if (waiting.get() >= MAX_WAITING) {
            evict(request.startNanos());
        }
        byKey.compute(key, (k, queued) -> {
            List<Pending> list = queued == null ? new ArrayList<>(2) : queued;
            if (list.size() >= MAX_PER_ID) {
                list.removeFirst();
                waiting.decrementAndGet();
            }
            list.add(request);
            waiting.incrementAndGet();
            return list;
        });
    }

    /** Removes and returns the request {@code key} names: the one sent in {@code exchange}, else the oldest. */
    Pending take(String key, long exchange) {
        Pending[] taken = new Pending[1];
        byKey.computeIfPresent(key, (k, queued) -> {
            int index = 0;
            for (int i = 0; i < queued.size(); i++) {
                if (queued.get(i).exchange() == exchange) {
                    index = i;
                    break;
                }
            }
            taken[0] = queued.remove(index);
            waiting.decrementAndGet();
            return queued.isEmpty() ? null : queued;
        });
        return taken[0];
    }

    /** Removes the requests {@code key} names that were sent in {@code exchange}, if they still wait; never another's. */
    void drop(String key, long exchange) {
        byKey.computeIfPresent(key, (k, queued) -> {
            int before = queued.size();
            queued.removeIf(p -> p.exchange() == exchange);
            waiting.addAndGet(queued.size() - before);
            return queued.isEmpty() ? null : queued;
        });
    }

    /** How many requests wait for their answer. */
    int size() {
        return waiting.get();
    }

    private void evict(long now) {
        for (String key : byKey.keySet()) {
            byKey.computeIfPresent(key, (k, queued) -> {
                int before = queued.size();
                queued.removeIf(p -> now - p.startNanos() > TTL_NANOS);
                waiting.addAndGet(queued.size() - before);
                return queued.isEmpty() ? null : queued;
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
