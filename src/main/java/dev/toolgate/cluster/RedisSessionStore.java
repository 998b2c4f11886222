package dev.toolgate.cluster;

import dev.toolgate.digest.Digests;
import dev.toolgate.mcp.Session;
import dev.toolgate.mcp.SessionIds;
import dev.toolgate.mcp.SessionLimits;
import dev.toolgate.mcp.SessionStore;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.vertx.core.Future;

import java.nio.charset.StandardCharsets;
import java.time.InstantSource;

/**
 * {@code strategy: redis}: sessions in Redis under a random id, ending after {@code session_ttl} or the
 * gateway's idle bound ({@code --session-idle-timeout}), whichever is shorter, without a request (a
 * lookup of the endpoint's own session, by a caller who may use it, pushes the expiry out, in the same
 * command), as in this process's store. Any instance serves
 * any session; nothing is kept here. Live sessions are counted per endpoint and per client address
 * over the whole fleet (the gateway's session caps), so {@code initialize} in a loop cannot fill Redis.
 */
public final class RedisSessionStore implements SessionStore {

    private static final String PREFIX = "toolgate:session:";
    private static final String OF_ENDPOINT = "toolgate:sessions-of-endpoint:";
    private static final String OF_CLIENT = "toolgate:sessions-of-client:";
    /**
     * A counted session not seen alive for this long is looked up before it counts again: lookups do
     * not touch the counts (they stay one command), so ended and expired sessions leave them this late.
     */
    static final long RECHECK_MILLIS = 10_000;
    /** At most this many sessions are looked up again per count and new session: bounded work per initialize. */
    static final int RECHECK_AT_ONCE = 100;

    /**
     * Counts and creates in one step, so that instances starting sessions at once cannot pass a cap
     * together. KEYS: the session, its endpoint's count, its client address's count (optional). ARGV:
     * the session's JSON, TTL in seconds, now (ms), id, the endpoint's cap, the address's cap, recheck
     * age (ms), how many to recheck, the session key prefix, the session's idle time in seconds (its key's
     * expiry; at most the TTL). Answers 0 (created), 1 or 2 (that cap reached).
     * Rechecking reads session keys the script builds from their ids, which a Redis Cluster would not
     * allow; Toolgate refuses Cluster settings. An endpoint's count never expires (there are few; its
     * sessions may be kept alive longer than any TTL set on it); an address's count lives a session TTL
     * after its newest session, never shortened by an endpoint with a shorter one.
     */
    private static final String CREATE = """
            local now = tonumber(ARGV[3])
            local function full(counted, cap)
              local stale = redis.call('ZRANGEBYSCORE', counted, '-inf', now - tonumber(ARGV[7]), 'LIMIT', 0, tonumber(ARGV[8]))
              for _, id in ipairs(stale) do
                if redis.call('EXISTS', ARGV[9] .. id) == 1 then
                  redis.call('ZADD', counted, now, id)
                else
                  redis.call('ZREM', counted, id)
                end
              end
              return redis.call('ZCARD', counted) >= tonumber(cap)
            end
            if full(KEYS[2], ARGV[5]) then return 1 end
            if KEYS[3] and full(KEYS[3], ARGV[6]) then return 2 end
            redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[10])
            redis.call('ZADD', KEYS[2], now, ARGV[4])
            redis.call('PERSIST', KEYS[2])
            if KEYS[3] then
              redis.call('ZADD', KEYS[3], now, ARGV[4])
              local kept = tonumber(ARGV[2]) * 1000 + tonumber(ARGV[7])
              if redis.call('PTTL', KEYS[3]) < kept then redis.call('PEXPIRE', KEYS[3], kept) end
            end
            return 0
            """;

    /**
     * Reads a session and renews it only when it is the endpoint's and, when a caller is given, usable by
     * that caller (as {@link Session#usableBy}): an id is not a credential, and whoever presents another's, on
     * another route or as another consumer, must not keep that session alive. One command, as a renewing
     * read was. KEYS: the session. ARGV: the endpoint, the caller (empty for none), whether to check the
     * caller (1 or 0), the idle time in seconds. Answers the value, renewed or not: the caller decides on it.
     */
    private static final String FIND = """
            local value = redis.call('GET', KEYS[1])
            if not value then return false end
            local read, session = pcall(cjson.decode, value)
            if read and type(session) == 'table' and session['e'] == ARGV[1]
                and (ARGV[3] == '0' or type(session['o']) ~= 'string' or session['o'] == ARGV[2]) then
              redis.call('EXPIRE', KEYS[1], ARGV[4])
            end
            return value
            """;
    private static final String FIND_DIGEST = Digests.sha1Hex(FIND);

