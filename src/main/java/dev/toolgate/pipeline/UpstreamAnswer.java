package dev.toolgate.pipeline;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/**
 * An upstream's answer as upstream policies may change it: its headers and, where the mode reads the
 * answer whole (a tool call), its body.
 */
public final class UpstreamAnswer {

    private final int status;
    private final MultiMap headers;
    private Buffer body;
    private final boolean bodyChangeable;

    public UpstreamAnswer(int status, MultiMap headers, Buffer body, boolean bodyChangeable) {
        this.status = status;
        this.headers = headers;
        this.body = body;
        this.bodyChangeable = bodyChangeable;
    }

    public int status() {
        return status;
    }

    public MultiMap headers() {
        return headers;
    }

    /** The body, or null when the mode streams it (passthrough). */
    public Buffer body() {
        return body;
    }

    public void body(Buffer body) {
        if (!bodyChangeable) {
            throw new IllegalStateException("this answer's body is relayed as it arrives and cannot be changed");
        }
        this.body = body;
    }

    public boolean bodyChangeable() {
        return bodyChangeable;
    }
}
