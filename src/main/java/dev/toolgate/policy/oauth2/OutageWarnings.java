package dev.toolgate.policy.oauth2;

import org.slf4j.Logger;

import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The warnings of one plugin whose authorization server could not be asked: the first at once, then
 * at most one a minute, saying how many requests were refused since the last. An outage at the
 * gateway's rate would otherwise write a line for every request it refuses.
 */
final class OutageWarnings {

    static final long EVERY_MILLIS = 60_000;

    private final Logger log;
    private final InstantSource clock;
    private final AtomicLong last;
    private final AtomicLong unreported = new AtomicLong();

    OutageWarnings(Logger log, InstantSource clock) {
        this.log = log;
        this.clock = clock;
        this.last = new AtomicLong(clock.millis() - EVERY_MILLIS);
    }

    /** One refused request, and why; logged when the last line is a minute old. */
    void refused(String what, String detail) {
        long since = unreported.incrementAndGet();
        long before = last.get();
        long now = clock.millis();
        if (now - before >= EVERY_MILLIS && last.compareAndSet(before, now)) {
            unreported.addAndGet(-since);
            log.warn("{}: {} ({} request{} refused with 503 since the last report)", what, detail, since,
                    since == 1 ? "" : "s");
        }
    }
}
