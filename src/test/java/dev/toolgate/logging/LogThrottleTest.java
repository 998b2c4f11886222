package dev.toolgate.logging;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class LogThrottleTest {

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final LogThrottle throttle = new LogThrottle(Duration.ofMinutes(1), now::get);

    @Test
    void theFirstOccurrenceIsDueAtOnceThenOneLineAnIntervalWithTheCountSinceTheLast() {
        assertThat(throttle.due(1)).isEqualTo(1);

        for (int i = 0; i < 1_000; i++) {
            now.addAndGet(10);
            assertThat(throttle.due(1)).as("ten seconds of occurrences add no line").isZero();
        }

        now.addAndGet(Duration.ofMinutes(1).toMillis());
        assertThat(throttle.due(1)).isEqualTo(1_001);
        assertThat(throttle.due(1)).as("the count starts again after a line").isZero();
    }

    @Test
    void occurrencesCountByTheirNumberNotByCall() {
        assertThat(throttle.due(200)).isEqualTo(200);
        throttle.due(50);
        now.addAndGet(59_999);
        assertThat(throttle.due(25)).as("a millisecond short of the interval").isZero();
        now.addAndGet(1);
        assertThat(throttle.due(25)).isEqualTo(100);
    }
}
