package dev.toolgate.policy.oauth2;

import ch.qos.logback.classic.Level;
import dev.toolgate.testing.CapturedLog;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class OutageWarningsTest {

    private static final String LOGGER = "dev.toolgate.policy.oauth2.OutageWarningsTest";

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final OutageWarnings warnings = new OutageWarnings(LoggerFactory.getLogger(LOGGER),
            () -> Instant.ofEpochMilli(now.get()));

    @Test
    void anOutageLogsItsFirstRefusalAtOnceAndThenOneLineAMinuteWithTheCount() {
        try (CapturedLog log = CapturedLog.of(LOGGER, Level.WARN)) {
            warnings.refused("a token could not be checked", "introspection failed: connection refused");
            assertThat(log.text()).contains("a token could not be checked: introspection failed: connection refused")
                    .contains("(1 request refused with 503 since the last report)");

            for (int i = 0; i < 1_000; i++) {
                now.addAndGet(10);
                warnings.refused("a token could not be checked", "introspection failed: connection refused");
            }
            assertThat(log.size()).as("ten seconds of refusals add no line").isEqualTo(1);

            now.addAndGet(OutageWarnings.EVERY.toMillis());
            warnings.refused("a token could not be checked", "introspection failed: timed out");
            assertThat(log.size()).isEqualTo(2);
            assertThat(log.since(1).getFirst().getFormattedMessage())
                    .isEqualTo("a token could not be checked: introspection failed: timed out"
                            + " (1001 requests refused with 503 since the last report)");
        }
    }
}
