package dev.toolgate.digest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 and SHA-1 of bytes or of a text's UTF-8. What a digest names is kept in Redis, in session ids and in
 * configuration hashes, so each caller encodes it (hex, base64, a prefix) as it always has; these only compute it.
 */
public final class Digests {

    private Digests() {
    }

    /** The SHA-256 of {@code bytes}. */
    public static byte[] sha256(byte[] bytes) {
        return digest("SHA-256", bytes);
    }

    /** The SHA-256 of {@code text}'s UTF-8. */
    public static byte[] sha256(String text) {
        return sha256(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The SHA-256 of {@code text}'s UTF-8, in lower-case hex (64 characters). */
    public static String sha256Hex(String text) {
        return HexFormat.of().formatHex(sha256(text));
    }

    /** The SHA-1 of {@code text}'s UTF-8, in lower-case hex: how Redis names a script ({@code EVALSHA}). */
    public static String sha1Hex(String text) {
        return HexFormat.of().formatHex(digest("SHA-1", text.getBytes(StandardCharsets.UTF_8)));
    }

    private static byte[] digest(String algorithm, byte[] bytes) {
        try {
            // a new instance each time: a MessageDigest is not thread-safe, and creating one costs little
            return MessageDigest.getInstance(algorithm).digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is part of every Java platform", e);
        }
    }
}
