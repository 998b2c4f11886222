package dev.toolgate.mode;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import dev.toolgate.cluster.RedisSettings;
import dev.toolgate.config.ConfigNode;
import dev.toolgate.config.Redacted;

import java.util.List;
import java.util.Map;

/**
 * {@code server.session}: how the listener keeps MCP sessions.
 *
 * @param managed          the gateway keeps sessions itself; default true. When false, no GET stream is offered
 * @param strategy         {@code client}: everything a session needs is sealed (AES-GCM) into its id, so any
 *                         instance with the secrets serves it and none stores it; its lifetime is fixed at
 *                         creation. {@code redis}: sessions are kept in Redis, ending after
 *                         {@code session_ttl} without a request. Unset: sessions are kept in this process
 *                         and end with it
 * @param sessionTtlSeconds a session ends after this long without a request; default 86400
 * @param clientSecrets    for {@code client}: at least one secret of 8+ characters; the first seals, all open
 *                         (put a new secret first to rotate; remove the old one after {@code session_ttl})
 * @param redis            for {@code redis}: where sessions are kept. For {@code client}: optional, where ended
 *                         (DELETEd) sessions are remembered so that every instance refuses them; without it,
 *                         only the instance that answered the DELETE does. Either way it also carries the
 *                         events that let GET streams and {@code notifications/cancelled} work on any instance
 */
public record SessionSettings(boolean managed, String strategy, @JsonProperty("session_ttl") long sessionTtlSeconds,
                              @JsonIgnore List<String> clientSecrets, RedisSettings redis) {

    public SessionSettings {
        clientSecrets = List.copyOf(clientSecrets);
    }

    /** Shown by the Admin API as Kong writes it, {@code client: {secrets: [...]}}, masked. */
    @JsonProperty("client")
    @JsonSerialize(using = Redacted.class)
    public Map<String, List<String>> client() {
        return clientSecrets.isEmpty() ? null : Map.of("secrets", clientSecrets);
    }

    static final SessionSettings DEFAULT = new SessionSettings(true, null, 86_400, List.of(), null);

    static SessionSettings read(ConfigNode node) {
        boolean managed = node.bool("managed", true);
        String strategy = node.oneOf("strategy", null, List.of("client", "redis"));
        long ttl = node.integer("session_ttl", 86_400, 1, 2_147_483_646L);
        List<String> secrets = node.object("client").map(SessionSettings::secrets).orElse(List.of());
        RedisSettings redis = node.object("redis").map(RedisSettings::read).orElse(null);
        if ("client".equals(strategy) && secrets.isEmpty()) {
            node.problem("client", "client.secrets needs at least one secret for strategy 'client'");
        }
        if ("redis".equals(strategy) && redis == null) {
            redis = RedisSettings.read(ConfigNode.at(dev.toolgate.mcp.Json.object(), node.path("redis"), node.report()));
        }
        node.finish();
        return new SessionSettings(managed, strategy, ttl, secrets, redis);
    }

    private static List<String> secrets(ConfigNode client) {
        List<String> secrets = client.texts("secrets");
        for (int i = 0; i < secrets.size(); i++) {
            if (secrets.get(i).length() < 8) {
                client.report().problem(client.path("secrets") + "[" + i + "]", "must be at least 8 characters");
            }
        }
        client.finish();
        return secrets;
    }

    /** Its secrets masked: a message or log line that quotes it must not carry them. */
    @Override
    public String toString() {
        return Redacted.describe(this);
    }
}
