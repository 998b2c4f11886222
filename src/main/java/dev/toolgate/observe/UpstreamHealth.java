package dev.toolgate.observe;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Passive health of the services the gateway calls, from the outcome of each call: a service is
 * unhealthy after {@link #FAILURES} failures in a row (unreachable, timed out, 5xx) and healthy again
 * at its next success, as Kong's passive health checks count them. Read by {@code /metrics}
 * ({@code kong_upstream_target_health}) and the live page.
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

    private final ConcurrentHashMap<String, State> services = new ConcurrentHashMap<>();

    @Override
    public void message(McpEvent e) {
        // nothing sent upstream, or a call its client abandoned first: no evidence either way
        if (e.upstream() == null || e.upstreamStatus() < 0) {
            return;
        }
        State state = services.get(e.upstream());
        if (state == null) {
            if (services.size() >= MAX_SERVICES) {
                return;
            }
            state = services.computeIfAbsent(e.upstream(), s -> new State(s, e.upstreamAddress()));
        }
        state.record(e.upstreamFailed(), e.startedAtMillis());
    }

    /** Every service called so far. */
    public List<State> states() {
        return new ArrayList<>(services.values());
    }
}
