package dev.toolgate.observe;

import io.vertx.core.buffer.Buffer;

import java.io.OutputStream;

/**
 * An output stream into a Vert.x buffer: a batch of log entries or an OTLP export is written where the
 * HTTP client sends it from, instead of into an array that is then copied into a buffer (two copies of
 * every byte, and as much garbage, at the gateway's rate).
 */
public final class BufferOutput extends OutputStream {

    private final Buffer buffer;

    /** @param expectedBytes the size to start with (the buffer grows past it) */
    public BufferOutput(int expectedBytes) {
        this.buffer = Buffer.buffer(Math.max(64, expectedBytes));
    }

    @Override
    public void write(int b) {
        buffer.appendByte((byte) b);
    }

    @Override
    public void write(byte[] b, int off, int len) {
        buffer.appendBytes(b, off, len);
    }

    /** What was written. */
    public Buffer buffer() {
        return buffer;
    }
}
