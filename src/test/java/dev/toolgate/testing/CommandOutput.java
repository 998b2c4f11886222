package dev.toolgate.testing;

import dev.toolgate.cli.Main;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** What a {@code toolgate} command prints on stdout, run in this JVM, asserting it succeeds. */
public final class CommandOutput {

    private CommandOutput() {
    }

    /** The stdout of {@code toolgate args...}, which must exit 0. */
    public static synchronized String of(String... args) {
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            assertThat(Main.execute(args)).isZero();
        } finally {
            System.setOut(original);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
