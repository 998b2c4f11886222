package dev.toolgate.mode.passthrough;

import io.vertx.core.buffer.Buffer;

/**
 * What passthrough does to an upstream answer's bytes on their way to the client: nothing (the
 * common case), or a rewrite that may hold bytes back until it can decide on them.
 */
interface BodyRewrite {

    /** Forwards every byte as it arrives. */
    BodyRewrite NONE = new BodyRewrite() {
        @Override
        public Buffer feed(Buffer chunk) {
            return chunk;
        }

        @Override
        public Buffer end() {
            return null;
        }
    };

    /** What to send now for a chunk that arrived (may be empty); throws when the answer cannot be rewritten safely. */
    Buffer feed(Buffer chunk);

    /** What is left to send when the upstream's answer ends, or null. */
    Buffer end();

    /** True when the rewrite may change the body's length (Content-Length cannot be relayed). */
    default boolean changesLength() {
        return this != NONE;
    }
}
