package dev.toolgate.observe;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

class OneLineMessageTest {

    @Test
    void aValueWithLineBreaksAndControlCharactersStaysOnItsLogLine() {
        String forged = "x\n2026-12-03T12:55:19.678Z ERROR Gateway - FORGED\r\u0000\u001b[31m\u2028end\ttab";

        assertThat(OneLineMessage.escaped("tool=" + forged))
                .isEqualTo("tool=x\\n2026-12-03T12:55:19.678Z ERROR Gateway - FORGED\\r\\u0000\\u001b[31m\\u2028end\ttab");
        assertThat(OneLineMessage.escaped("plain é text")).isEqualTo("plain é text");
    }

    @Test
    void theGatewaysLogWritesAClientsForgedLineAsPartOfOneLine() {
        List<String> lines = loggedAtInfo(context -> context.getLogger("dev.toolgate.traffic").warn("mcp method={} id={}",
                "tools/call", "7\n2026-12-03T12:55:19.678Z ERROR Gateway - FORGED LINE"));

        assertThat(lines).singleElement().asString().contains("WARN ", "traffic - mcp method=tools/call id=7\\n2026-");
    }

    @Test
    void anExceptionQuotingAClientForgesNoLineAndKeepsItsStackFrames() {
        String forged = "\n2026-12-03T12:55:19.678Z INFO  Gateway - FORGED";
        var cause = new IllegalArgumentException("unexpected token at 'x" + forged + " BY CAUSE\r\u2028'");
        var thrown = new IllegalStateException("cannot parse body" + forged + " BY EXCEPTION", cause);
        thrown.addSuppressed(new RuntimeException("suppressed" + forged + " BY SUPPRESSED"));

        List<String> lines = loggedAtInfo(context -> context.getLogger("dev.toolgate.Gateway").error("request failed", thrown));

        assertThat(lines).noneMatch(line -> line.startsWith("2026-12-03T12:55:19.678Z"));
        assertThat(lines).filteredOn(line -> line.contains("FORGED")).containsExactly(
                "java.lang.IllegalStateException: cannot parse body\\n2026-12-03T12:55:19.678Z INFO  Gateway - FORGED BY EXCEPTION",
                "\tSuppressed: java.lang.RuntimeException: suppressed\\n2026-12-03T12:55:19.678Z INFO  Gateway - FORGED BY SUPPRESSED",
                "Caused by: java.lang.IllegalArgumentException: unexpected token at 'x\\n2026-12-03T12:55:19.678Z INFO  Gateway - FORGED BY CAUSE\\r\\u2028'");
        assertThat(lines.getFirst()).endsWith("ERROR Gateway - request failed");
        assertThat(lines).anyMatch(line -> line.startsWith("\tat dev.toolgate.observe.OneLineMessageTest.anExceptionQuotingAClientForgesNoLineAndKeepsItsStackFrames("));
    }

    @Test
    void anExceptionQuotingARequestUriLogsItWithoutItsQuery() {
        IllegalArgumentException thrown = org.assertj.core.api.Assertions.catchThrowableOfType(IllegalArgumentException.class,
                () -> new io.netty.handler.codec.http.QueryStringDecoder("/mcp?apikey=K3y-secret&x=%zz").parameters());
        var wrapped = new IllegalStateException("forwarding http://10.0.0.7:8080/api?token=T0ken failed", thrown);
        wrapped.addSuppressed(new IllegalStateException("why? nobody knows"));

        List<String> lines = loggedAtInfo(context -> context.getLogger("dev.toolgate.Gateway").error("request failed", wrapped));

        assertThat(String.join("\n", lines)).doesNotContain("K3y-secret", "T0ken")
                .contains("http://10.0.0.7:8080/api?[redacted] failed", "/mcp?[redacted]", "why? nobody knows");
    }

