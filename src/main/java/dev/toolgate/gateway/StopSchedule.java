package dev.toolgate.gateway;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * The timeline of one stop: the shutdown delay (readiness already says 503, connections are still
 * served), then the drain's grace, and what is left of both for the log sinks. Apart from
 * {@link Gateway} because these are waits and sums of time, the same whatever parts are stopping.
 */
final class StopSchedule {

    /** Logged under the gateway's name, as the rest of the stop is. */
    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
    /** The least the log sinks get to send what they hold as the gateway stops. */
    private static final Duration SINK_LAST_TRY = Duration.ofSeconds(1);

    private final Duration delay;
    private final long deadline;

    StopSchedule(Duration delay, Duration grace) {
        this.delay = delay;
        this.deadline = System.nanoTime() + delay.toNanos() + grace.toNanos();
    }

    /** Readiness already answers 503; connections that arrive meanwhile are still accepted and served. */
    void drainDelay() {
        if (delay.isZero()) {
            return;
        }
        LOG.info("stopping: readiness answers 503; new connections are still served for {} s", delay.toSeconds());
        try {
            Thread.sleep(delay);
        } catch (InterruptedException e) {
            // asked to hurry: the drain begins now (the flag stays clear, or the drain's own waits would end too)
            LOG.debug("the shutdown delay was cut short", e);
        }
    }

    /**
     * What the stop's deadline leaves the log sinks to send what they hold, and never less than
     * {@link #SINK_LAST_TRY}: a drain that took the whole grace still gives each queue its last try.
     */
    Duration sinkBudget() {
        Duration left = Duration.ofNanos(deadline - System.nanoTime());
        return left.compareTo(SINK_LAST_TRY) > 0 ? left : SINK_LAST_TRY;
    }
}
