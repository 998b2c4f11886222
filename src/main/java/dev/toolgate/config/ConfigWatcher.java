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
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Watches a config file, and the local OpenAPI documents the configuration loaded from it reads, and hands
 * the file's bytes over when either changes. It watches the files' directories, not the files: Kubernetes
 * ConfigMaps replace a {@code ..data} symlink, which a watch on the file itself never sees. A periodic poll
 * backs the watch up (network file systems send no events). What was offered is remembered as the file's
 * content hash and each document's modification time and size, so one change is delivered once; the file is
 * read again only when its size, modification time or identity changed, so writes beside it (a log file in
 * its folder) cost a look, not a read of a config of tens of megabytes. The file is
 * offered only once it stopped changing: a writer that truncates it and writes it in chunks ({@code deck file
 * render > kong.yaml}) leaves a prefix that is often valid YAML, one without the global plugins at its end.
 * A content refused as invalid is offered again unchanged after the poll interval, then after twice as long
 * at each refusal up to {@link #MAX_REFUSED_WAIT} (one refused for a passing reason, a spec URL briefly down, passes
 * without an edit; one that stays wrong does not have its spec URLs fetched every poll), and at once when the
 * file is written again (touching it will do) or a document it names changes. A content whose applying failed
 * unexpectedly is offered again, at most once a poll interval.
 */
