package dev.toolgate.observe;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;

/**
 * The log plugins' long-lived parts one snapshot uses, and its exchanges still in flight. A part the
 * next snapshot no longer uses (an http-log whose {@code timeout} changed) stays open while an exchange
 * that began on this one runs: its entry is logged when it ends, as Kong logs a request in flight across
 * a reload. Counted on the event loops without a lock; the last exchange of a replaced generation asks
 * {@link Telemetry} to close what nobody uses any more.
 */
public final class Generation {

    private final Telemetry telemetry;
    /** The keys of the parts it uses (guarded by the telemetry's lock). */
    final Set<String> keys = new HashSet<>();
    private final LongAdder open = new LongAdder();
    private volatile boolean replaced;

    Generation(Telemetry telemetry) {
        this.telemetry = telemetry;
    }

    /** An exchange served by this generation's snapshot began. */
    public void began() {
        open.increment();
    }

    /** It ended (its log entry is queued). */
    public void ended() {
        open.decrement();
        // the decrement before the flag is read, and the flag set before the count is read: one of the
        // last exchange and the swap sees the other
        if (replaced && open.sum() == 0) {
            telemetry.drained();
        }
    }

    void replaced() {
        replaced = true;
    }

    /** Replaced and without exchanges in flight: what only it used can go. */
    boolean drained() {
        return replaced && open.sum() == 0;
    }
}
