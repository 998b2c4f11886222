package dev.toolgate.observe;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

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
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
        try {
            LogSetup.configure(context, "INFO");
            context.getLogger("dev.toolgate.traffic").warn("mcp method={} id={}", "tools/call",
                    "7\n2026-12-03T12:55:19.678Z ERROR Gateway - FORGED LINE");
        } finally {
            System.setErr(err);
            context.stop();
        }

        assertThat(captured.toString(StandardCharsets.UTF_8).lines())
                .singleElement().asString().contains("WARN ", "traffic - mcp method=tools/call id=7\\n2026-");
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
