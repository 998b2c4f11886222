package dev.toolgate.cluster;

import dev.toolgate.digest.Digests;

import java.util.Base64;

/**
 * How a count is named, locally and in Redis (Kong's cache key): the caller's key, the period and the
 * window it counts, {@code <key>|m:1795514400}. No limit is part of it, so every limit (before and after a
 * reload, or of each instance in a fleet whose instances differ for a while) is compared with one count.
 * The name is read from the right: the period's mark and the window hold no {@code |}, so two distinct
 * keys never name one count.
 */
final class CountKey {

    /** Longer keys are kept as their first this many characters and a digest of the whole. */
    static final int MAX_KEY_CHARS = 200;
    private static final Base64.Encoder DIGEST_TEXT = Base64.getUrlEncoder().withoutPadding();

    private CountKey() {
    }

    /**
     * The key as it is kept: itself when short, else its start (for operators reading Redis) and the
     * SHA-256 of the whole, so distinct keys still count apart. Keys hold what clients send (a
     * {@code limit_by: header} value, a tool name passthrough counts), and a count must not cost what the
     * client chose to send. The long form is longer than any short one, so a client cannot write a short key
     * that equals another's digest.
     */
    static String kept(String key) {
        if (key.length() <= MAX_KEY_CHARS) {
            return key;
        }
        return key.substring(0, MAX_KEY_CHARS) + "#" + DIGEST_TEXT.encodeToString(Digests.sha256(key));
    }

    /** The count of {@code kept} in the window of {@code period} that holds {@code atMillis}. */
    static String of(String kept, Period period, long atMillis) {
        return kept + "|" + period.code() + ":" + period.window(atMillis);
    }
}