    private final RedisLink redis;
    private final SessionIds ids;
    private final long ttlSeconds;
    private final SessionLimits limits;
    private final InstantSource clock;

    RedisSessionStore(RedisLink redis, SessionIds ids, long ttlSeconds, SessionLimits limits, InstantSource clock) {
        this.redis = redis;
        this.ids = ids;
        this.ttlSeconds = ttlSeconds;
        this.limits = limits;
        this.clock = clock;
    }

    @Override
    public Future<Session> create(Session draft, long ttlSeconds, String client) {
        Session session = draft.withId(ids.next());
        byte[][] keys = client == null
                ? new byte[][] {key(session.id()), bytes(OF_ENDPOINT + session.endpoint())}
                : new byte[][] {key(session.id()), bytes(OF_ENDPOINT + session.endpoint()), bytes(OF_CLIENT + client)};
        byte[][] args = {SessionJson.write(session, 0), number(ttlSeconds), number(clock.millis()), bytes(session.id()),
                number(limits.maxPerEndpoint()), number(limits.maxPerClient()), number(RECHECK_MILLIS),
                number(RECHECK_AT_ONCE), bytes(PREFIX), number(idleSeconds(ttlSeconds))};
        return redis.<Long>call(c -> c.eval(CREATE, ScriptOutputType.INTEGER, keys, args)).compose(answer -> switch (answer.intValue()) {
            case 0 -> Future.succeededFuture(session);
            case 1 -> Future.failedFuture(new SessionLimits.Reached("this endpoint"));
            default -> Future.failedFuture(new SessionLimits.Reached("this client address"));
        });
    }

    @Override
    public Future<Session> find(String id, String endpoint) {
        return find(id, endpoint, null, false);
    }

    @Override
    public Future<Session> find(String id, String endpoint, String caller) {
        return find(id, endpoint, caller, true);
    }

    private Future<Session> find(String id, String endpoint, String caller, boolean checksCaller) {
        if (id.length() > 256) {
            return Future.succeededFuture();
        }
        byte[][] keys = {key(id)};
        byte[][] args = {bytes(endpoint), bytes(caller == null ? "" : caller), bytes(checksCaller ? "1" : "0"),
                number(idleSeconds(ttlSeconds))};
        return redis.<byte[]>call(c -> c.evalsha(FIND_DIGEST, ScriptOutputType.VALUE, keys, args))
                // a Redis restarted (or flushed) since forgot the script: sending it whole loads it again
                .recover(e -> (e instanceof RedisNoScriptException || e.getCause() instanceof RedisNoScriptException)
                        ? redis.<byte[]>call(c -> c.eval(FIND, ScriptOutputType.VALUE, keys, args))
                        : Future.failedFuture(e))
                .map(value -> {
                    Session session = value == null ? null : SessionJson.read(id, value);
                    return session != null && session.endpoint().equals(endpoint)
                            && (!checksCaller || session.usableBy(caller)) ? session : null;
                });
    }

    /**
     * Ends the session and takes it off its endpoint's count; its address's count drops it when rechecked,
     * as the endpoint's would if this second step fails (the session is ended either way).
     */
    @Override
    public Future<Void> remove(Session session) {
        return redis.call(c -> c.del(key(session.id()))).compose(deleted -> redis.call(c ->
                        c.zrem(bytes(OF_ENDPOINT + session.endpoint()), bytes(session.id())))
                .<Void>mapEmpty().recover(uncounted -> Future.succeededFuture()));
    }

    /** How long a session may go unused: its TTL, or the gateway's idle bound when that is shorter. */
    @Override
    public long idleSeconds(long ttlSeconds) {
        return Math.min(ttlSeconds, limits.idleSeconds());
    }

    @Override
    public int size() {
        return -1;
    }

    private static byte[] key(String id) {
        return bytes(PREFIX + id);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] number(long value) {
        return bytes(Long.toString(value));
    }
}
