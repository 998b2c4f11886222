package dev.toolgate.mode.passthrough;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.error.ErrorCatalog;
import dev.toolgate.error.GatewayError;
import dev.toolgate.http.ErrorResponses;
import dev.toolgate.mcp.Json;
import dev.toolgate.mcp.MediaTypes;
import dev.toolgate.mcp.SseEvent;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * The answer to one bridged modern request: a single JSON response, or, once a notification related
 * to the request (progress, a log message it asked for) has to go first, an event stream that the
 * final response ends (2026-07-28 lets a server choose per request).
 */
final class ClientAnswer {

    private final HttpServerResponse response;
    private final JsonNode id;
    private final Consumer<byte[]> observed;
    private boolean streaming;
    /** One of a batch's answers: its messages are events of the batch's stream, which the batch ends. */
    private final boolean batched;

    /**
     * @param id       the request's JSON-RPC id, which an error about it carries
     * @param observed gets each message sent to the client as it is sent (the route's traffic events)
     */
    ClientAnswer(HttpServerResponse response, JsonNode id, Consumer<byte[]> observed) {
        this(response, id, observed, false);
    }

    private ClientAnswer(HttpServerResponse response, JsonNode id, Consumer<byte[]> observed, boolean batched) {
        this.response = response;
        this.id = id;
        this.observed = observed;
        this.batched = batched;
        this.streaming = batched;
    }

    /**
     * The answer to one request of a 2025-03-26 batch, on the event stream {@link #openBatch} began: its response is
     * one event of it (2025-03-26 lets a batch's responses come one by one), and nothing ends the stream but the
     * batch ({@link #endBatch}).
     */
    static ClientAnswer ofBatch(HttpServerResponse response, JsonNode id, Consumer<byte[]> observed) {
        return new ClientAnswer(response, id, observed, true);
    }

    /**
     * The bytes of the answer sent so far, as its log entry counts them: none for one of a batch, whose stream is
     * shared.
     */
    int bytesSent() {
        return batched ? 0 : (int) response.bytesWritten();
    }

    /** Begins a batch's answer: an event stream, which its requests' answers share. */
    static void openBatch(HttpServerResponse response) {
        response.setStatusCode(200).setChunked(true).putHeader("content-type", MediaTypes.EVENT_STREAM)
                .putHeader("cache-control", "no-cache").putHeader("x-accel-buffering", "no");
    }

    /** Ends a batch's answer once all its requests are answered (or left unanswered). */
    static Future<Void> endBatch(HttpServerResponse response) {
        return response.ended() || response.closed() ? Future.succeededFuture() : response.end();
    }

    /**
     * Completes when the client closes {@code response} before it ended (its requests' cancellation). One per
     * response, which every request answered on it listens to: a response has one close handler, and a batch's
     * calls each setting their own left only the last one's heard.
     */
    static Future<Void> hangUp(HttpServerResponse response) {
        Promise<Void> gone = Promise.promise();
        // over h2c this runs when any stream closes, an answered one too
        response.closeHandler(v -> {
            if (!response.ended()) {
                gone.tryComplete();
            }
        });
        if (response.closed() && !response.ended()) {
            gone.tryComplete();
        }
        return gone.future();
    }

    /** True once the client closed its side (which cancels the request). */
    boolean gone() {
        return response.closed();
    }

    /** Sends a notification ahead of the response, switching to an event stream on the first. */
    void notify(JsonNode notification) {
        if (response.ended() || response.closed()) {
            return;
        }
        if (!streaming) {
            streaming = true;
            response.setStatusCode(200).setChunked(true).putHeader("content-type", MediaTypes.EVENT_STREAM)
                    .putHeader("cache-control", "no-cache").putHeader("x-accel-buffering", "no");
        }
        String text = Json.text(notification);
        observed.accept(text.getBytes(StandardCharsets.UTF_8));
        response.write(Buffer.buffer(SseEvent.message(null, text)));
    }

    /**
     * Completes when the client can take more: at once, unless what was sent waits in its write queue
     * (a client reading slower than the server streams). The bridge holds the server's stream back until
     * then, as the relay does, rather than keep in memory what the client does not read.
     */
    Future<Void> writable() {
        if (!response.writeQueueFull() || response.ended() || response.closed()) {
            return Future.succeededFuture();
        }
        io.vertx.core.Promise<Void> drained = io.vertx.core.Promise.promise();
        response.drainHandler(v -> drained.tryComplete());
        return drained.future();
    }

    /** Sends the final response. */
    Future<Void> finish(JsonNode message) {
        if (response.ended() || response.closed()) {
            return Future.succeededFuture();
        }
        byte[] bytes = Json.bytes(message);
        observed.accept(bytes);
        if (batched) {
            return response.write(Buffer.buffer(SseEvent.message(null, new String(bytes, StandardCharsets.UTF_8))));
        }
        if (streaming) {
            return response.end(Buffer.buffer(SseEvent.message(null, new String(bytes, StandardCharsets.UTF_8))));
        }
        return response.setStatusCode(200).putHeader("content-type", MediaTypes.JSON).end(Buffer.buffer(bytes));
    }

    /**
     * Ends the request without a response, as a cancelled request is left unanswered: the stream already
     * open ends, or the request gets an event stream with no event.
     */
    Future<Void> abandon() {
        if (batched || response.ended() || response.closed()) {
            return Future.succeededFuture();
        }
        if (!streaming) {
            response.setStatusCode(200).putHeader("content-type", MediaTypes.EVENT_STREAM)
                    .putHeader("cache-control", "no-cache");
        }
        return response.end();
    }

    /**
     * Refuses or fails the request: the catalog's answer, or its JSON-RPC error ending a stream already open.
     * Either carries the request's id, also when the error itself knows none (the server down or silent): the
     * client can tell which request failed, and the route's traffic events pair the error with it.
     */
    Future<Void> fail(GatewayError error) {
        if (response.ended() || response.closed()) {
            return Future.succeededFuture();
        }
        ObjectNode message = ErrorResponses.body(error);
        if (message.path("id").isNull() && id != null) {
            message.set("id", id);
        }
        byte[] body = Json.bytes(message);
        observed.accept(body);
        if (batched) {
            return response.write(Buffer.buffer(SseEvent.message(null, new String(body, StandardCharsets.UTF_8))));
        }
        if (streaming) {
            return response.end(Buffer.buffer(SseEvent.message(null, new String(body, StandardCharsets.UTF_8))));
        }
        ErrorResponses.send(response, ErrorCatalog.of(error), message);
        return Future.succeededFuture();
    }
}
