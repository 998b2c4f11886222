package dev.toolgate.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.digest.Digests;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reads consumers, their credentials and group memberships, and consumer groups. */
final class ConsumerReader {

    private static final List<String> JWT_ALGORITHMS = List.of("HS256", "HS384", "HS512", "RS256", "RS384",
            "RS512", "ES256", "ES384", "ES512", "PS256", "PS384", "PS512", "EdDSA");

    private final DeclarativeReader reader;

    ConsumerReader(DeclarativeReader reader) {
        this.reader = reader;
    }

    void readGroup(ConfigNode node) {
        String name = node.text("name");
        String id = EntityIds.read(node, "consumer_group", name == null ? node.path() : name);
        List<String> tags = node.texts("tags");
        node.ignore("created_at", "updated_at");
        reader.entities.groupNames.add(node, "name", name, id);
        reader.entities.groups.add(new ConsumerGroup(id, name, tags));
        node.objects("plugins").forEach(p -> reader.readPlugin(p, Scope.consumerGroup(id)));
        if (node.json().has("consumers")) {
            // some decK files list members on the group; Kong's declarative format has them on the consumer
            node.ignore("consumers");
            node.problem("consumers", "unknown key: write membership as consumers[].groups: [{name: "
                    + (name == null ? "<this group's name>" : name) + "}]");
        }
        node.finish();
    }

    void readConsumer(ConfigNode node) {
        String username = node.text("username", null);
        String customId = node.text("custom_id", null);
        if (username == null && customId == null) {
            node.problem("needs a username or a custom_id");
        }
        String key = username != null ? username : customId != null ? "custom_id:" + customId : node.path();
        String id = EntityIds.read(node, "consumer", key);
        List<String> tags = node.texts("tags");
        List<String> groupIds = new ArrayList<>();
        JsonNode groups = node.any("groups");
        if (groups != null && !groups.isArray()) {
            node.problem("groups", "must be an array of consumer group references");
        } else if (groups != null) {
            for (int i = 0; i < groups.size(); i++) {
                String groupId = References.resolve(groups.get(i), node.path("groups") + "[" + i + "]",
                        node.report(), reader.entities.groupNames);
                if (groupId != null) {
                    groupIds.add(groupId);
                }
            }
        }
        node.ignore("created_at", "updated_at");
        String holder = username != null ? username : customId != null ? customId : id;
        List<Consumer.KeyAuth> keys = readEach(node.objects("keyauth_credentials"), (credential, i) -> {
            Consumer.KeyAuth keyAuth = keyAuth(credential, id, i);
            reader.entities.keyAuthKeys.add(credential, keyAuth.key(), holder);
            return keyAuth;
        });
        List<Consumer.JwtSecret> jwts = readEach(node.objects("jwt_secrets"), (credential, i) -> {
            Consumer.JwtSecret secret = jwtSecret(credential, id, i);
            reader.entities.jwtKeys.add(credential, secret.key(), holder);
            return secret;
        });
        List<Consumer.BasicAuth> basics = readEach(node.objects("basicauth_credentials"),
                (credential, i) -> basicAuth(credential, id, i));
        List<Consumer.AclGroup> acls = aclGroups(node.objects("acls"), id);
        reader.entities.consumerNames.add(node, "username", username, id);
        if (customId != null) {
            reader.entities.consumerCustomIds.add(node, "custom_id", customId, id + "#custom_id");
        }
        reader.entities.consumers.add(new Consumer(id, username, customId, tags, groupIds, keys, jwts, basics, acls,
                node.path()));
        node.objects("plugins").forEach(p -> reader.readPlugin(p, Scope.consumer(id)));
        node.finish();
    }

    /** Reads one entry of a consumer's credential list, knowing its place in that list. */
    private interface EntryReader<T> {
        T read(ConfigNode entry, int index);
    }

    private static <T> List<T> readEach(List<ConfigNode> entries, EntryReader<T> reader) {
        List<T> read = new ArrayList<>(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            read.add(reader.read(entries.get(i), i));
        }
        return read;
    }

