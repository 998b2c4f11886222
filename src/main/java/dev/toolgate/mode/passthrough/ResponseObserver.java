package dev.toolgate.mode.passthrough;

import dev.toolgate.mcp.MediaTypes;
import io.vertx.core.buffer.Buffer;

import java.util.function.BiConsumer;

/**
 * Watches one upstream answer on its way to the client: SSE events as they complete, or a JSON body
 * once it has all arrived (up to a limit). It only reads; the bytes are forwarded elsewhere, unchanged
 * and unbuffered.
 */
abstract class ResponseObserver {

    abstract void feed(Buffer chunk);

    abstract void end();

    /** Reports each event's data. */
    static ResponseObserver sse(SseParser.EventSink onMessage) {
        SseParser parser = new SseParser(onMessage, PassthroughProxy.MAX_OBSERVED_BYTES);
        return new ResponseObserver() {
            @Override
            void feed(Buffer chunk) {
                parser.feed(chunk);
            }

            @Override
            void end() {
            }
        };
    }

    /** Reports a JSON body when it ends; other content types and oversized bodies are not observed. */
    static ResponseObserver json(String contentType, BiConsumer<byte[], Integer> onBody) {
        if (!MediaTypes.isJson(contentType)) {
            return new ResponseObserver() {
                @Override
                void feed(Buffer chunk) {
                }

                @Override
                void end() {
                }
            };
        }
        return new ResponseObserver() {
            private Buffer body = Buffer.buffer();

            @Override
            void feed(Buffer chunk) {
                if (body != null && body.length() + chunk.length() <= PassthroughProxy.MAX_OBSERVED_BYTES) {
                    body.appendBuffer(chunk);
                } else {
                    body = null;
                }
            }

            @Override
            void end() {
                if (body != null && body.length() > 0) {
                    onBody.accept(body.getBytes(), body.length());
                }
            }
        };
    }
}
