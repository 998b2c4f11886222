package dev.toolgate.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@Timeout(30)
class ConfigWatcherTest {

    @TempDir
    Path folder;

    @Test
    void anErrorWhileApplyingLeavesTheWatcherWatchingAndTheContentIsOfferedAgain() throws IOException {
        Path file = Files.writeString(folder.resolve("kong.yaml"), "a");
        List<String> offered = new CopyOnWriteArrayList<>();
        try (ConfigWatcher watcher = new ConfigWatcher(file, Duration.ofMillis(200), ConfigLoader.hash(bytes("a")),
                content -> {
                    String text = new String(content, StandardCharsets.UTF_8);
                    offered.add(text);
                    if (text.equals("deep") && offered.size() == 1) {
                        throw new StackOverflowError();
                    }
                })) {
            watcher.start();
            Files.writeString(file, "deep");
            await().atMost(Duration.ofSeconds(10)).until(() -> offered.size() >= 2);
            assertThat(offered).containsExactly("deep", "deep");

            Files.writeString(file, "later");
            await().atMost(Duration.ofSeconds(10)).until(() -> offered.contains("later"));
            assertThat(offered).containsExactly("deep", "deep", "later");
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
