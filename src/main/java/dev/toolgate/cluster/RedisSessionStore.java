package dev.toolgate.cluster;

import dev.toolgate.mcp.Session;
import dev.toolgate.mcp.SessionIds;
import dev.toolgate.mcp.SessionLimits;
import dev.toolgate.mcp.SessionStore;
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
     * sessions may be kept alive longer than any TTL set on it); an address's count lives as long as its
     * longest-lived session (never shortened here): each renewal of a session pushes it out too ({@link #FIND}),
     * so a session kept alive stays counted, and the address's key goes with its last session.
     */
    private static final LuaScript CREATE = LuaScript.of("""
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
              local kept = tonumber(ARGV[10]) * 1000
              if redis.call('PTTL', KEYS[3]) < kept then redis.call('PEXPIRE', KEYS[3], kept) end
            end
            return 0
            """);

    /**
     * Reads a session and renews it only when it is the endpoint's and, when a caller is given, usable by
     * that caller (as {@link Session#usableBy}): an id is not a credential, and whoever presents another's, on
     * another route or as another consumer, must not keep that session alive. A renewal pushes out the count
     * of the address that opened the session as far (never shortening it), so that the count outlives none
     * of its sessions and lives no longer than they do. One command, as a renewing read was. KEYS: the
     * session. ARGV: the endpoint, the caller (empty for none), whether to check the caller (1 or 0), the
     * idle time in seconds, the address counts' key prefix. Answers the value, renewed or not: the caller
     * decides on it.
     */
    private static final LuaScript FIND = LuaScript.of("""
            local value = redis.call('GET', KEYS[1])
            if not value then return false end
            local read, session = pcall(cjson.decode, value)
            if read and type(session) == 'table' and session['e'] == ARGV[1]
                and (ARGV[3] == '0' or type(session['o']) ~= 'string' or session['o'] == ARGV[2]) then
              redis.call('EXPIRE', KEYS[1], ARGV[4])
              if type(session['a']) == 'string' then
                local counted = ARGV[5] .. session['a']
                local kept = tonumber(ARGV[4]) * 1000
                if redis.call('PTTL', counted) < kept then redis.call('PEXPIRE', counted, kept) end
              end
            end
            return value
            """);

    /**
     * Ends a session and takes it off its endpoint's count and its address's (an emptied count is no key),
     * in one command. KEYS: the session, its endpoint's count. ARGV: the id, the address counts' key prefix.
     */
    private static final LuaScript REMOVE = LuaScript.of("""
            local value = redis.call('GET', KEYS[1])
            if value then
              local read, session = pcall(cjson.decode, value)
              if read and type(session) == 'table' and type(session['a']) == 'string' then
                redis.call('ZREM', ARGV[2] .. session['a'], ARGV[1])
              end
              redis.call('DEL', KEYS[1])
            end
            redis.call('ZREM', KEYS[2], ARGV[1])
            return 0
            """);

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
        byte[][] args = {SessionJson.write(session, 0, client), number(ttlSeconds), number(clock.millis()), bytes(session.id()),
                number(limits.maxPerEndpoint()), number(limits.maxPerClient()), number(RECHECK_MILLIS),
                number(RECHECK_AT_ONCE), bytes(PREFIX), number(idleSeconds(ttlSeconds))};
        return script(CREATE, ScriptOutputType.INTEGER, keys, args).compose(answer -> switch (((Long) answer).intValue()) {
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
                number(idleSeconds(ttlSeconds)), bytes(OF_CLIENT)};
        return script(FIND, ScriptOutputType.VALUE, keys, args)
                .<byte[]>map(value -> (byte[]) value)
                .map(value -> {
                    Session session = value == null ? null : SessionJson.read(id, value);
                    return session != null && session.endpoint().equals(endpoint)
                            && (!checksCaller || session.usableBy(caller)) ? session : null;
                });
    }

    /**
     * Ends the session and takes it off its endpoint's and its address's counts (a session written before
     * it carried its address leaves that count when rechecked).
     */
    @Override
    public Future<Void> remove(Session session) {
        byte[][] keys = {key(session.id()), bytes(OF_ENDPOINT + session.endpoint())};
        byte[][] args = {bytes(session.id()), bytes(OF_CLIENT)};
        return script(REMOVE, ScriptOutputType.INTEGER, keys, args).mapEmpty();
    }

    private Future<Object> script(LuaScript script, ScriptOutputType type, byte[][] keys, byte[][] args) {
        return redis.<Object>call(c -> script.run(c, type, keys, args));
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