    @Test
    void aStackFrameWhoseNamesHoldLineBreaksStaysOnItsLine() {
        var thrown = new IllegalStateException("failed");
        thrown.setStackTrace(new StackTraceElement[]{
                new StackTraceElement("dev.toolgate.Gen$$Lambda\n2026-12-03T12:55:19.678Z INFO  Gateway - FORGED BY CLASS",
                        "apply\r\u0000", "Gen.java", 7),
                new StackTraceElement("dev.toolgate.Plain", "run", "Plain.java", 9)});

        List<String> lines = loggedAtInfo(context -> context.getLogger("dev.toolgate.Gateway").error("request failed", thrown));

        assertThat(lines).noneMatch(line -> line.startsWith("2026-12-03T12:55:19.678Z"));
        assertThat(lines).contains(
                "\tat dev.toolgate.Gen$$Lambda\\n2026-12-03T12:55:19.678Z INFO  Gateway - FORGED BY CLASS.apply\\r\\u0000(Gen.java:7)",
                "\tat dev.toolgate.Plain.run(Plain.java:9)");
    }

    @Test
    void anExceptionWhoseToStringQuotesAClientForgesNoLine() {
        var thrown = new RuntimeException("plain") {
            @Override
            public String toString() {
                return "custom\n2026-12-03T12:55:19.678Z INFO  Gateway - FORGED BY TOSTRING";
            }
        };

        List<String> lines = loggedAtInfo(context -> context.getLogger("dev.toolgate.Gateway").warn("failed", thrown));

        assertThat(lines).noneMatch(line -> line.startsWith("2026-12-03T12:55:19.678Z"));
        assertThat(lines).anyMatch(line -> line.startsWith("\tat dev.toolgate.observe.OneLineMessageTest."));
    }

    /** What the gateway's own log setup writes to stderr while {@code logging} runs, line by line. */
    private static List<String> loggedAtInfo(Consumer<LoggerContext> logging) {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
        try {
            LogSetup.configure(context, "INFO");
            logging.accept(context);
        } finally {
            // stopping writes what is still queued, to the captured stream
            context.stop();
            System.setErr(err);
        }
        return captured.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    @org.junit.jupiter.api.Timeout(20)
    void aThreadThatLogsNeverWaitsForAStderrThatStoppedReading() throws Exception {
        PrintStream err = System.err;
        java.util.concurrent.CountDownLatch reading = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicLong lastWrite = new java.util.concurrent.atomic.AtomicLong(System.nanoTime());
        System.setErr(new PrintStream(new java.io.OutputStream() {
            @Override
            public void write(int b) {
                try {
                    reading.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                lastWrite.set(System.nanoTime());
            }
        }, true, StandardCharsets.UTF_8));
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
        try {
            LogSetup.configure(context, "INFO");
            Logger logger = context.getLogger("dev.toolgate.test");
            long started = System.nanoTime();
            for (int i = 0; i < 4 * LogSetup.QUEUED_LINES; i++) {
                logger.info("line {}", i);
            }
            assertThat(java.time.Duration.ofNanos(System.nanoTime() - started)).isLessThan(java.time.Duration.ofSeconds(5));
        } finally {
            reading.countDown();
            context.stop();
            // the log's worker may still be writing what was queued when stop stopped waiting for it, to whatever
            // System.err is then: the next test's captured stream, unless this one stays until the worker is done
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(15))
                    .until(() -> System.nanoTime() - lastWrite.get() > 300_000_000L);
            System.setErr(err);
        }
    }

    @Test
    void lettuceWritesNoCommandsEvenWhenTheGatewayLogsEverything() {
        LoggerContext context = new LoggerContext();
        LogSetup.configure(context, "TRACE");

        assertThat(context.getLogger("dev.toolgate.traffic").isTraceEnabled()).isTrue();
        Logger encoder = context.getLogger("io.lettuce.core.protocol.CommandEncoder");
        assertThat(encoder.isTraceEnabled()).isFalse();
        assertThat(encoder.isDebugEnabled()).isFalse();
    }
}
