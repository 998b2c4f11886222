package dev.toolgate.observe.filelog;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A log file on a disk that fills up: a write the disk takes only part of leaves no torn line for the next
 * entry to continue. The file is real; only the disk's refusal is played, by a channel that writes the first
 * part of what it is given, then fails as write(2) does with ENOSPC.
 */
class LogFileTest {

    @TempDir
    Path dir;

    /** The real file's channel, which takes at most {@code room} more bytes while {@code full}. */
    private static final class FillingDisk {
        volatile boolean full;
        volatile boolean cutFails;
        /** Run once when the disk refuses, before the refusal: another writer's turn while this one's batch is torn. */
        volatile Runnable meanwhile;
        long room = 10;

        FileChannel open(Path path) throws IOException {
            return new Filling(LogFile.APPEND.open(path));
        }

        private final class Filling extends FileChannel {
            private final FileChannel real;

            Filling(FileChannel real) {
                this.real = real;
            }

            @Override
            public int write(ByteBuffer src) throws IOException {
                if (!full) {
                    return real.write(src);
                }
                if (room == 0) {
                    Runnable other = meanwhile;
                    meanwhile = null;
                    if (other != null) {
                        other.run();
                    }
                    throw new IOException("No space left on device");
                }
                int taken = (int) Math.min(room, src.remaining());
                ByteBuffer part = src.slice(src.position(), taken);
                real.write(part);
                src.position(src.position() + taken);
                room -= taken;
                return taken;
            }

            @Override
            public FileChannel truncate(long size) throws IOException {
                if (cutFails) {
                    throw new IOException("Input/output error");
                }
                real.truncate(size);
                return this;
            }

            @Override
            public long size() throws IOException {
                return real.size();
            }

            @Override
            public int read(ByteBuffer dst) throws IOException {
                return real.read(dst);
            }

            @Override
            public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
                return real.read(dsts, offset, length);
            }

            @Override
            public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
                throw new UnsupportedOperationException();
            }

            @Override
            public long position() throws IOException {
                return real.position();
            }

            @Override
            public FileChannel position(long newPosition) throws IOException {
                real.position(newPosition);
                return this;
            }

            @Override
            public void force(boolean metaData) throws IOException {
                real.force(metaData);
            }

            @Override
            public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
                return real.transferTo(position, count, target);
            }

            @Override
            public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(ByteBuffer dst, long position) throws IOException {
                return real.read(dst, position);
            }

            @Override
            public int write(ByteBuffer src, long position) throws IOException {
                throw new UnsupportedOperationException();
            }

            @Override
            public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
                throw new UnsupportedOperationException();
            }

            @Override
            public FileLock lock(long position, long size, boolean shared) throws IOException {
                return real.lock(position, size, shared);
            }

            @Override
            public FileLock tryLock(long position, long size, boolean shared) throws IOException {
                return real.tryLock(position, size, shared);
            }

            @Override
            protected void implCloseChannel() throws IOException {
                real.close();
            }
        }
    }

    private static byte[] lines(String... entries) {
        return (String.join("\n", entries) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private Path log() {
        return dir.resolve("logs/toolgate.log");
    }

    @ParameterizedTest(name = "reopen: {0}")
    @ValueSource(booleans = {false, true})
    void aBatchTheFullDiskTookPartOfLeavesNothingAndItsRetryIsWrittenOnce(boolean reopen) throws IOException {
        FillingDisk disk = new FillingDisk();
        LogFile file = new LogFile(log(), reopen, disk::open);
        file.append(lines("{\"n\":1}"));

        disk.full = true;
        assertThatThrownBy(() -> file.append(lines("{\"n\":2}", "{\"n\":3,\"pad\":\"xxxxxxxx\"}")))
                .hasMessageContaining("No space left");
        disk.full = false;
        // the queue's retry of the batch, then the next one
        file.append(lines("{\"n\":2}", "{\"n\":3,\"pad\":\"xxxxxxxx\"}"));
        file.append(lines("{\"n\":4}"));
        file.close();

        assertThat(Files.readAllLines(log()))
                .containsExactly("{\"n\":1}", "{\"n\":2}", "{\"n\":3,\"pad\":\"xxxxxxxx\"}", "{\"n\":4}");
    }

    @Test
    void aTornLineThatCannotBeCutBackIsEndedBeforeTheNextEntry() throws IOException {
        FillingDisk disk = new FillingDisk();
        LogFile file = new LogFile(log(), false, disk::open);
        file.append(lines("{\"n\":1}"));

        disk.full = true;
        disk.cutFails = true;
        assertThatThrownBy(() -> file.append(lines("{\"n\":2,\"pad\":\"xxxxxxxx\"}"))).hasMessageContaining("No space");
        disk.full = false;
        file.append(lines("{\"n\":3}"));
        file.close();

        // the torn entry is one broken line of its own: the entry after it is whole
        assertThat(Files.readAllLines(log())).containsExactly("{\"n\":1}", "{\"n\":2,\"pa", "{\"n\":3}");
    }

    @Test
    void twoPluginsLoggingToOneFileNeitherCutBackNorContinueEachOthersLines() throws Exception {
        FillingDisk disk = new FillingDisk();
        LogFile global = new LogFile(log(), false, disk::open);
        LogFile route = new LogFile(dir.resolve("logs/../logs/toolgate.log"), false, LogFile.APPEND);
        global.append(lines("{\"global\":1}"));

        disk.full = true;
        Thread[] other = new Thread[1];
        disk.meanwhile = () -> {
            // the route's plugin writes while the global one's batch is half on the disk
            other[0] = Thread.ofPlatform().start(() -> {
                try {
                    route.append(lines("{\"route\":1}"));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            try {
                other[0].join(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        assertThatThrownBy(() -> global.append(lines("{\"global\":2,\"pad\":\"xxxxxxxx\"}")))
                .hasMessageContaining("No space");
        other[0].join(5_000);
        disk.full = false;
        global.append(lines("{\"global\":3}"));
        global.close();
        route.close();

        assertThat(Files.readAllLines(log())).containsExactly("{\"global\":1}", "{\"route\":1}", "{\"global\":3}");
    }
}
