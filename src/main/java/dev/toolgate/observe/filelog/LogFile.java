package dev.toolgate.observe.filelog;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The file a file-log appends its lines to, a batch at a time: whole, or not at all. A write that fails
 * part way (the disk full) left the start of a line in the file, which the next write (the batch's retry,
 * or the next batch) continued: two entries merged into one line no log reader can parse, and the lines
 * written before the failure written again on the retry. The file is cut back to where the batch began; if
 * even that fails, the next batch starts on a new line.
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

    private final Path path;
    private final boolean reopen;
    private final Opener opener;
    private FileChannel open;
    /** The file may end in the middle of a line: a failed batch could not be cut back. */
    private boolean torn;

    /** @param reopen open the file for each batch (a rotated file is followed), else once */
    LogFile(Path path, boolean reopen, Opener opener) {
        this.path = path;
        this.reopen = reopen;
        this.opener = opener;
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
        long before = out.size();
        try {
            if (torn) {
                write(out, NEWLINE);
            }
            write(out, lines);
            torn = false;
        } catch (IOException e) {
            try {
                out.truncate(before);
            } catch (IOException notCut) {
                torn = true;
            }
            throw e;
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
