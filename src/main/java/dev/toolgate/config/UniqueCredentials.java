package dev.toolgate.config;

import java.util.HashMap;
import java.util.Map;

/**
 * Credential values Kong keeps unique across all consumers (a {@code keyauth_credentials} key, a
 * {@code jwt_secrets} key): the gateway finds the consumer by that value, so a second holder would
 * make one of them answer for the other. A duplicate is a problem at the second credential's path,
 * naming the consumer that holds the value first; the value itself is never quoted, for a key-auth
 * key is the secret.
 */
final class UniqueCredentials {

    /** Who holds a value first: the consumer as people name it, and where its credential is. */
    private record Holder(String consumer, String path) {
    }

    private final String kind;
    private final Map<String, Holder> holders = new HashMap<>();

    /** @param kind what the value is, as messages say it ({@code key-auth key}) */
    UniqueCredentials(String kind) {
        this.kind = kind;
    }

    /**
     * Records the {@code key} of the credential at {@code credential}, held by {@code consumer}; a
     * null value (absent, or already a problem) is skipped.
     */
    void add(ConfigNode credential, String value, String consumer) {
        if (value == null) {
            return;
        }
        Holder earlier = holders.putIfAbsent(value, new Holder(consumer, credential.path()));
        if (earlier != null) {
            credential.problem("key", "consumer '" + earlier.consumer() + "' already has this " + kind + " ("
                    + earlier.path() + "); each " + kind + " must be unique, as in Kong");
        }
    }
}
