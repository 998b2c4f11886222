package dev.toolgate.observe.filelog;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The file a file-log appends its lines to, a batch at a time: whole, or not at all. A write that fails
 * part way (the disk full) left the start of a line in the file, which the next write (the batch's retry,
 * or the next batch) continued: two entries merged into one line no log reader can parse, and the lines
 * written before the failure written again on the retry. The file is cut back to where the batch began; if
 * even that fails, the next batch starts on a new line.
 *
 * <p>Two file-log plugins may name one file (a global one and a route's): each has its own queue and
 * channel, so the file's end is shared ({@link End}). Without it, one plugin's cut-back removed the lines
 * the other had just written, and the other continued a torn line.
 */
final class LogFile implements AutoCloseable {

    /** Opens the file for appending. */
    interface Opener {
        FileChannel open(Path path) throws IOException;
    }

    /** The file itself, its folders made when missing. */
    static final Opener APPEND = path -> {
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        return FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    };

    private static final byte[] NEWLINE = {'\n'};

    /** The end of each file written to, by absolute path (as many as paths ever configured). */
    private static final ConcurrentHashMap<Path, End> ENDS = new ConcurrentHashMap<>();

    /** A file's end: one batch is written to it at a time, and whether it stops in the middle of a line. */
    private static final class End {
        final ReentrantLock writing = new ReentrantLock();
        /** The file may end in the middle of a line: a failed batch could not be cut back. */
        boolean torn;
    }

    private final Path path;
    private final boolean reopen;
    private final Opener opener;
    private final End end;
    private FileChannel open;

    /** @param reopen open the file for each batch (a rotated file is followed), else once */
    LogFile(Path path, boolean reopen, Opener opener) {
        this.path = path;
        this.reopen = reopen;
        this.opener = opener;
        this.end = ENDS.computeIfAbsent(path.toAbsolutePath().normalize(), p -> new End());
    }

    /** Appends {@code lines} (whole lines) as they are, or throws having left the file as it was. */
    void append(byte[] lines) throws IOException {
        if (reopen) {
            try (FileChannel out = opener.open(path)) {
                whole(out, lines);
            }
            return;
        }
        if (open == null) {
            open = opener.open(path);
        }
        try {
            whole(open, lines);
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    private void whole(FileChannel out, byte[] lines) throws IOException {
        end.writing.lock();
        try {
            long before = out.size();
            try {
                if (end.torn) {
                    write(out, NEWLINE);
                }
                write(out, lines);
                end.torn = false;
            } catch (IOException e) {
                try {
                    out.truncate(before);
                } catch (IOException notCut) {
                    end.torn = true;
                }
                throw e;
            }
        } finally {
            end.writing.unlock();
        }
    }

    private static void write(FileChannel out, byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            out.write(buffer);
        }
    }

    @Override
    public void close() {
        if (open != null) {
            try {
                open.close();
            } catch (IOException ignored) {
                // the next batch opens it again
            }
            open = null;
        }
    }
}
