package dev.toolgate.cluster;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Kong's fixed windows, counted with Bucket4j buckets in this process, on a clock the test moves. */
class LocalCountersTest {

    private final FakeClock clock = new FakeClock(Instant.parse("2026-11-30T23:59:58.500Z"));
    private final LocalCounters counters = new LocalCounters(clock);

    private Usage hit(String key, Windows windows) {
        return counters.hit(key, windows).await();
    }

    private static Windows windows(Period period, long limit) {
        return new Windows(Map.of(period, limit));
    }

    @Test
    void aMinuteAllowsExactlyItsLimitUntilTheMinuteEndsToTheMillisecond() {
        Windows minute = windows(Period.MINUTE, 3);
        clock.set(Instant.parse("2026-11-24T10:00:30Z"));

        assertThat(hit("a", minute).remaining()).containsEntry(Period.MINUTE, 2L);
        assertThat(hit("a", minute).remaining()).containsEntry(Period.MINUTE, 1L);
        assertThat(hit("a", minute).remaining()).containsEntry(Period.MINUTE, 0L);
        Usage refused = hit("a", minute);
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.exceeded()).isEqualTo(Period.MINUTE);
        assertThat(refused.resetSeconds()).isEqualTo(30);

        clock.set(Instant.parse("2026-11-24T10:00:59.999Z"));
        assertThat(hit("a", minute).allowed()).isFalse();
        clock.set(Instant.parse("2026-11-24T10:01:00Z"));
        Usage next = hit("a", minute);
        assertThat(next.allowed()).isTrue();
        assertThat(next.remaining()).containsEntry(Period.MINUTE, 2L);
        assertThat(next.resetSeconds()).isEqualTo(60);
    }

    @Test
    void unusedRequestsDoNotCarryOverIntoTheNextWindow() {
        Windows second = windows(Period.SECOND, 5);
        clock.set(Instant.parse("2026-11-24T10:00:00.900Z"));
        hit("a", second);
        clock.advance(Duration.ofMillis(100));
        for (int i = 0; i < 5; i++) {
            assertThat(hit("a", second).allowed()).isTrue();
        }
        assertThat(hit("a", second).allowed()).isFalse();
    }

    @Test
    void aRequestGivenBackCountsInNoWindowAndAWindowResetSinceStaysAtItsLimit() {
        Windows windows = new Windows(Map.of(Period.MINUTE, 2L, Period.MONTH, 2L));
        clock.set(Instant.parse("2026-11-30T23:59:30Z"));
        hit("a", windows);
        Usage counted = hit("a", windows);
        assertThat(hit("a", windows).allowed()).isFalse();

        counters.giveBack("a", counted).await();
        assertThat(hit("a", windows).allowed()).as("the month's and the minute's count both came back").isTrue();

        Usage lastOfNovember = hit("b", windows);
        clock.set(Instant.parse("2026-12-01T00:00:01Z"));
        counters.giveBack("b", lastOfNovember).await();
        assertThat(hit("b", windows).remaining()).as("December's month and minute start full, not above")
                .containsEntry(Period.MINUTE, 1L).containsEntry(Period.MONTH, 1L);
    }

    @Test
    void aRequestGivenBackAfterItsWindowEndedGivesNothingToTheNextWindow() {
        Windows second = windows(Period.SECOND, 2);
        clock.set(Instant.parse("2026-11-24T10:00:00.999Z"));
        Usage lastOfItsSecond = hit("a", second);
        clock.set(Instant.parse("2026-11-24T10:00:01.001Z"));
        hit("a", second);
        hit("a", second);

        counters.giveBack("a", lastOfItsSecond).await();

        assertThat(hit("a", second).allowed()).as("a third request in the second that spent its two").isFalse();
    }

    @Test
    void aRefusedRequestIsCountedNowhere() {
        Windows both = new Windows(Map.of(Period.SECOND, 2L, Period.HOUR, 10L));
        clock.set(Instant.parse("2026-11-24T10:00:00Z"));
        hit("a", both);
        hit("a", both);
        Usage refused = hit("a", both);

        assertThat(refused.exceeded()).isEqualTo(Period.SECOND);
        assertThat(refused.remaining()).containsEntry(Period.SECOND, 0L).containsEntry(Period.HOUR, 8L);
        // Kong: the window closest to running out is reported, and its reset is when to retry
        assertThat(refused.tightest()).isEqualTo(Period.SECOND);
        assertThat(refused.resetSeconds()).isEqualTo(1);
    }

    @Test
    void aMonthIsACalendarMonthAndAYearACalendarYear() {
        Windows month = windows(Period.MONTH, 2);
        Windows year = windows(Period.YEAR, 1);
        assertThat(hit("m", month).allowed()).isTrue();
        assertThat(hit("m", month).allowed()).isTrue();
        Usage refused = hit("m", month);
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.resetSeconds()).isEqualTo(2);
        assertThat(hit("y", year).allowed()).isTrue();
        assertThat(hit("y", year).allowed()).isFalse();

        clock.set(Instant.parse("2026-12-01T00:00:00Z"));
        assertThat(hit("m", month).allowed()).isTrue();
        assertThat(hit("y", year).allowed()).isFalse();
        clock.set(Instant.parse("2027-01-01T00:00:00Z"));
        assertThat(hit("y", year).allowed()).isTrue();
    }

    @Test
    void aMonthRefusingGivesBackWhatTheSmallerWindowsTook() {
        Windows windows = new Windows(Map.of(Period.MINUTE, 5L, Period.MONTH, 1L));
        hit("a", windows);
        Usage refused = hit("a", windows);

        assertThat(refused.exceeded()).isEqualTo(Period.MONTH);
        assertThat(refused.remaining()).containsEntry(Period.MINUTE, 4L).containsEntry(Period.MONTH, 0L);
    }

    @Test
    void keysCountSeparatelyAndChangedLimitsStartFresh() {
        Windows two = windows(Period.HOUR, 2);
        hit("a", two);
        hit("a", two);
        assertThat(hit("a", two).allowed()).isFalse();
        assertThat(hit("b", two).allowed()).isTrue();
        assertThat(hit("a", windows(Period.HOUR, 3)).allowed()).isTrue();
    }

    @Test
    void aReloadThatTurnsAMinuteIntoAMonthOfTheSameSizeCountsTheMonth() {
        // local counts outlive a reload that keeps a plugin's limits, so the limits must name their windows apart
        clock.set(Instant.parse("2026-11-24T10:00:30Z"));
        Windows minute = new Windows(Map.of(Period.SECOND, 2L, Period.MINUTE, 5L));
        hit("a", minute);
        Windows month = new Windows(Map.of(Period.SECOND, 2L, Period.MONTH, 5L));

        Usage counted = hit("a", month);
        assertThat(counted.allowed()).isTrue();
        assertThat(counted.remaining()).containsOnlyKeys(Period.SECOND, Period.MONTH).containsEntry(Period.MONTH, 4L);
    }

    @Test
    void aFloodOfNewKeysAtAFullTableIsCountedAndPushesOutItsOwnKeysNotTheCallersThatKeepComing() {
        // clients can mint keys (limit_by: header values, tool names passthrough counts, a batch holding 100)
        clock.set(Instant.parse("2026-11-24T10:00:00Z"));
        Windows day = windows(Period.DAY, 5);
        hit("regular", day);
        hit("regular", day);
        for (int i = 1; i < BucketCounters.MAX_KEYS; i++) {
            hit("minted-" + i, day);
        }

        assertThat(counters.size()).isEqualTo(BucketCounters.MAX_KEYS);
        long walked = counters.sweeps();
        for (int i = 0; i < 5_000; i++) {
            Usage counted = hit("new-" + i, day);
            assertThat(counted.allowed()).as("new key %d", i).isTrue();
            assertThat(counted.remaining()).containsEntry(Period.DAY, 4L);
        }
        assertThat(counters.sweeps() - walked).as("walks of the full table for 5,000 new keys in one second").isOne();
        assertThat(counters.size()).isLessThanOrEqualTo(BucketCounters.MAX_KEYS);
        assertThat(counters.evictions()).isEqualTo(5_000);
        assertThat(hit("regular", day).remaining()).as("a caller that keeps coming keeps its count")
                .containsEntry(Period.DAY, 2L);
    }

    @Test
    void redisHandlesOfAllEventLoopsTogetherStayWithinOneInstancesBound() {
        // a handle costs ~700 bytes: 64 loops (a 32-core machine) at 200,000 each would be ~9 GB
        for (int lanes : new int[] {1, 2, 7, 64, 1_000_000}) {
            assertThat((long) BucketCounters.perLane(lanes, 1) * Math.min(lanes, BucketCounters.MAX_KEYS))
                    .as("%d lanes", lanes).isLessThanOrEqualTo(BucketCounters.MAX_KEYS);
            assertThat(BucketCounters.perLane(lanes, 1)).isPositive();
        }
        assertThat(BucketCounters.perLane(1, 1)).isEqualTo(BucketCounters.MAX_KEYS);
    }

    @Test
    void countersOfWindowsThatAllEndedAreForgotten() {
        clock.set(Instant.parse("2026-11-24T10:00:00Z"));
        hit("a", windows(Period.SECOND, 1));
        hit("b", windows(Period.DAY, 1));
        clock.advance(Duration.ofSeconds(2));

        counters.sweep(clock.millis());

        assertThat(counters.size()).isEqualTo(1);
    }
}