    /**
     * A credential's id, when the file gives none, comes from its consumer's id and what names it
     * within that consumer, never from its place in the whole file: sessions are bound to it
     * ({@code key-auth:<id>}), {@code limit_by: credential} counts by it, and upstreams see it, so a
     * reload that adds, removes or reorders other consumers must leave it as it was.
     */
    private static String credentialId(ConfigNode node, String kind, String consumerId, String name) {
        return EntityIds.read(node, kind, consumerId + ":" + name);
    }

    private static Consumer.KeyAuth keyAuth(ConfigNode node, String consumerId, int index) {
        String key = node.text("key");
        // from the key, as Kong derives it (a UUIDv5 of the key), so that removing or adding a key of the
        // consumer never hands one key's id to another (its sessions, its counts, the upstream's audit): a
        // one-way digest, never the key; its place among the consumer's keys only when it has none (a problem)
        String id = credentialId(node, "keyauth_credential", consumerId,
                key != null ? "key-sha256:" + Digests.sha256Hex(key) : "#" + index);
        List<String> tags = node.texts("tags");
        JsonNode ttl = node.json().get("ttl");
        if (ttl != null && !ttl.isNull() && !(ttl.isIntegralNumber() && ttl.asLong() == 0)) {
            // fail closed: a key its owner meant to expire would otherwise work for ever
            node.problem("ttl", "expiring keys are not supported by Toolgate; remove ttl (and rotate the key when it"
                    + " should end)");
        }
        node.ignore("ttl", "created_at");
        node.finish();
        return new Consumer.KeyAuth(id, key, tags);
    }

    private static Consumer.JwtSecret jwtSecret(ConfigNode node, String consumerId, int index) {
        String key = node.text("key", null);
        String secret = node.text("secret", null);
        String algorithm = node.oneOf("algorithm", "HS256", JWT_ALGORITHMS);
        String rsaPublicKey = node.text("rsa_public_key", null);
        // the key is the token's iss value, sent upstream as X-Credential-Identifier already: not a secret
        String id = credentialId(node, "jwt_secret", consumerId, key != null ? "key:" + key : "#" + index);
        if (algorithm.startsWith("HS") && secret == null) {
            node.problem("secret", "is required for " + algorithm);
        }
        if (!algorithm.startsWith("HS") && rsaPublicKey == null) {
            node.problem("rsa_public_key", "is required for " + algorithm);
        }
        node.ignore("tags", "created_at");
        node.finish();
        return new Consumer.JwtSecret(id, key, secret, algorithm, rsaPublicKey);
    }

    private static Consumer.BasicAuth basicAuth(ConfigNode node, String consumerId, int index) {
        String username = node.text("username");
        String password = node.text("password");
        String id = credentialId(node, "basicauth_credential", consumerId,
                username != null ? "username:" + username : "#" + index);
        node.ignore("tags", "created_at");
        node.finish();
        return new Consumer.BasicAuth(id, username, password);
    }

    private static List<Consumer.AclGroup> aclGroups(List<ConfigNode> nodes, String consumerId) {
        Map<String, Integer> seen = new HashMap<>();
        return readEach(nodes, (entry, i) -> aclGroup(entry, consumerId, i, seen));
    }

    private static Consumer.AclGroup aclGroup(ConfigNode node, String consumerId, int index, Map<String, Integer> seen) {
        String group = node.text("group");
        // one group listed twice on a consumer (Kong refuses it) still gets two ids
        int repeat = group == null ? 0 : seen.merge(group, 1, Integer::sum) - 1;
        String name = group == null ? "#" + index : "group:" + group + (repeat == 0 ? "" : "#" + repeat);
        String id = credentialId(node, "acl", consumerId, name);
        List<String> tags = node.texts("tags");
        node.ignore("created_at");
        node.finish();
        return new Consumer.AclGroup(id, group, tags);
    }
}