public final class ConfigWatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigWatcher.class);
    /**
     * Let an editor or a ConfigMap swap finish writing before reading; and how long the file must then stay
     * unchanged (size, modification time, file) before what was read is offered.
     */
    private static final long SETTLE_MS = 100;
    /** The coarsest modification time a file system keeps (FAT's 2 s, with a margin). */
    private static final long COARSE_TIME_MS = 3000;
    /** The longest a refused content waits to be offered again unchanged. */
    static final Duration MAX_REFUSED_WAIT = Duration.ofMinutes(5);

    private final Path file;
    private final Duration poll;
    private final Consumer<byte[]> onChange;
    private final Supplier<Set<Path>> documents;
    /** The file's content hash when constructed. */
    private final String initialHash;
    /**
     * The state (content and documents) applied last: not offered again. Only {@link #loaded} writes it once
     * started: the receiver says what it applied, under the lock it applies under, so that the last content
     * applied is the last recorded.
     */
    private volatile String applied;
    /** The file's look when last read whole, and its content hash then. */
    private Look known;
    private String knownHash;
    private volatile int reads;
    /** The state that failed last, and when; one refused as invalid is not offered again. */
    private String failed;
    private boolean refused;
    /** How many times in a row the same content was refused. */
    private int refusals;
    private long failedAt;
    /** The watch of each other folder a document lies in. */
    private final Map<Path, WatchKey> folders = new HashMap<>();
    private volatile boolean closed;
    private WatchService watch;
    private Thread thread;

    /**
     * @param file        the config file
     * @param poll        how often to check even without events
     * @param currentHash hash of the content already loaded
     * @param onChange    receives the new content and tells {@link #loaded} once it applied it (returning without
     *                    that, it applied nothing, as a gateway that began to stop; the content is then offered
     *                    again at the next look unless a reload loaded it); a throw means it was not applied, and
     *                    it is offered again later (an {@link InvalidConfigException} is the receiver's to report,
     *                    with its problems; anything else is logged here); runs on the watcher's virtual thread
     */
    public ConfigWatcher(Path file, Duration poll, String currentHash, Consumer<byte[]> onChange) {
        this(file, poll, currentHash, onChange, Set::of);
    }

    /**
     * Same, also watching local documents the configuration reads.
     *
     * @param documents the local files the configuration last offered (applied or refused) read; asked after
     *                  each offer, and at {@link #start()} for the one already loaded
     */
    public ConfigWatcher(Path file, Duration poll, String currentHash, Consumer<byte[]> onChange,
                         Supplier<Set<Path>> documents) {
        this.file = file.toAbsolutePath();
        this.poll = poll;
        this.initialHash = currentHash;
        this.onChange = onChange;
        this.documents = documents;
    }

    public void start() throws IOException {
        watch = file.getFileSystem().newWatchService();
        register(file.getParent());
        applied = state(initialHash, watchedDocuments());
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

    private void check() throws InterruptedException {
        Look look = look();
        if (look == null) {
            return;
        }
        byte[] content = null;
        // any write in the folder wakes the watcher (a log file there: every request): the file is read and
        // hashed only when its look changed, not tens of megabytes each time
        if (!look.equals(known)) {
            long readAt = System.currentTimeMillis();
            content = readWhenQuiet(look);
            if (content == null) {
                return;
            }
            knownHash = ConfigLoader.hash(content);
            // a file system with coarse times (2 s on FAT, 1 s on some network ones) gives a later write of the
            // same size the same look: a look that recent is not trusted, and the file is read again next time
            known = look.modified().toMillis() < readAt - COARSE_TIME_MS ? look : null;
        }
        String hash = knownHash;
        String written = "\nwritten " + look;
        String seen = state(hash, documents.get());
        if (seen.equals(applied)) {
            return;
        }
        // the same refused content is offered again less and less often; written again (touched will do) or a
        // document it names changed, it is offered at once
        boolean retry = (seen + written).equals(failed);
        if (retry && System.nanoTime() - failedAt < (refused ? refusedWait() : poll.toNanos())) {
            return;
        }
        if (content == null) {
            // offered again unchanged: read again, and offered only if it is what the look stood for
            content = read();
            if (content == null || !ConfigLoader.hash(content).equals(hash)) {
                known = null;
                return;
            }
        }
        Outcome outcome = offer(content, hash, retry);
        // the content may name other documents than the one before: watch those, and remember them as now
        String after = state(hash, watchedDocuments());
        if (outcome == Outcome.ACCEPTED) {
            // nothing recorded here: the receiver told loaded() what it applied, under its lock; recorded after
            // that lock was let go, this content could overwrite a newer one a reload applied meanwhile, and one
            // the receiver did not apply (the gateway began to stop) would seem applied
            failed = null;
            refusals = 0;
        } else {
            refusals = retry && outcome == Outcome.REFUSED ? refusals + 1 : outcome == Outcome.REFUSED ? 1 : 0;
            failed = after + written;
            refused = outcome == Outcome.REFUSED;
            failedAt = System.nanoTime();
        }
    }

    /** The file's size, modification time and identity (which a symlink swap changes); null when it is missing. */
    private record Look(long size, FileTime modified, Object file) {
    }

    private Look look() {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return new Look(attributes.size(), attributes.lastModifiedTime(), attributes.fileKey());
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * The file's content, if it still has this look a moment after being read; else null: a writer still
     * at work changes it within the wait, and the watcher looks again at its next event (or the next poll).
     */
    private byte[] readWhenQuiet(Look look) throws InterruptedException {
        byte[] content = read();
        if (content == null) {
            return null;
        }
        Thread.sleep(SETTLE_MS);
        return look.equals(look()) ? content : null;
    }

    private byte[] read() {
        reads++;
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            // mid-swap or deleted: keep serving what is loaded and look again later
            return null;
        }
    }

    /** How many times the file was read (tests check that writes beside it cause none). */
    int reads() {
        return reads;
    }

    /** How long the same refused content waits to be offered again: the poll interval, doubled at each refusal. */
    private long refusedWait() {
        return Math.min(poll.toNanos() << Math.min(refusals - 1, 16), MAX_REFUSED_WAIT.toNanos());
    }

    /** Accepted: the receiver returned, having told {@link #loaded} if it applied the content. */
    private enum Outcome { ACCEPTED, REFUSED, FAILED }

    /** What became of the content; a failure other than a refusal is logged once for a content. */
    private Outcome offer(byte[] content, String hash, boolean retry) {
        try {
            onChange.accept(content);
            return Outcome.ACCEPTED;
        } catch (InvalidConfigException e) {
            return Outcome.REFUSED;
        } catch (Throwable e) {
            if (retry) {
                LOG.debug("config watcher: applying {} failed again", file, e);
            } else {
                LOG.error("config watcher: applying {} (content {}) failed; will try again", file, hash, e);
            }
            return Outcome.FAILED;
        }
    }

    /** The file's content hash and each document's modification time and size (or absence), in one string. */
    private static String state(String hash, Set<Path> documents) {
        StringBuilder state = new StringBuilder(hash);
        documents.stream().sorted().forEach(document -> {
            state.append('\n').append(document).append(' ');
            try {
                BasicFileAttributes attributes = Files.readAttributes(document, BasicFileAttributes.class);
                state.append(attributes.lastModifiedTime().toMillis()).append(' ').append(attributes.size());
            } catch (IOException e) {
                state.append('-');
            }
        });
        return state.toString();
    }

    /**
     * The file's {@code content} was loaded (by SIGHUP, or by the receiver of an offer): it is not offered again,
     * unless it or a document it names changes. Called under the lock loads are applied under, so that the last
     * content applied is the last recorded.
     */
    public void loaded(byte[] content) {
        applied = state(ConfigLoader.hash(content), documents.get());
    }

    /** Whether {@code content}, with the documents it names as they are now, is what was applied last. */
    public boolean isApplied(byte[] content) {
        return state(ConfigLoader.hash(content), documents.get()).equals(applied);
    }

    /** The documents to watch now; their folders are watched, and those no document lies in any longer are not. */
    private Set<Path> watchedDocuments() {
        Set<Path> current = documents.get();
        Set<Path> needed = new HashSet<>();
        current.forEach(document -> needed.add(document.toAbsolutePath().getParent()));
        needed.remove(file.getParent());
        folders.entrySet().removeIf(folder -> {
            if (needed.contains(folder.getKey())) {
                return false;
            }
            folder.getValue().cancel();
            return true;
        });
        needed.forEach(folder -> {
            if (!folders.containsKey(folder)) {
                try {
                    folders.put(folder, register(folder));
                } catch (IOException e) {
                    // a missing folder: the poll still sees its document appear
                }
            }
        });
        return current;
    }

    private WatchKey register(Path folder) throws IOException {
        return folder.register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                StandardWatchEventKinds.ENTRY_DELETE);
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
