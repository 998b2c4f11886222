package dev.toolgate.cluster;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;

import java.util.List;
import java.util.concurrent.CompletionStage;

/** The Lua scripts that count in Redis, each one round trip ({@link LuaScript}). */
enum CountScript {

    /**
     * KEYS: the request's counts, one per period. ARGV: each period's limit, then each count's time to live
     * (ms). Reads every count; when one is at its limit, changes nothing and answers 0; else increments
     * every count, giving it its time to live when it has none (just made), and answers 1. Then the counts.
     */
    HIT("""
            local n = #KEYS
            local answer = {1}
            for i = 1, n do
              local count = tonumber(redis.call('GET', KEYS[i]) or '0')
              answer[i + 1] = count
              if count >= tonumber(ARGV[i]) then answer[1] = 0 end
            end
            if answer[1] == 1 then
              for i = 1, n do
                answer[i + 1] = redis.call('INCR', KEYS[i])
                if redis.call('PTTL', KEYS[i]) < 0 then redis.call('PEXPIRE', KEYS[i], ARGV[n + i]) end
              end
            end
            return answer
            """),

    /** KEYS: the counts to take one request back from; a count at 0 (or gone) stays so. */
    GIVE_BACK("""
            for i = 1, #KEYS do
              if tonumber(redis.call('GET', KEYS[i]) or '0') > 0 then redis.call('DECR', KEYS[i]) end
            end
            return {1}
            """);

    private static final byte[][] NONE = new byte[0][];

    private final LuaScript script;

    CountScript(String text) {
        this.script = LuaScript.of(text);
    }

    CompletionStage<List<Object>> run(RedisAsyncCommands<byte[], byte[]> redis, byte[][] keys) {
        return run(redis, keys, NONE);
    }

    CompletionStage<List<Object>> run(RedisAsyncCommands<byte[], byte[]> redis, byte[][] keys, byte[][] args) {
        return script.run(redis, ScriptOutputType.MULTI, keys, args);
    }
}
