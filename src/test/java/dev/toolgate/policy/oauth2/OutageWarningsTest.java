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
    private static final String SERVER = "https://idp.example";

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final OutageWarnings warnings = new OutageWarnings(LoggerFactory.getLogger(LOGGER),
            () -> Instant.ofEpochMilli(now.get()));

    @Test
    void anOutageLogsItsFirstRefusalAtOnceAndThenOneLineAMinuteWithTheCount() {
        try (CapturedLog log = CapturedLog.of(LOGGER, Level.WARN)) {
            warnings.refused(SERVER, "a token could not be checked", "introspection failed: connection refused");
            assertThat(log.text()).contains("a token could not be checked (https://idp.example): introspection failed:"
                    + " connection refused").contains("(1 request refused with 503 since the last report)");

            for (int i = 0; i < 1_000; i++) {
                now.addAndGet(10);
                warnings.refused(SERVER, "a token could not be checked", "introspection failed: connection refused");
            }
            assertThat(log.size()).as("ten seconds of refusals add no line").isEqualTo(1);

            now.addAndGet(OutageWarnings.EVERY.toMillis());
            warnings.refused(SERVER, "a token could not be checked", "introspection failed: timed out");
            assertThat(log.size()).isEqualTo(2);
            assertThat(log.since(1).getFirst().getFormattedMessage())
                    .isEqualTo("a token could not be checked (https://idp.example): introspection failed: timed out"
                            + " (1001 requests refused with 503 since the last report)");
        }
    }

    @Test
    void aSecondServersOutageIsToldAtOnceThoughTheFirstsWasJustTold() {
        try (CapturedLog log = CapturedLog.of(LOGGER, Level.WARN)) {
            warnings.refused(SERVER, "a token could not be checked", "keys could not be fetched");
            now.addAndGet(10);
            warnings.refused("https://partner.example", "a token could not be checked", "keys could not be fetched");

            assertThat(log.size()).isEqualTo(2);
            assertThat(log.since(1).getFirst().getFormattedMessage()).contains("(https://partner.example)");
        }
    }

    @Test
    void aServerAnsweringAgainIsToldOnceWithTheRefusalsNotYetReportedAndItsNextOutageIsToldAtOnce() {
        try (CapturedLog log = CapturedLog.of(LOGGER, Level.INFO)) {
            warnings.answered(SERVER);
            assertThat(log.size()).as("a server that was never out").isZero();
            warnings.refused(SERVER, "a token could not be checked", "keys could not be fetched");
            warnings.refused(SERVER, "a token could not be checked", "keys could not be fetched");
            warnings.refused(SERVER, "a token could not be checked", "keys could not be fetched");

            warnings.answered(SERVER);
            warnings.answered(SERVER);

            assertThat(log.size()).isEqualTo(2);
            assertThat(log.since(1).getFirst().getFormattedMessage()).isEqualTo("the authorization server"
                    + " https://idp.example answers again (2 requests refused with 503 since the last report)");
            assertThat(log.since(1).getFirst().getLevel()).isEqualTo(Level.INFO);
            now.addAndGet(10);
            warnings.refused(SERVER, "a token could not be checked", "keys could not be fetched");
            assertThat(log.size()).as("the next outage, seconds later").isEqualTo(3);
        }
    }

    @Test
    void aFailedCallWithoutRefusalsStillHasItsEndTold() {
        try (CapturedLog log = CapturedLog.of(LOGGER, Level.INFO)) {
            warnings.failed(SERVER);
            warnings.answered(SERVER);

            assertThat(log.text()).contains("https://idp.example answers again (0 requests refused");
        }
    }
}
