package dev.toolgate.observe;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Passive health of the services the gateway calls, from the outcome of each call: a service is
 * unhealthy after {@link #FAILURES} failures in a row (unreachable, timed out, 5xx) and healthy again
 * at its next success, as Kong's passive health checks count them. Read by {@code /metrics}
 * ({@code kong_upstream_target_health}) and the live page.
 *
 * <p>Kept per service and address, for the services the running configuration has: this outlives
 * reloads, and a service removed or renamed (or moved to another address) while unhealthy must not stay
 * reported unhealthy, nor under its old address, for as long as the gateway runs.
 */
public final class UpstreamHealth implements TrafficSink {

    /** Failures in a row that make a service unhealthy. */
    static final int FAILURES = 3;
    private static final int MAX_SERVICES = 1024;

    /** One service as last seen. */
    public static final class State {
        private final String service;
        private final String address;
        private int failuresInARow;
        private long calls;
        private long failures;
        private long lastMillis;

        State(String service, String address) {
            this.service = service;
            this.address = address;
        }

        public String service() {
            return service;
        }

        public String address() {
            return address;
        }

        public synchronized boolean healthy() {
            return failuresInARow < FAILURES;
        }

        public synchronized long calls() {
            return calls;
        }

        public synchronized long failures() {
            return failures;
        }

        public synchronized long lastMillis() {
            return lastMillis;
        }

        synchronized void record(boolean failed, long now) {
            calls++;
            lastMillis = now;
            if (failed) {
                failures++;
                failuresInARow++;
            } else {
                failuresInARow = 0;
            }
        }
    }

    /** A service as the configuration names it, and its {@code host:port}. */
    public record Target(String service, String address) {
    }

    private final ConcurrentHashMap<Target, State> services = new ConcurrentHashMap<>();
    /** The targets the running configuration has; null before one is known (every call is then kept). */
    private volatile Set<Target> configured;

    @Override
    public void message(McpEvent e) {
        // nothing sent upstream, or a call its client abandoned first: no evidence either way
        if (e.upstream() == null || e.upstreamStatus() < 0) {
            return;
        }
        Target target = new Target(e.upstream(), e.upstreamAddress());
        State state = services.get(target);
        if (state == null) {
            Set<Target> known = configured;
            // a call to a service the last reload removed, finishing late, must not bring it back
            if (services.size() >= MAX_SERVICES || known != null && !known.contains(target)) {
                return;
            }
            state = services.computeIfAbsent(target, t -> new State(t.service(), t.address()));
        }
        state.record(e.upstreamFailed(), e.startedAtMillis());
    }

    /** A configuration with these targets is running now: forgets every other one. */
    public void configured(Set<Target> targets) {
        configured = Set.copyOf(targets);
        services.keySet().retainAll(configured);
    }

    /** Every service called so far. */
    public List<State> states() {
        return new ArrayList<>(services.values());
    }
}
