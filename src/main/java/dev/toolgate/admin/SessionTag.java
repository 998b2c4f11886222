package dev.toolgate.admin;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * How the live page names a message's MCP session: the first {@value #HEX_CHARS} hex characters of an HMAC-SHA256
 * of its {@code Mcp-Session-Id} under a key drawn at each start. On a route that authenticates nobody the id is
 * all a caller needs to act in the session and read its stream, and whoever sees the page (a screen share, a
 * read-only dashboard behind a proxy) must not be handed it; the tag is the same for each message of a session,
 * which is what the page needs, and cannot be turned back into the id.
 */
final class SessionTag {

    /** 48 bits: sessions of one process do not share a tag, and nothing of the id is recoverable. */
    static final int HEX_CHARS = 12;

    private static final byte[] KEY = key();
    /** A Mac per thread: the live page's events are rendered on the admin listener's event loop. */
    private static final ThreadLocal<Mac> MACS = ThreadLocal.withInitial(SessionTag::mac);

    private SessionTag() {
    }

    static String of(String sessionId) {
        byte[] digest = MACS.get().doFinal(sessionId.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(digest, 0, HEX_CHARS / 2);
    }

    private static byte[] key() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return key;
    }

    private static Mac mac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(KEY, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
