package dev.toolgate.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

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
        try (ConfigWatcher watcher = applying(file, Duration.ofMillis(200), "a", offered, text -> {
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

    @Test
    void aNewerFileAReloadAppliedJustAfterAnOfferIsWhatTheWatcherRemembersSoTheFileSetBackIsOfferedAgain()
            throws Exception {
        Path file = Files.writeString(folder.resolve("kong.yaml"), "v: 0\n");
        Object loads = new Object(); // the gateway's lock: applying and telling the watcher take turns on it
        AtomicReference<String> serving = new AtomicReference<>("v: 0\n");
        AtomicReference<ConfigWatcher> watching = new AtomicReference<>();
        List<String> offered = new CopyOnWriteArrayList<>();
        try (ConfigWatcher watcher = new ConfigWatcher(file, Duration.ofMillis(200), ConfigLoader.hash(bytes("v: 0\n")),
                content -> {
                    String text = new String(content, StandardCharsets.UTF_8);
                    offered.add(text);
                    synchronized (loads) {
                        serving.set(text);
                        watching.get().loaded(content);
                    }
                    if (offered.size() == 1) {
                        // between this apply and the watcher noting it: the file becomes v: 2, SIGHUP loads it,
                        // and the file is set back to v: 1
                        rewrite(file, "v: 2\n");
                        synchronized (loads) {
                            serving.set("v: 2\n");
                            watching.get().loaded(bytes("v: 2\n"));
                        }
                        rewrite(file, "v: 1\n");
                    }
                })) {
            watching.set(watcher);
            watcher.start();
            Files.writeString(file, "v: 1\n");

            await().atMost(Duration.ofSeconds(10)).until(() -> offered.size() >= 2);
            assertThat(offered).containsExactly("v: 1\n", "v: 1\n");
            assertThat(serving.get()).isEqualTo("v: 1\n");
        }
    }

    @Test
    void aContentTheReceiverReturnedWithoutApplyingIsOfferedAgainUntilItSaysItAppliedIt() throws Exception {
        Path file = Files.writeString(folder.resolve("kong.yaml"), "v: 0\n");
        AtomicReference<ConfigWatcher> watching = new AtomicReference<>();
        List<String> offered = new CopyOnWriteArrayList<>();
        try (ConfigWatcher watcher = new ConfigWatcher(file, Duration.ofMillis(200), ConfigLoader.hash(bytes("v: 0\n")),
                content -> {
                    offered.add(new String(content, StandardCharsets.UTF_8));
                    // the first time it applies nothing, as a gateway that began to stop; then it applies it
                    if (offered.size() > 1) {
                        watching.get().loaded(content);
                    }
                })) {
            watching.set(watcher);
            watcher.start();
            Files.writeString(file, "v: 1\n");

            await().atMost(Duration.ofSeconds(10)).until(() -> offered.size() >= 2);
            await().pollDelay(Duration.ofMillis(800)).atMost(Duration.ofSeconds(2)).until(() -> true);
            assertThat(offered).containsExactly("v: 1\n", "v: 1\n");
        }
    }

    private static void rewrite(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aFileRewrittenInChunksIsOfferedOnlyWhole() throws Exception {
        Path file = Files.writeString(folder.resolve("kong.yaml"), "old: 1\n");
        List<String> offered = new CopyOnWriteArrayList<>();
        try (ConfigWatcher watcher = applying(file, Duration.ofMillis(200), "old: 1\n", offered, text -> { })) {
            watcher.start();
            String whole = writeInChunks(file);

            await().atMost(Duration.ofSeconds(10)).until(() -> offered.contains(whole));
            assertThat(offered).containsExactly(whole);
        }
    }

    @Test
    void aFileRewrittenInChunksWithoutEventsIsOfferedOnlyWholeByThePoll() throws Exception {
        // the watched name links into a folder that is not watched, so only the poll sees the writes
        Path real = Files.writeString(Files.createDirectory(folder.resolve("real")).resolve("kong.yaml"), "old: 1\n");
        Path watched = Files.createDirectory(folder.resolve("watched"));
        Path file = Files.createSymbolicLink(watched.resolve("kong.yaml"), real);
        List<String> offered = new CopyOnWriteArrayList<>();
        try (ConfigWatcher watcher = applying(file, Duration.ofMillis(150), "old: 1\n", offered, text -> { })) {
            watcher.start();
            String whole = writeInChunks(real);

            await().atMost(Duration.ofSeconds(10)).until(() -> offered.contains(whole));
            assertThat(offered).containsExactly(whole);
        }
    }

    @Test
    void writesToAnotherFileInTheFolderDoNotMakeTheWatcherReadTheConfig() throws Exception {
        Path file = Files.writeString(folder.resolve("kong.yaml"), "old: 1\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(Duration.ofHours(1))));
        List<String> offered = new CopyOnWriteArrayList<>();
        try (ConfigWatcher watcher = applying(file, Duration.ofMillis(200), "old: 1\n", offered, text -> { })) {
            watcher.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> watcher.reads() == 1);

            Path log = folder.resolve("access.log");
            for (int i = 0; i < 50; i++) {
                Files.writeString(log, "request " + i + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                Thread.sleep(10);
            }
            await().pollDelay(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() -> true);
            assertThat(watcher.reads()).isEqualTo(1);

            Files.writeString(file, "new: 2\n");
            await().atMost(Duration.ofSeconds(10)).until(() -> offered.contains("new: 2\n"));
            assertThat(offered).containsExactly("new: 2\n");
        }
    }

    /**
     * A watcher whose receiver notes each content offered, hands it to {@code receive} (which may throw), and then,
     * as the gateway does, tells the watcher it applied it.
     */
    private static ConfigWatcher applying(Path file, Duration poll, String loaded, List<String> offered,
                                          Consumer<String> receive) {
        AtomicReference<ConfigWatcher> watching = new AtomicReference<>();
        ConfigWatcher watcher = new ConfigWatcher(file, poll, ConfigLoader.hash(bytes(loaded)), content -> {
            String text = new String(content, StandardCharsets.UTF_8);
            offered.add(text);
            receive.accept(text);
            watching.get().loaded(content);
        });
        watching.set(watcher);
        return watcher;
    }

    /** Truncates the file and writes a document a line every 20 ms, as a shell redirection of a slow writer does. */
    private static String writeInChunks(Path file) throws IOException, InterruptedException {
        StringBuilder whole = new StringBuilder();
        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.TRUNCATE_EXISTING)) {
            for (int i = 0; i < 20; i++) {
                String line = "key" + i + ": " + i + "\n";
                out.write(bytes(line));
                out.flush();
                whole.append(line);
                Thread.sleep(20);
            }
        }
        return whole.toString();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
