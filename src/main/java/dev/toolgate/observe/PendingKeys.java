package dev.toolgate.observe;

import dev.toolgate.digest.Digests;

import java.util.Base64;

/**
 * The keys {@link PendingRequests} files waiting requests under: route, session, requester and id. The
 * session and the id come from the client (an {@code Mcp-Session-Id} header of up to ~8 KB, a string id
 * as long as the body), and a key is kept until its answer crosses, so either one longer than
 * {@link #MAX_RAW} characters is kept as its SHA-256 digest instead: a waiting request costs the same
 * few bytes however long its client made them. Raw and digested parts carry different marks, so a raw
 * value can never equal a digest.
 */
final class PendingKeys {

    /** The longest session or id kept as it is (a UUID session, any numeric id and most string ids). */
    static final int MAX_RAW = 64;

    private PendingKeys() {
    }

    /** The session's part of a key; computed once for all the messages of one body. */
    static String session(String session) {
        return session == null ? "0" : bounded(session);
    }

    /** @param sessionKey from {@link #session} */
    static String of(String route, String sessionKey, TapEvent.Direction requester, String id) {
        return route + '\u0000' + sessionKey + '\u0000' + requester.ordinal() + '\u0000' + bounded(id);
    }

    private static String bounded(String value) {
        if (value.length() <= MAX_RAW) {
            return "=" + value;
        }
        return "#" + Base64.getEncoder().withoutPadding().encodeToString(Digests.sha256(value));
    }
}
