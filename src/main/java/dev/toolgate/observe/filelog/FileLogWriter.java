package dev.toolgate.observe.filelog;

import dev.toolgate.observe.LogQueue;
import dev.toolgate.observe.Outbox;
import dev.toolgate.observe.QueueSettings;
import dev.toolgate.observe.Telemetry;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The queue and file of one file-log configuration, kept across reloads while it is unchanged. Lines
 * are serialized and written on the queue's own thread, in batches (never on an event loop); with
 * {@code reopen} the file is opened for each batch, so a rotated file is followed. A batch is written
 * whole or not at all ({@link LogFile}); one that cannot be written is retried for a second, then
 * dropped and counted.
 */
final class FileLogWriter implements AutoCloseable {

    /** Up to 100 lines per write, after at most 50 ms. */
    private static final QueueSettings QUEUE = new QueueSettings(100, 0.05, 10_000, null, 1, 0.01, 0.5, 1);

    private final LogFile file;
    private final Outbox<LogQueue> outbox;

    FileLogWriter(FileLogConfig config, Telemetry telemetry, String name) {
        this.file = new LogFile(Path.of(config.path()), config.reopen(), LogFile.APPEND);
        // one writer: the file gets whole entries in order
        this.outbox = new Outbox<>(name, QUEUE, this::write, LogQueue::weight, telemetry.dropCounter("file-log"), 1,
                telemetry.backlog());
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
        file.append(lines.toByteArray());
    }

    @Override
    public void close() {
        outbox.close();
        file.close();
    }
}
