package dev.toolgate.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

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
        List<Consumer.KeyAuth> keys = new ArrayList<>();
        for (ConfigNode credential : node.objects("keyauth_credentials")) {
            Consumer.KeyAuth keyAuth = keyAuth(credential);
            reader.entities.keyAuthKeys.add(credential, keyAuth.key(), holder);
            keys.add(keyAuth);
        }
        List<Consumer.JwtSecret> jwts = new ArrayList<>();
        for (ConfigNode credential : node.objects("jwt_secrets")) {
            Consumer.JwtSecret secret = jwtSecret(credential);
            reader.entities.jwtKeys.add(credential, secret.key(), holder);
            jwts.add(secret);
        }
        List<Consumer.BasicAuth> basics = node.objects("basicauth_credentials").stream().map(ConsumerReader::basicAuth).toList();
        List<Consumer.AclGroup> acls = node.objects("acls").stream().map(ConsumerReader::aclGroup).toList();
        reader.entities.consumerNames.add(node, "username", username, id);
        if (customId != null) {
            reader.entities.consumerCustomIds.add(node, "custom_id", customId, id + "#custom_id");
        }
        reader.entities.consumers.add(new Consumer(id, username, customId, tags, groupIds, keys, jwts, basics, acls,
                node.path()));
        node.objects("plugins").forEach(p -> reader.readPlugin(p, Scope.consumer(id)));
        node.finish();
    }

    private static Consumer.KeyAuth keyAuth(ConfigNode node) {
        String key = node.text("key");
        String id = EntityIds.read(node, "keyauth_credential", node.path());
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

    private static Consumer.JwtSecret jwtSecret(ConfigNode node) {
        String key = node.text("key", null);
        String secret = node.text("secret", null);
        String algorithm = node.oneOf("algorithm", "HS256", JWT_ALGORITHMS);
        String rsaPublicKey = node.text("rsa_public_key", null);
        String id = EntityIds.read(node, "jwt_secret", node.path());
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

    private static Consumer.BasicAuth basicAuth(ConfigNode node) {
        String username = node.text("username");
        String password = node.text("password");
        String id = EntityIds.read(node, "basicauth_credential", node.path());
        node.ignore("tags", "created_at");
        node.finish();
        return new Consumer.BasicAuth(id, username, password);
    }

    private static Consumer.AclGroup aclGroup(ConfigNode node) {
        String group = node.text("group");
        String id = EntityIds.read(node, "acl", node.path());
        List<String> tags = node.texts("tags");
        node.ignore("created_at");
        node.finish();
        return new Consumer.AclGroup(id, group, tags);
    }
}
