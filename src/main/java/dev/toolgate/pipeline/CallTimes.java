package dev.toolgate.pipeline;

/**
 * Kong's proxy and receive latencies of an exchange whose messages made calls of their own (tool calls, a bridge's).
 *
 * @param waited   the wait for the longest call's answer head (a batch's calls run at once), a call the gateway
 *                 waited on in vain included (nginx's wait before its 502 or 504: a connect timeout, a request that
 *                 went out and got no head), and one whose head came before its body failed (to that head); -1
 *                 when none was answered or waited for: a call refused its connection proxied nothing, as nginx's
 *                 does
 * @param receive  from the last head to the exchange's end; 0 when none came
 * @param answered some call's upstream answered (or its client left first): Kong's {@code source} is then the
 *                 service
 */
record CallTimes(long waited, long receive, boolean answered) {

    /** The times of the calls {@code messages} made, at the exchange's end, {@code now}. */
    static CallTimes of(OpenMessages messages, long now) {
        long waited = -1;
        long lastHead = -1;
        boolean answered = false;
        for (RpcRecord r : messages) {
            if (r.upstreamStarted < 0 || r.upstreamNanos < 0) {
                continue;
            }
            if (r.upstreamStatus == 0) {
                if (r.upstreamHeadAt >= 0) {
                    // its head came, its body was refused or cut: nginx's wait ended at the head, the rest was
                    // receiving
                    waited = Math.max(waited, r.upstreamHeadAt - r.upstreamStarted);
                    lastHead = Math.max(lastHead, r.upstreamHeadAt);
                } else if (r.upstreamWaited) {
                    waited = Math.max(waited, r.upstreamNanos);
                }
                continue;
            }
            answered = true;
            waited = Math.max(waited, r.upstreamHeadAt >= 0 ? r.upstreamHeadAt - r.upstreamStarted : r.upstreamNanos);
            lastHead = Math.max(lastHead, r.upstreamHeadAt);
        }
        return new CallTimes(waited, lastHead < 0 ? 0 : now - lastHead, answered);
    }
}
