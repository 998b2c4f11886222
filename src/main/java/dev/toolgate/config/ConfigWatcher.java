package dev.toolgate.config;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Watches a config file and hands its new bytes over when its content changes. It watches the
 * file's directory, not the file: Kubernetes ConfigMaps replace a {@code ..data} symlink, which a
 * watch on the file itself never sees. A periodic poll backs the watch up (network file systems
 * send no events), and a content hash keeps one change from being delivered twice. A content that could not
 * be applied is offered again, at most once a poll interval, until it is or the file changes: a reload can
 * fail for a passing reason (a spec URL briefly down), and the file's bytes need not change for it to pass.
 */
public final class ConfigWatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigWatcher.class);
    /** Let an editor or a ConfigMap swap finish writing before reading. */
    private static final long SETTLE_MS = 100;

    private final Path file;
    private final Duration poll;
    private final Consumer<byte[]> onChange;
    /** The content applied last: not offered again. */
    private volatile String lastHash;
    /** The content that failed last, and when: offered again once {@link #poll} has passed. */
    private String failedHash;
    private long failedAt;
    private volatile boolean closed;
    private WatchService watch;
    private Thread thread;

    /**
     * @param file        the config file
     * @param poll        how often to check even without events
     * @param currentHash hash of the content already loaded
     * @param onChange    receives the new content; a throw means it was not applied, and it is offered again
     *                    later (an {@link InvalidConfigException} is the receiver's to report, with its
     *                    problems; anything else is logged here); runs on the watcher's virtual thread
     */
    public ConfigWatcher(Path file, Duration poll, String currentHash, Consumer<byte[]> onChange) {
        this.file = file.toAbsolutePath();
        this.poll = poll;
        this.lastHash = currentHash;
        this.onChange = onChange;
    }

    public void start() throws IOException {
        watch = file.getFileSystem().newWatchService();
        file.getParent().register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                StandardWatchEventKinds.ENTRY_DELETE);
        thread = Thread.ofVirtual().name("config-watcher").start(this::run);
    }

    private void run() {
        while (!closed) {
            try {
                WatchKey key = watch.poll(poll.toMillis(), TimeUnit.MILLISECONDS);
                if (key != null) {
                    key.pollEvents();
                    key.reset();
                    Thread.sleep(SETTLE_MS);
                }
                check();
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            } catch (Throwable e) {
                // an Error too (a StackOverflowError from a deeply nested document): ending the thread would
                // leave every later edit unapplied, with nothing in the log to say so after this line
                LOG.error("config watcher: unexpected failure; still watching {}", file, e);
            }
        }
    }

    private void check() {
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (IOException e) {
            // mid-swap or deleted: keep serving what is loaded and look again later
            return;
        }
        String hash = ConfigLoader.hash(content);
        if (hash.equals(lastHash)) {
            return;
        }
        boolean retry = hash.equals(failedHash);
        if (retry && System.nanoTime() - failedAt < poll.toNanos()) {
            return;
        }
        if (offer(content, hash, retry)) {
            lastHash = hash;
            failedHash = null;
        } else {
            failedHash = hash;
            failedAt = System.nanoTime();
        }
    }

    /** True when {@code onChange} applied the content; a throw is not, and is logged once for a content. */
    private boolean offer(byte[] content, String hash, boolean retry) {
        try {
            onChange.accept(content);
            return true;
        } catch (InvalidConfigException e) {
            return false;
        } catch (Throwable e) {
            if (retry) {
                LOG.debug("config watcher: applying {} failed again", file, e);
            } else {
                LOG.error("config watcher: applying {} (content {}) failed; will try again", file, hash, e);
            }
            return false;
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            if (watch != null) {
                watch.close();
            }
        } catch (IOException e) {
            LOG.debug("closing the watch service failed", e);
        }
        if (thread != null) {
            thread.interrupt();
        }
    }
}
