package dev.toolgate.pipeline;

/**
 * A per-exchange string that most exchanges of a route repeat (the authority clients address, their
 * address), given to events as one long-lived instance. The log plugins' threads read each event's
 * strings on another core: there a string every event shares stays cached, while the one just parsed
 * from this request is a cache miss on every read (about a microsecond a traced call, measured).
 *
 * <p>Shared by the route's event loops without locking: a race only keeps the newer value.
 */
final class Recurring {

    private volatile String last;

    /** {@code value}, or the equal instance kept from an earlier exchange. */
    String of(String value) {
        String kept = last;
        if (kept != null && kept.equals(value)) {
            return kept;
        }
        if (value != null) {
            last = value;
        }
        return value;
    }
}
