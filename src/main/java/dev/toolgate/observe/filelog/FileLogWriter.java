package dev.toolgate.observe.filelog;

import dev.toolgate.observe.LogQueue;
import dev.toolgate.observe.Outbox;
import dev.toolgate.observe.QueueSettings;
import dev.toolgate.observe.Telemetry;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * The queue and file of one file-log configuration, kept across reloads while it is unchanged. Lines
 * are serialized and written on the queue's own thread, in batches (never on an event loop); with
 * {@code reopen} the file is opened for each batch, so a rotated file is followed.
 */
final class FileLogWriter implements AutoCloseable {

    /** Up to 100 lines per write, after at most 50 ms. */
    private static final QueueSettings QUEUE = new QueueSettings(100, 0.05, 10_000, null, 1, 0.01, 0.5, 1);

    private final FileLogConfig config;
    private final Path path;
    private final Outbox<LogQueue> outbox;
    private OutputStream open;

    FileLogWriter(FileLogConfig config, Telemetry telemetry, String name) {
        this.config = config;
        this.path = Path.of(config.path());
        // one writer: the file gets whole entries in order
        this.outbox = new Outbox<>(name, QUEUE, this::write, LogQueue::weight, n -> telemetry.dropped("file-log", n), 1);
    }

    void offer(LogQueue entry) {
        outbox.offer(entry);
    }

    private void write(List<LogQueue> batch, int attempt) throws IOException {
        var lines = new java.io.ByteArrayOutputStream(batch.size() * 1024);
        for (LogQueue entry : batch) {
            lines.write(entry.entry());
            lines.write('\n');
        }
        if (config.reopen()) {
            try (OutputStream out = openFile()) {
                lines.writeTo(out);
            }
            return;
        }
        if (open == null) {
            open = openFile();
        }
        try {
            lines.writeTo(open);
            open.flush();
        } catch (IOException e) {
            closeFile();
            throw e;
        }
    }

    private OutputStream openFile() throws IOException {
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        return Files.newOutputStream(path, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                StandardOpenOption.WRITE);
    }

    private void closeFile() {
        if (open != null) {
            try {
                open.close();
            } catch (IOException ignored) {
                // the next batch opens it again
            }
            open = null;
        }
    }

    @Override
    public void close() {
        outbox.close();
        closeFile();
    }
}
