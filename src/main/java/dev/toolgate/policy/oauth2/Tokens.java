package dev.toolgate.policy.oauth2;

import dev.toolgate.digest.Digests;

/** Cache keys for tokens: a digest, so caches never hold a client's token itself. */
final class Tokens {

    private Tokens() {
    }

    static String digest(String token) {
        return Digests.sha256Hex(token);
    }
}
