package dev.toolgate.observe;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * Requests seen and not answered yet, by route, session, requester and id, so that a response can
 * carry its request's method, tool and latency. Requests whose answers never cross the tap (an
 * upstream that answers with an HTML error page, a client that goes away) must not pile up: one id
 * keeps at most {@link #MAX_PER_ID} waiting requests (clients without sessions all reuse id 1, and
 * the oldest is the one whose answer was lost), and all ids together at most {@link #MAX_WAITING},
 * beyond which requests older than the TTL go, and then all but the newest half of the bound of those
 * still waiting: a flood of requests never answered costs the older ones their pairing, never all. Requests older
 * than the TTL also go on a timer ({@link #expire}), so that those never answered do not wait for the bound.
 *
 * <p>Where a response could answer more than one waiting request (a batch repeating an id, or a response
 * on another exchange while several requests of its id wait), nothing says which: the server may answer in any
 * order. Its pairing is then {@linkplain Paired#UNKNOWN unknown}, unless every candidate asked the same method of
 * the same tool, and so is that of the candidates still waiting, whose answers are as ambiguous. One request is
 * still taken per response, so that the id's requests stop waiting as their answers come.
 */
final class PendingRequests {

    static final int MAX_WAITING = 100_000;
    static final int MAX_PER_ID = 64;
    private static final long TTL_NANOS = 10L * 60 * 1_000_000_000;

    /**
     * One request: the HTTP exchange it crossed in, what it asked, and when. Its method and tool name are
     * kept as an event shows them ({@link McpEvent#MAX_TEXT} characters): a client's may be as long as its
     * body, and a request whose answer never crosses is kept for minutes, up to {@link #MAX_WAITING} of them.
     */
    record Pending(long exchange, String method, String tool, long startNanos) {

        Pending {
            method = McpEvent.bounded(method);
            tool = McpEvent.bounded(tool);
        }
    }

    /**
     * What a response is known to answer: its request's method, tool and start, or as much of them as all the
     * requests it could answer share ({@code timed} false: which one's start is not known).
     */
    record Paired(String method, String tool, boolean timed, long startNanos) {

        /** A response whose request is not known. */
        static final Paired UNKNOWN = new Paired(null, null, false, 0);

        static Paired of(Pending request) {
            return new Paired(request.method(), request.tool(), true, request.startNanos());
        }
    }

    /**
     * A request as kept: with its place in the order of arrival, across all keys, and whether a response to its id
     * already could have been its own (its answer may have gone by: whichever response pairs with it is unsure).
     */
    private record Waiting(Pending request, long arrival, boolean ambiguous) {

        /** The same request, unsure, knowing of what it asked only what {@code shared} says. */
        Waiting unsure(Paired shared) {
            return new Waiting(new Pending(request.exchange(), shared.method(), shared.tool(), request.startNanos()),
                    arrival, true);
        }
    }

    // the lists are changed only inside the map's compute functions, which hold the key's lock
    private final ConcurrentHashMap<String, List<Waiting>> byKey = new ConcurrentHashMap<>();
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicLong arrivals = new AtomicLong();
    private final AtomicBoolean evicting = new AtomicBoolean();

    void remember(String key, Pending pending) {
        Waiting request = new Waiting(pending, arrivals.getAndIncrement(), false);
        if (waiting.get() >= MAX_WAITING) {
            evict(pending.startNanos());
        }
        byKey.compute(key, (k, queued) -> {
            List<Waiting> list = queued == null ? new ArrayList<>(2) : queued;
            if (list.size() >= MAX_PER_ID) {
                list.removeFirst();
                waiting.decrementAndGet();
            }
            list.add(request);
            waiting.incrementAndGet();
            return list;
        });
    }

    /**
     * Removes the request {@code key} names (the one sent in {@code exchange}, else the oldest) and returns what is
     * known of it; null when none waits. When the response could answer another waiting request too, what they
     * share is returned, and those others are marked unsure.
     */
    Paired take(String key, long exchange) {
        return take(key, exchange, true);
    }

    /** Like {@link #take(String, long)}, but only a request sent in {@code exchange}: null when none of its waits. */
    Paired takeOwn(String key, long exchange) {
        return take(key, exchange, false);
    }

    private Paired take(String key, long exchange, boolean othersToo) {
        Paired[] taken = new Paired[1];
        byKey.computeIfPresent(key, (k, queued) -> {
            List<Integer> candidates = new ArrayList<>(1);
            for (int i = 0; i < queued.size(); i++) {
                if (queued.get(i).request().exchange() == exchange) {
                    candidates.add(i);
                }
            }
            if (candidates.isEmpty() && !othersToo) {
                return queued;
            }
            if (candidates.isEmpty()) {
                for (int i = 0; i < queued.size(); i++) {
                    candidates.add(i);
                }
            }
            Waiting first = queued.get(candidates.getFirst());
            if (candidates.size() > 1) {
                taken[0] = shared(queued, candidates);
                candidates.forEach(i -> queued.set(i, queued.get(i).unsure(taken[0])));
            } else {
                Pending request = first.request();
                taken[0] = first.ambiguous() ? new Paired(request.method(), request.tool(), false, 0) : Paired.of(request);
            }
            queued.remove((int) candidates.getFirst());
            waiting.decrementAndGet();
            return queued.isEmpty() ? null : queued;
        });
        return taken[0];
    }

    /** What the requests at {@code candidates} all asked (method and tool, when the same), with no start. */
    private static Paired shared(List<Waiting> queued, List<Integer> candidates) {
        Pending first = queued.get(candidates.getFirst()).request();
        for (int i : candidates) {
            Pending other = queued.get(i).request();
            if (!java.util.Objects.equals(other.method(), first.method())
                    || !java.util.Objects.equals(other.tool(), first.tool())) {
                return Paired.UNKNOWN;
            }
        }
        return new Paired(first.method(), first.tool(), false, 0);
    }

    /** Removes the requests {@code key} names that were sent in {@code exchange}, if they still wait; never another's. */
    void drop(String key, long exchange) {
        byKey.computeIfPresent(key, (k, queued) -> {
            int before = queued.size();
            queued.removeIf(w -> w.request().exchange() == exchange);
            waiting.addAndGet(queued.size() - before);
            return queued.isEmpty() ? null : queued;
        });
    }

    /**
     * Removes the requests waiting longer than the TTL: their answers are not coming (a server's error without an
     * id, a stream that ended without them). One walk of the table, for a timer off the request path.
     */
    void expire(long now) {
        if (!evicting.compareAndSet(false, true)) {
            return;
        }
        try {
            removeWhere(w -> expired(w.request().startNanos(), now));
        } finally {
            evicting.set(false);
        }
    }

    /** Whether a request that started at {@code startNanos} waited past the TTL by {@code now}. */
    static boolean expired(long startNanos, long now) {
        return now - startNanos > TTL_NANOS;
    }

    /** How many requests wait for their answer. */
    int size() {
        return waiting.get();
    }

    /**
     * Makes room: the expired go, then every request older than the newest half of the bound of those still
     * waiting (answered requests take no place in that count). One thread at a time walks the table; the
     * others go on meanwhile (the bound is passed by a few at most).
     */
    private void evict(long now) {
        if (!evicting.compareAndSet(false, true)) {
            return;
        }
        try {
            removeWhere(w -> expired(w.request().startNanos(), now));
            if (waiting.get() >= MAX_WAITING) {
                long newestHalf = newestHalf();
                removeWhere(w -> w.arrival() < newestHalf);
            }
        } finally {
            evicting.set(false);
        }
    }

    /** The arrival of the oldest request among the newest half of the bound that waits. */
    private long newestHalf() {
        long[] arrivals = new long[waiting.get() + 1024];
        int[] count = new int[1];
        for (String key : byKey.keySet()) {
            byKey.computeIfPresent(key, (k, queued) -> {
                for (Waiting w : queued) {
                    if (count[0] == arrivals.length) {
                        return queued; // room for those that arrive meanwhile is kept; past it, the cut is near enough
                    }
                    arrivals[count[0]++] = w.arrival();
                }
                return queued;
            });
        }
        if (count[0] <= MAX_WAITING / 2) {
            return Long.MIN_VALUE;
        }
        Arrays.sort(arrivals, 0, count[0]);
        return arrivals[count[0] - MAX_WAITING / 2];
    }

    private void removeWhere(Predicate<Waiting> gone) {
        for (String key : byKey.keySet()) {
            byKey.computeIfPresent(key, (k, queued) -> {
                int before = queued.size();
                queued.removeIf(gone);
                waiting.addAndGet(queued.size() - before);
                return queued.isEmpty() ? null : queued;
            });
        }
    }
}
