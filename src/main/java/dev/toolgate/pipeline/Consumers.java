package dev.toolgate.pipeline;

import dev.toolgate.config.Consumer;
import dev.toolgate.config.ConsumerGroup;
import dev.toolgate.config.DeclarativeConfig;
import dev.toolgate.digest.Digests;

import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The document's consumers, indexed the ways authentication looks them up: by id, username or
 * custom id, and by API key. Keys are indexed by their SHA-256 digest and compared as digests in
 * constant time, so how long a lookup takes says nothing about the keys on file.
 */
public final class Consumers {

    /** An API key on file: its consumer and the credential's id. */
    public record KeyCredential(Consumer consumer, String credentialId, byte[] digest) {
    }

    private final Map<String, Consumer> byId = new HashMap<>();
    private final Map<String, Consumer> byUsername = new HashMap<>();
    private final Map<String, Consumer> byCustomId = new HashMap<>();
    private final Map<String, KeyCredential> keysByDigest = new HashMap<>();
    private final Map<String, List<String>> groupNames = new HashMap<>();

    public Consumers(DeclarativeConfig config) {
        Map<String, String> groupNameById = new HashMap<>();
        for (ConsumerGroup group : config.consumerGroups()) {
            groupNameById.put(group.id(), group.name());
        }
        for (Consumer consumer : config.consumers()) {
            byId.put(consumer.id(), consumer);
            if (consumer.username() != null) {
                byUsername.put(consumer.username(), consumer);
            }
            if (consumer.customId() != null) {
                byCustomId.put(consumer.customId(), consumer);
            }
            groupNames.put(consumer.id(), consumer.groupIds().stream().map(groupNameById::get).toList());
            for (Consumer.KeyAuth key : consumer.keyauthCredentials()) {
                if (key.key() != null) {
                    byte[] digest = Digests.sha256(key.key());
                    // a key held twice is refused where the document is read; never let a later holder take it over
                    keysByDigest.putIfAbsent(HexFormat.of().formatHex(digest), new KeyCredential(consumer, key.id(), digest));
                }
            }
        }
    }

    /** The consumer with this id or, failing that, this username (Kong's {@code anonymous} reference). */
    public Optional<Consumer> byIdOrUsername(String reference) {
        Consumer consumer = byId.get(reference);
        return Optional.ofNullable(consumer != null ? consumer : byUsername.get(reference));
    }

    /** The consumer with this id. */
    public Optional<Consumer> byId(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    /** The consumer with this username. */
    public Optional<Consumer> byUsername(String username) {
        return Optional.ofNullable(byUsername.get(username));
    }

    /** The consumer with this custom id. */
    public Optional<Consumer> byCustomId(String customId) {
        return Optional.ofNullable(byCustomId.get(customId));
    }

    /** The API key credential for a presented key, compared in constant time. */
    public Optional<KeyCredential> byKey(String presented) {
        byte[] digest = Digests.sha256(presented);
        KeyCredential found = keysByDigest.get(HexFormat.of().formatHex(digest));
        return found != null && MessageDigest.isEqual(found.digest(), digest) ? Optional.of(found) : Optional.empty();
    }

    /** The names of the consumer groups a consumer belongs to. */
    public List<String> groupsOf(Consumer consumer) {
        return groupNames.getOrDefault(consumer.id(), List.of());
    }

    /** The caller a consumer stands for, authenticated by {@code credential} (null for the anonymous fallback). */
    public Principal principal(Consumer consumer, Principal.Credential credential) {
        return new Principal(consumer, groupsOf(consumer), credential, null, List.of(), credential == null);
    }
}
