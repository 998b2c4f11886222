package dev.toolgate.http;

import io.vertx.core.buffer.Buffer;

import java.io.ByteArrayOutputStream;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * A gzip body (RFC 1952) whose large, constant head is compressed once and whose small tail changes
 * with every response: a {@code tools/list} page is the head, the JSON-RPC id the tail. The head is
 * deflated up to a sync flush, which leaves the deflate stream byte-aligned and open; each response
 * appends the tail's own final deflate blocks, then the gzip trailer (CRC-32 and length of head and
 * tail together). Per response that costs a CRC over the head and deflating a few bytes, instead of
 * compressing megabytes. The head is kept as the parts it was given, not copied into one array: a
 * {@code tools/list} page is already held raw beside its gzip, and a second copy would double what a page costs.
 */
public final class GzipHead {

    private static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};

    private final byte[][] head;
    private final int headLength;
    private final byte[] deflated;

    private GzipHead(byte[][] head, byte[] deflated) {
        this.head = head;
        this.deflated = deflated;
        int length = 0;
        for (byte[] part : head) {
            length += part.length;
        }
        this.headLength = length;
    }

    /**
     * Compresses the head made of {@code parts} in order (at the default level), keeping the parts themselves, not
     * a copy: they must not change afterwards. Takes milliseconds per megabyte, so not on an event loop.
     */
    public static GzipHead of(byte[]... parts) {
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        try {
            int length = 0;
            for (byte[] part : parts) {
                length += part.length;
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream(length / 8 + 64);
            byte[] chunk = new byte[64 * 1024];
            for (int i = 0; i < parts.length - 1; i++) {
                deflater.setInput(parts[i]);
                while (!deflater.needsInput()) {
                    out.write(chunk, 0, deflater.deflate(chunk, 0, chunk.length, Deflater.NO_FLUSH));
                }
            }
            deflater.setInput(parts.length == 0 ? new byte[0] : parts[parts.length - 1]);
            int n;
            do {
                n = deflater.deflate(chunk, 0, chunk.length, Deflater.SYNC_FLUSH);
                out.write(chunk, 0, n);
            } while (n == chunk.length);
            return new GzipHead(parts.clone(), out.toByteArray());
        } finally {
            deflater.end();
        }
    }

    /** Compressed size of the head. */
    public int deflatedLength() {
        return deflated.length;
    }

    /** The length of head followed by {@code tail}, uncompressed. */
    public int length(byte[] tail) {
        return headLength + tail.length;
    }

    /** Head followed by {@code tail}, uncompressed: what {@link #withTail} inflates to. */
    public byte[] plain(byte[] tail) {
        byte[] out = new byte[headLength + tail.length];
        int at = 0;
        for (byte[] part : head) {
            System.arraycopy(part, 0, out, at, part.length);
            at += part.length;
        }
        System.arraycopy(tail, 0, out, at, tail.length);
        return out;
    }

    /** The complete gzip body of head followed by {@code tail}. */
    public Buffer withTail(byte[] tail) {
        byte[] end = finish(tail);
        CRC32 crc = new CRC32();
        for (byte[] part : head) {
            crc.update(part);
        }
        crc.update(tail);
        long size = (long) headLength + tail.length;
        Buffer out = Buffer.buffer(HEADER.length + deflated.length + end.length + 8);
        out.appendBytes(HEADER).appendBytes(deflated).appendBytes(end);
        out.appendIntLE((int) crc.getValue()).appendIntLE((int) size);
        return out;
    }

    /** The tail as final deflate blocks (a fresh deflater: nothing it writes refers back into the head). */
    private static byte[] finish(byte[] tail) {
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        try {
            deflater.setInput(tail);
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(tail.length + 16);
            byte[] chunk = new byte[256];
            while (!deflater.finished()) {
                out.write(chunk, 0, deflater.deflate(chunk));
            }
            return out.toByteArray();
        } finally {
            deflater.end();
        }
    }
}
