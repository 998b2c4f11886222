package dev.toolgate.cluster;

import dev.toolgate.mcp.Session;
import dev.toolgate.mcp.SessionIds;
import dev.toolgate.mcp.SessionStore;
import io.lettuce.core.GetExArgs;
import io.lettuce.core.SetArgs;
import io.vertx.core.Future;

import java.nio.charset.StandardCharsets;

/**
 * {@code strategy: redis}: sessions in Redis under a random id, ending after {@code session_ttl}
 * without a request (each lookup pushes the expiry out, in the same command). Any instance serves
 * any session; nothing is kept here.
 */
public final class RedisSessionStore implements SessionStore {

    private static final String PREFIX = "toolgate:session:";

    private final RedisLink redis;
    private final SessionIds ids;
    private final long ttlSeconds;

    RedisSessionStore(RedisLink redis, SessionIds ids, long ttlSeconds) {
        this.redis = redis;
        this.ids = ids;
        this.ttlSeconds = ttlSeconds;
    }

    /** Redis holds the sessions, bounded by its own {@code maxmemory}; no per-client count is kept. */
    @Override
    public Future<Session> create(Session draft, long ttlSeconds, String client) {
        Session session = draft.withId(ids.next());
        byte[] value = SessionJson.write(session, 0);
        return redis.call(c -> c.set(key(session.id()), value, SetArgs.Builder.ex(ttlSeconds))).map(ok -> session);
    }

    @Override
    public Future<Session> find(String id, String endpoint) {
        if (id.length() > 256) {
            return Future.succeededFuture();
        }
        return redis.call(c -> c.getex(key(id), GetExArgs.Builder.ex(ttlSeconds))).map(value -> {
            Session session = value == null ? null : SessionJson.read(id, value);
            return session != null && session.endpoint().equals(endpoint) ? session : null;
        });
    }

    @Override
    public Future<Void> remove(Session session) {
        return redis.call(c -> c.del(key(session.id()))).mapEmpty();
    }

    @Override
    public int size() {
        return -1;
    }

    private static byte[] key(String id) {
        return (PREFIX + id).getBytes(StandardCharsets.UTF_8);
    }
}
