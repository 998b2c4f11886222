package dev.toolgate.policy.oauth2;

import dev.toolgate.logging.LogThrottle;
import org.slf4j.Logger;

import java.time.Duration;
import java.time.InstantSource;

/**
 * The warnings of one plugin whose authorization server could not be asked: the first at once, then
 * at most one a minute, saying how many requests were refused since the last. An outage at the
 * gateway's rate would otherwise write a line for every request it refuses.
 */
final class OutageWarnings {

    static final Duration EVERY = Duration.ofMinutes(1);

    private final Logger log;
    private final LogThrottle throttle;

    OutageWarnings(Logger log, InstantSource clock) {
        this.log = log;
        this.throttle = new LogThrottle(EVERY, clock::millis);
    }

    /** One refused request, and why; logged when the last line is a minute old. */
    void refused(String what, String detail) {
        long since = throttle.due(1);
        if (since > 0) {
            log.warn("{}: {} ({} request{} refused with 503 since the last report)", what, detail, since,
                    since == 1 ? "" : "s");
        }
    }
}
