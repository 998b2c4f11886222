package dev.toolgate.cluster;

import io.lettuce.core.RedisCommandTimeoutException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Counters in Redis, shared by every instance (Kong's {@code redis} policy): a usage count per key,
 * period and window ({@link CountKey}), with no limit in it. Each request's periods are read, compared with
 * this instance's own limits and, when all have room, incremented, in one Lua script ({@link CountScript}):
 * one round trip, atomic for all of them, so a refused request counts nowhere. Instances whose limits
 * differ for a while (a rolling deploy, a configuration pushed to one first) each enforce their own
 * against the one shared count, as Kong's do. Each event loop counts through its own connection
 * ({@link RedisLink#call}), so counting never leaves the request's thread, and nothing is kept here per key.
 * Kong's {@code sync_rate} is not followed: every count goes to Redis.
 */
public final class RedisCounters implements Counters {

    private static final String PREFIX = "toolgate:ratelimit:";
    /** Past a window's end, how long its count stays: the fleet's clocks may differ by a little. */
    static final long EXPIRY_MARGIN_MILLIS = 5_000;

    private final RedisLink link;
    private final InstantSource clock;

    public RedisCounters(RedisLink link, InstantSource clock) {
        this.link = link;
        this.clock = clock;
    }

    @Override
    public Future<Usage> hit(String key, Windows windows) {
        long now = clock.millis();
        String kept = CountKey.kept(key);
        List<Period> periods = List.copyOf(windows.limits().keySet());
        byte[][] keys = new byte[periods.size()][];
        byte[][] args = new byte[periods.size() * 2][];
        for (int i = 0; i < keys.length; i++) {
            Period period = periods.get(i);
            keys[i] = name(kept, period, now);
            args[i] = bytes(windows.limits().get(period));
            args[keys.length + i] = bytes(period.end(now) - now + EXPIRY_MARGIN_MILLIS);
        }
        return counted(() -> link.call(c -> CountScript.HIT.run(c, keys, args)))
                .map(answer -> usage(windows, periods, answer, now));
    }

    /**
     * Takes the request back from the counts of its windows that are still the ones counting: the key names
     * the window as of the count, so a window that has reset since is another key, and is skipped.
     */
    @Override
    public Future<Void> giveBack(String key, Usage counted) {
        long now = clock.millis();
        String kept = CountKey.kept(key);
        List<byte[]> keys = counted.windows().limits().keySet().stream()
                .filter(period -> period.start(now) == period.start(counted.atMillis()))
                .map(period -> name(kept, period, counted.atMillis())).toList();
        if (keys.isEmpty()) {
            return Future.succeededFuture();
        }
        return counted(() -> link.call(c -> CountScript.GIVE_BACK.run(c, keys.toArray(byte[][]::new))))
                .mapEmpty();
    }

    /** The count's answer, bounded by {@code read_timeout} once the lane's connection is open. */
    private <T> Future<T> counted(Supplier<Future<T>> command) {
        return link.connected() ? bounded(command.get()) : link.connect().compose(v -> bounded(command.get()));
    }

    /**
     * The count, failed once {@code read_timeout} has passed since it began: a count may take two commands
     * (the script by its digest, then the script itself when Redis has forgotten it, after a restart), and
     * the documented bound is one. Opening the lane's connection is bounded apart, by {@code connect_timeout}.
     */
    private <T> Future<T> bounded(Future<T> count) {
        Context context = Vertx.currentContext();
        if (context == null || count.isComplete()) {
            return count;
        }
        int timeout = Math.max(1, link.settings().readTimeout());
        Promise<T> answer = Promise.promise();
        long timer = context.owner().setTimer(timeout, id -> answer.tryFail(
                new RedisCommandTimeoutException("Redis did not count in " + timeout + " ms")));
        count.onComplete(result -> {
            context.owner().cancelTimer(timer);
            if (result.succeeded()) {
                answer.tryComplete(result.result());
            } else {
                answer.tryFail(result.cause());
            }
        });
        return answer.future();
    }

    /** The script's answer, 1 (counted) or 0 (refused) and each period's count, in Kong's terms. */
    private static Usage usage(Windows windows, List<Period> periods, List<Object> answer, long now) {
        boolean counted = ((Number) answer.getFirst()).longValue() == 1;
        Map<Period, Long> remaining = new EnumMap<>(Period.class);
        Period exceeded = null;
        for (int i = 0; i < periods.size(); i++) {
            Period period = periods.get(i);
            long limit = windows.limits().get(period);
            long count = ((Number) answer.get(i + 1)).longValue();
            if (!counted && count >= limit) {
                exceeded = period;
            }
            remaining.put(period, Math.max(0, limit - count));
        }
        if (!counted && exceeded == null) {
            // a limit past what Lua's numbers hold exactly: the script is the judge, and it refused
            exceeded = periods.getLast();
        }
        return new Usage(windows, remaining, exceeded, now);
    }

    private static byte[] name(String kept, Period period, long atMillis) {
        return (PREFIX + CountKey.of(kept, period, atMillis)).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(long value) {
        return Long.toString(value).getBytes(StandardCharsets.US_ASCII);
    }
}
