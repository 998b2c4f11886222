package dev.toolgate.http;

import ch.qos.logback.classic.Level;
import dev.toolgate.testing.CapturedLog;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.SocketException;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class ConnectionFailuresTest {

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final ConnectionFailures failures = new ConnectionFailures(now::get);

    @Test
    void aPeersResetOrBrokenPipeLogsNothing() {
        try (CapturedLog log = CapturedLog.of(ConnectionFailures.class.getName(), Level.DEBUG)) {
            for (int i = 0; i < 50; i++) {
                failures.failed(new SocketException("Connection reset"));
                failures.failed(new IOException("Broken pipe"));
            }

            assertThat(log.size()).isZero();
        }
    }

    @Test
    void anUnexpectedFailureIsAWarningAtMostOnceAMinuteWithHowManyThereWere() {
        try (CapturedLog log = CapturedLog.of(ConnectionFailures.class.getName(), Level.DEBUG)) {
            Http2Exception unexpected = Http2Exception.connectionError(Http2Error.PROTOCOL_ERROR, "bad frame");
            for (int i = 0; i < 50; i++) {
                failures.failed(unexpected);
            }
            now.addAndGet(60_000);
            failures.failed(unexpected);

            assertThat(log.since(0)).hasSize(2).allSatisfy(e -> {
                assertThat(e.getLevel()).isEqualTo(Level.WARN);
                assertThat(e.getThrowableProxy()).as("no stack trace").isNull();
            });
            assertThat(log.since(0).getFirst().getFormattedMessage()).contains("(1 such failures")
                    .contains("bad frame");
            assertThat(log.since(1).getFirst().getFormattedMessage()).contains("(50 such failures");
        }
    }

    @Test
    void aClientConnectionsUnexpectedFailureNamesItsPeer() {
        try (CapturedLog log = CapturedLog.of(ConnectionFailures.class.getName(), Level.DEBUG)) {
            failures.failed(new IllegalArgumentException("Content-Length value is not a number: zz"),
                    "127.0.0.1:18926");

            assertThat(log.since(0)).singleElement().extracting(e -> e.getFormattedMessage()).asString()
                    .startsWith("a connection to 127.0.0.1:18926 failed (1 such failures").contains("zz");
        }
    }
}
