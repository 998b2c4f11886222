package dev.toolgate.mcp;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * Opaque pagination cursors. A cursor names a list version (a fingerprint of what was listed) and an
 * offset; a cursor from another version is rejected, so a client never gets a page of a list that
 * changed under it (it should list again after {@code notifications/tools/list_changed}).
 */
public record Cursor(String fingerprint, int offset) {

    /** The opaque form handed to clients as {@code nextCursor}. */
    public String encode() {
        String plain = fingerprint + ":" + offset;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
    }

    /** Reads a cursor a client sent back; empty when it is not one of ours. */
    public static Optional<Cursor> decode(String opaque) {
        try {
            String plain = new String(Base64.getUrlDecoder().decode(opaque), StandardCharsets.UTF_8);
            int colon = plain.lastIndexOf(':');
            if (colon <= 0) {
                return Optional.empty();
            }
            int offset = Integer.parseInt(plain.substring(colon + 1));
            return offset < 0 ? Optional.empty() : Optional.of(new Cursor(plain.substring(0, colon), offset));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
