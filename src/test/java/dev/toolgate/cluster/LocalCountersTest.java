package dev.toolgate.cluster;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Kong's fixed windows, counted in this process, on a clock the test moves. */
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
    void aTimeBeforeTheCountedWindowCountsInItAndNeverStartsItsCountAgain() {
        Windows day = windows(Period.DAY, 3);
        clock.set(Instant.parse("2026-11-25T00:00:00.100Z"));
        assertThat(hit("a", day).allowed()).isTrue();
        assertThat(hit("a", day).allowed()).isTrue();
        // a request read the clock before midnight and takes the lock after these (or the clock stepped back)
        clock.set(Instant.parse("2026-11-24T23:59:59.800Z"));
        assertThat(hit("a", day).remaining()).containsEntry(Period.DAY, 0L);
        clock.set(Instant.parse("2026-11-25T00:00:00.200Z"));
        assertThat(hit("a", day).allowed()).isFalse();
        clock.set(Instant.parse("2026-11-24T23:59:59.900Z"));
        assertThat(hit("a", day).allowed()).isFalse();
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
    void keysCountSeparatelyAndARaisedLimitAllowsExactlyTheDifference() {
        Windows two = windows(Period.HOUR, 2);
        hit("a", two);
        hit("a", two);
        assertThat(hit("a", two).allowed()).isFalse();
        assertThat(hit("b", two).allowed()).isTrue();

        Usage raised = hit("a", windows(Period.HOUR, 3));
        assertThat(raised.allowed()).isTrue();
        assertThat(raised.remaining()).containsEntry(Period.HOUR, 0L);
        assertThat(hit("a", windows(Period.HOUR, 3)).allowed()).isFalse();
    }

    @Test
    void aLoweredLimitRefusesAtOnceACallerAlreadyOverItAndRestoringItGivesNothingMore() {
        Windows ten = windows(Period.DAY, 10);
        for (int i = 0; i < 10; i++) {
            assertThat(hit("a", ten).allowed()).isTrue();
        }
        Windows five = windows(Period.DAY, 5);
        Usage lowered = hit("a", five);
        assertThat(lowered.exceeded()).isEqualTo(Period.DAY);
        assertThat(lowered.remaining()).containsEntry(Period.DAY, 0L);

        assertThat(hit("a", ten).allowed()).as("10 used of 10, whatever limits came between").isFalse();
    }

    @Test
    void aWindowAddedByAReloadLeavesTheCountsOfTheOthers() {
        clock.set(Instant.parse("2026-11-24T10:00:30Z"));
        Windows day = windows(Period.DAY, 3);
        for (int i = 0; i < 3; i++) {
            hit("a", day);
        }
        Usage withMinute = hit("a", new Windows(Map.of(Period.MINUTE, 2L, Period.DAY, 3L)));
        assertThat(withMinute.exceeded()).isEqualTo(Period.DAY);
        assertThat(withMinute.remaining()).containsEntry(Period.MINUTE, 2L).containsEntry(Period.DAY, 0L);
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
        for (int i = 1; i < LocalCounters.MAX_KEYS; i++) {
            hit("minted-" + i, day);
        }

        assertThat(counters.size()).isEqualTo(LocalCounters.MAX_KEYS);
        long walked = counters.sweeps();
        for (int i = 0; i < 5_000; i++) {
            Usage counted = hit("new-" + i, day);
            assertThat(counted.allowed()).as("new key %d", i).isTrue();
            assertThat(counted.remaining()).containsEntry(Period.DAY, 4L);
        }
        assertThat(counters.sweeps() - walked).as("walks of the full table for 5,000 new keys in one second").isOne();
        assertThat(counters.size()).isLessThanOrEqualTo(LocalCounters.MAX_KEYS);
        assertThat(counters.evictions()).isEqualTo(5_000);
        assertThat(hit("regular", day).remaining()).as("a caller that keeps coming keeps its count")
                .containsEntry(Period.DAY, 2L);
    }

    @Test
    void concurrentRequestsOfOneKeyAreAdmittedExactlyToTheLimit() throws InterruptedException {
        Windows windows = new Windows(Map.of(Period.MINUTE, 5_000L, Period.HOUR, 6_000L));
        java.util.concurrent.atomic.AtomicInteger admitted = new java.util.concurrent.atomic.AtomicInteger();
        Thread[] threads = new Thread[8];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 1_000; i++) {
                    if (hit("a", windows).allowed()) {
                        admitted.incrementAndGet();
                    }
                }
            });
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(admitted.get()).isEqualTo(5_000);
        assertThat(hit("a", windows).remaining()).containsEntry(Period.MINUTE, 0L).containsEntry(Period.HOUR, 1_000L);
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
