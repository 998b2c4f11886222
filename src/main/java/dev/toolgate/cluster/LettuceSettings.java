package dev.toolgate.cluster;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;

import java.time.Duration;

/**
 * Kong's {@code redis} block as Lettuce takes it: the address (one server, or the Sentinels that know
 * the master) with its credentials, and the client's options. Apart from {@link RedisLink} because it
 * is a translation of settings, the same for every connection a link opens and free of their state.
 */
final class LettuceSettings {

    private LettuceSettings() {
    }

    /** How each of a link's clients behaves: reconnecting by itself, and failing at once while it cannot. */
    static ClientOptions clientOptions(RedisSettings settings) {
        return ClientOptions.builder()
                .autoReconnect(true)
                // fail at once while disconnected: a caller waiting for Redis holds a request; and what a lost
                // connection held fails with it rather than being sent again on the next one (a count the caller
                // already took as failed would be counted twice: RedisRateLimitingIT)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder()
                        .connectTimeout(Duration.ofMillis(Math.max(1, settings.connectTimeout()))).build())
                .timeoutOptions(TimeoutOptions.enabled(Duration.ofMillis(Math.max(1, settings.readTimeout()))))
                .build();
    }

    /** Where to connect, with the database, TLS, the read timeout and the credentials. */
    static RedisURI uri(RedisSettings settings) {
        RedisURI.Builder uri = settings.sentinelMaster() != null ? sentinels(settings)
                : RedisURI.Builder.redis(settings.host(), settings.port());
        uri.withDatabase(settings.database())
                .withSsl(settings.ssl())
                .withVerifyPeer(settings.sslVerify())
                .withTimeout(Duration.ofMillis(Math.max(1, settings.readTimeout())))
                .withClientName("toolgate");
        if (settings.password() != null) {
            uri.withAuthentication(settings.username() == null ? "default" : settings.username(),
                    settings.password().toCharArray());
        }
        return uri.build();
    }

    /** The Sentinels, each asked with Kong's {@code sentinel_username} and {@code sentinel_password}. */
    private static RedisURI.Builder sentinels(RedisSettings settings) {
        RedisURI.Builder uri = RedisURI.builder().withSentinelMasterId(settings.sentinelMaster());
        for (RedisSettings.SentinelNode node : settings.sentinelNodes()) {
            RedisURI.Builder sentinel = RedisURI.Builder.redis(node.host(), node.port());
            if (settings.sentinelPassword() != null && settings.sentinelUsername() != null) {
                sentinel.withAuthentication(settings.sentinelUsername(), settings.sentinelPassword().toCharArray());
            } else if (settings.sentinelPassword() != null) {
                // AUTH with the password alone: what a Sentinel older than ACLs understands
                sentinel.withPassword(settings.sentinelPassword().toCharArray());
            }
            uri.withSentinel(sentinel.build());
        }
        return uri;
    }
}
