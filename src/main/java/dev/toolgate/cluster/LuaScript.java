package dev.toolgate.cluster;

import dev.toolgate.digest.Digests;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * A Lua script Redis runs in one round trip: sent by its digest ({@code EVALSHA}), and whole ({@code EVAL})
 * only when Redis answers that it does not know it (a restarted, flushed or failed-over Redis forgets its
 * scripts), after which it knows it again. The rule for every script the gateway sends, counts and sessions.
 *
 * @param text   the script
 * @param digest its SHA-1, as Redis names it
 */
record LuaScript(String text, String digest) {

    static LuaScript of(String text) {
        return new LuaScript(text, Digests.sha1Hex(text));
    }

    <T> CompletionStage<T> run(RedisAsyncCommands<byte[], byte[]> redis, ScriptOutputType type, byte[][] keys, byte[][] args) {
        CompletionStage<T> byDigest = redis.evalsha(digest, type, keys, args);
        return byDigest.exceptionallyCompose(failure -> unknown(failure)
                ? redis.<T>eval(text, type, keys, args)
                : CompletableFuture.failedStage(failure));
    }

    private static boolean unknown(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        return cause instanceof RedisNoScriptException;
    }
}
