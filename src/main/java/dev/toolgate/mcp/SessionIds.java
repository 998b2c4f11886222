package dev.toolgate.mcp;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.random.RandomGenerator;

/** Issues session ids: 128 bits from a cryptographic generator, as visible ASCII (URL-safe base64). */
public final class SessionIds {

    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private final RandomGenerator random;

    /** Ids from a {@link SecureRandom}. */
    public SessionIds() {
        this(new SecureRandom());
    }

    /** Ids from the given generator; tests pass a seeded one, production a {@link SecureRandom}. */
    public SessionIds(RandomGenerator random) {
        this.random = random;
    }

    /** A fresh id, 22 characters of {@code [A-Za-z0-9_-]}. */
    public String next() {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return ENCODER.encodeToString(bytes);
    }
}
