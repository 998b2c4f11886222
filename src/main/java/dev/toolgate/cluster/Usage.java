package dev.toolgate.cluster;

import java.util.Collections;
import java.util.Map;

/**
 * What counting one request said, in the terms of Kong's headers.
 *
 * @param windows   the limits counted against
 * @param remaining per window, what is left once this request is counted (Kong's
 *                  {@code X-RateLimit-Remaining-<Window>}); a refused request is not counted
 * @param exceeded  the window that refused the request, or null when it was counted
 * @param atMillis  when it was counted
 */
public record Usage(Windows windows, Map<Period, Long> remaining, Period exceeded, long atMillis) {

    /** @param remaining handed over: the caller does not change it afterwards */
    public Usage {
        remaining = Collections.unmodifiableMap(remaining);
    }

    public boolean allowed() {
        return exceeded == null;
    }

    /**
     * The window Kong reports in {@code RateLimit-*}: the one with the least remaining, the larger one
     * on a tie.
     */
    public Period tightest() {
        Period tightest = null;
        for (Map.Entry<Period, Long> e : remaining.entrySet()) {
            if (tightest == null || e.getValue() <= remaining.get(tightest)) {
                tightest = e.getKey();
            }
        }
        return tightest;
    }

    /** Seconds until the tightest window resets (Kong's {@code RateLimit-Reset} and {@code Retry-After}). */
    public long resetSeconds() {
        return tightest().resetSeconds(atMillis);
    }
}
