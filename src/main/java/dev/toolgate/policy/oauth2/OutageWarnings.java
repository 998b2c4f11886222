package dev.toolgate.policy.oauth2;

import dev.toolgate.logging.LogThrottle;
import org.slf4j.Logger;

import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The warnings of one plugin whose authorization servers could not be asked, each server's on its own:
 * its first refusal at once, then at most one line a minute, saying how many requests were refused since
 * the last. An outage at the gateway's rate would otherwise write a line for every request it refuses,
 * and one count for all servers would name only the first that failed. When a server answers again, one
 * line says so (with the refusals no line reported yet), and its next outage is told at once.
 */
final class OutageWarnings {

    static final Duration EVERY = Duration.ofMinutes(1);

    private final Logger log;
    private final InstantSource clock;
    /**
     * By server (an issuer as {@code authorization_servers} lists it, or a configured endpoint: never a
     * token's word, so as many as the configuration names), while it is out.
     */
    private final Map<String, LogThrottle> out = new ConcurrentHashMap<>();
    /** Its own lines: the gateway's limit refused these requests, not an authorization server. */
    private final LogThrottle busy;

    OutageWarnings(Logger log, InstantSource clock) {
        this.log = log;
        this.clock = clock;
        this.busy = throttle();
    }

    /**
     * One request refused because {@code server} could not be asked, and why; logged when that server's
     * last line is a minute old.
     */
    void refused(String server, String what, String detail) {
        report(out.computeIfAbsent(server, s -> throttle()), what + " (" + server + ")", detail);
    }

    /** A call to {@code server} failed, whether or not a request was refused for it: its answering again is told. */
    void failed(String server) {
        out.computeIfAbsent(server, s -> throttle());
    }

    /** {@code server} answered: if it was out, one line says it is back. */
    void answered(String server) {
        LogThrottle ended = out.remove(server);
        if (ended != null) {
            long since = ended.flush();
            log.info("the authorization server {} answers again ({} request{} refused with 503 since the last report)",
                    server, since, since == 1 ? "" : "s");
        }
    }

    /**
     * One request refused (503 with {@code Retry-After}) by a bound of the gateway's own: its calls to the
     * authorization server are all taken, or the key set's refetch limit holds the fetch a token waits for.
     */
    void busy(String what, String detail) {
        report(busy, what, detail);
    }

    private void report(LogThrottle throttle, String what, String detail) {
        long since = throttle.due(1);
        if (since > 0) {
            log.warn("{}: {} ({} request{} refused with 503 since the last report)", what, detail, since,
                    since == 1 ? "" : "s");
        }
    }

    private LogThrottle throttle() {
        return new LogThrottle(EVERY, clock::millis);
    }
}
