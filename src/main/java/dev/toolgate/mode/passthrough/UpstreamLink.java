package dev.toolgate.mode.passthrough;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.http.UpstreamClient;
import dev.toolgate.http.UpstreamException;
import dev.toolgate.http.UpstreamTarget;
import dev.toolgate.mcp.Json;
import dev.toolgate.mcp.MediaTypes;
import dev.toolgate.pipeline.RpcRecord;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;

import java.io.IOException;
import java.util.function.Consumer;

/**
 * The era bridge's requests to a legacy MCP server on one exchange: JSON-RPC messages POSTed into
 * the upstream session, a stream resumed with GET and {@code Last-Event-ID}, a session ended with
 * DELETE. Each carries the exchange's upstream headers (the client's, less hop-by-hop headers and
 * consumed credentials, plus the consumer headers and what the route's transformers add), without
 * the client's 2026 request headers ({@link BridgeHeaders}). An answer is either one JSON body
 * (bounded) or an event stream read event by event ({@link UpstreamExchange} sends and reads).
 */
final class UpstreamLink {

    /** Largest JSON body or single event read from the upstream. */
    static final int MAX_MESSAGE_BYTES = PassthroughProxy.MAX_OBSERVED_BYTES;

    /**
     * An upstream answer.
     *
     * @param status  HTTP status
     * @param headers its headers
     * @param json    the body read as JSON, when it was JSON (null for an event stream or an unreadable body)
     * @param stream  the open event stream, when it is one (null otherwise)
     */
    record Answer(int status, MultiMap headers, JsonNode json, Stream stream) {

        String sessionId() {
            return headers.get("mcp-session-id");
        }
    }

    /**
     * An upstream event stream being read; {@link #close()} stops reading it (and drops the connection).
     * The service's {@code read_timeout} bounds the silence between two reads, as it bounds a JSON answer's:
     * unlike a relayed stream, which the client reads (and leaves when it likes), the client of a bridge
     * sees nothing of a silent stream, so a server that opened one and then said nothing held the client's
     * request, and a connection, for as long as it liked. It counts from the answer's head, not from the first
     * read: a stream nobody reads (an answer the bridge discards) would otherwise hold its pooled connection
     * with no end.
     */
    static final class Stream {
        private final HttpClientResponse response;
        private final SseReader reader;
        private final ReadTimeout silence;
        private final Promise<Void> ended = Promise.promise();
        private Consumer<SseReader.Event> events = e -> { };

        Stream(HttpClientResponse response, long readTimeoutMs) {
            this.response = response;
            this.reader = new SseReader(e -> events.accept(e), MAX_MESSAGE_BYTES);
            this.silence = new ReadTimeout(Vertx.currentContext(), readTimeoutMs, () -> {
                if (ended.tryFail(new UpstreamException(UpstreamException.Kind.TIMEOUT,
                        "sent nothing for " + readTimeoutMs + " ms (service read_timeout)"))) {
                    response.request().reset();
                }
            });
            response.pause();
            response.handler(chunk -> {
                silence.read();
                try {
                    reader.feed(chunk);
                } catch (SseReader.TooLarge e) {
                    close();
                    ended.tryFail(e);
                }
            });
            response.exceptionHandler(ended::tryFail);
            response.endHandler(v -> ended.tryComplete());
            ended.future().onComplete(done -> silence.stop());
            silence.start();
        }

        /** Starts delivering events; {@code ended} completes when the stream does. */
        Future<Void> read(Consumer<SseReader.Event> handler) {
            this.events = handler;
            if (!ended.future().isComplete()) {
                silence.start();
            }
            response.resume();
            return ended.future();
        }

        String lastEventId() {
            return reader.lastId();
        }

        /** How long the server asked to wait before resuming the stream ({@code retry}, ms), or -1. */
        long retryMs() {
            return reader.retryMs();
        }

        /**
         * Reads no further until {@code writable} completes (the client's side has room again); the time
         * held back does not count as the server's silence.
         */
        void holdUntil(Future<Void> writable) {
            if (writable.isComplete() || ended.future().isComplete()) {
                return;
            }
            response.pause();
            silence.stop();
            writable.onComplete(v -> {
                if (!ended.future().isComplete()) {
                    silence.start();
                    response.resume();
                }
            });
        }

        void close() {
            // one that ended is left alone: its connection may already be back in the pool, serving another request
            if (ended.tryComplete()) {
                response.request().reset();
            }
        }
    }

    private final UpstreamTarget target;
    private final String uri;
    private final BridgeHeaders headers;
    private final UpstreamExchange exchange;

    /** @param baseHeaders what every request carries (copied for each request) */
    UpstreamLink(UpstreamClient client, UpstreamTarget target, String uri, MultiMap baseHeaders) {
        this.target = target;
        this.uri = uri;
        this.headers = new BridgeHeaders(baseHeaders);
        this.exchange = new UpstreamExchange(client, target, uri);
    }

    /** The path and query every request goes to (a prefix route's paths each have their own). */
    String uri() {
        return uri;
    }

    UpstreamTarget target() {
        return target;
    }

    /**
     * POSTs one message of the bridge's own (a probe, a session's setup): no client message's trace context is
     * written, nor does it start one. {@code sessionId} and {@code version} may be null (before initialize).
     */
    Future<Answer> post(JsonNode message, String sessionId, String version) {
        return post(message, sessionId, version, java.util.Map.of());
    }

    /**
     * POSTs the request that carries the client's message {@code traced} upstream, its client may give up on:
     * when {@code abandoned} completes (or fails) before the answer is read, the upstream request is reset at once
     * and the answer fails with {@link CallCancelled}. A server still computing a JSON answer would otherwise keep
     * the request, and a pooled connection, until read_timeout. The message's trace context goes in the headers
     * (the gateway's client span as the parent), and its upstream call (the span) counts from its first request.
     */
    Future<Answer> post(JsonNode message, String sessionId, String version, Future<?> abandoned, RpcRecord traced) {
        return post(message, sessionId, version, java.util.Map.of(), abandoned, traced, true);
    }

    /**
     * POSTs one message with {@code extra} headers; a modern one gets its {@code Mcp-Method} and
     * {@code Mcp-Name} headers from the body.
     */
    Future<Answer> post(JsonNode message, String sessionId, String version, java.util.Map<String, String> extra) {
        return post(message, sessionId, version, extra, null, RpcRecord.NONE, false);
    }

    /**
     * @param traced   the client's message the request is sent for ({@link RpcRecord#NONE} for the bridge's own),
     *                 whose trace context it carries
     * @param measured whether the request is (a round of) the message's upstream call, which its span measures
     */
    private Future<Answer> post(JsonNode message, String sessionId, String version, java.util.Map<String, String> extra,
                                Future<?> abandoned, RpcRecord traced, boolean measured) {
        MultiMap headers = this.headers.of(sessionId, version);
        BridgeHeaders.describe(headers, message, version);
        extra.forEach(headers::set);
        headers.set("content-type", MediaTypes.JSON);
        headers.set("accept", "application/json, text/event-stream");
        return exchange.send(HttpMethod.POST, headers, Buffer.buffer(Json.bytes(message)), abandoned, traced, measured);
    }

    /**
     * POSTs a message whose answer nobody reads (a response to the server's request, a notification);
     * completes with the answer's status. An event stream it answers with is closed at once: unread, it
     * would hold its pooled connection for as long as the server kept it open.
     */
    Future<Integer> tell(JsonNode message, String sessionId, String version) {
        return post(message, sessionId, version).map(UpstreamLink::discard);
    }

    /**
     * {@link #tell(JsonNode, String, String)} for the client's message {@code traced} (a cancellation of its call,
     * an answer to the server's request on its stream): the request carries the message's trace context.
     */
    Future<Integer> tell(JsonNode message, String sessionId, String version, RpcRecord traced) {
        return post(message, sessionId, version, java.util.Map.of(), null, traced, false).map(UpstreamLink::discard);
    }

    /** Lets go of an answer nobody reads; its status. */
    static int discard(Answer answer) {
        if (answer.stream() != null) {
            answer.stream().close();
        }
        return answer.status();
    }

    /**
     * Resumes a stream after {@code lastEventId} (legacy transports resume with GET), as the upstream call of the
     * client's message {@code traced}, whose trace context it carries.
     */
    Future<Answer> resume(String sessionId, String version, String lastEventId, RpcRecord traced) {
        MultiMap headers = this.headers.of(sessionId, version);
        headers.set("accept", MediaTypes.EVENT_STREAM);
        headers.set("last-event-id", lastEventId);
        return exchange.send(HttpMethod.GET, headers, null, null, traced, true);
    }

    /**
     * Opens the session's standalone stream (GET without {@code Last-Event-ID}), on which a legacy server sends the
     * requests and notifications related to no request of the client's. When {@code abandoned} completes before
     * the response head, the request is reset (freeing its connection) and the answer fails with
     * {@link CallCancelled}; an open stream is closed with {@link Stream#close()} instead.
     */
    Future<Answer> listen(String sessionId, String version, Future<?> abandoned) {
        MultiMap headers = this.headers.of(sessionId, version);
        headers.set("accept", MediaTypes.EVENT_STREAM);
        return exchange.send(HttpMethod.GET, headers, null, abandoned, RpcRecord.NONE, false);
    }

    /** Ends a session (best effort: the answer does not matter). */
    Future<Void> delete(String sessionId, String version) {
        return exchange.send(HttpMethod.DELETE, headers.of(sessionId, version), null, null, RpcRecord.NONE, false)
                .map(UpstreamLink::discard).mapEmpty();
    }

    /**
     * True when {@code message} is the response to the request sent as {@code id}: it carries that id, or
     * it is an error that could name none (id null: the server could not read the request). A response to
     * a request the gateway never sent is not the client's answer, whatever it says.
     */
    static boolean answers(JsonNode message, JsonNode id) {
        if (message == null || message.has("method") || !(message.has("result") || message.has("error"))) {
            return false;
        }
        JsonNode answered = message.get("id");
        return id.equals(answered) || answered != null && answered.isNull() && message.has("error");
    }

    /** The first JSON-RPC response to {@code id} in an answer (its JSON body, or the first on its stream). */
    static Future<Answer> firstResponse(Future<Answer> answer, JsonNode id) {
        return answer.compose(a -> {
            if (a.stream() == null) {
                return Future.succeededFuture(a);
            }
            Promise<Answer> found = Promise.promise();
            a.stream().read(event -> {
                try {
                    JsonNode message = event.data().isEmpty() ? null : Json.parse(event.data());
                    if (message != null && id.equals(message.get("id")) && !message.has("method")) {
                        found.tryComplete(new Answer(a.status(), a.headers(), message, null));
                        a.stream().close();
                    }
                } catch (IOException e) {
                    // not a message: skip it
                }
            }).onComplete(end -> found.tryFail(end.failed() ? end.cause() : new UpstreamException(
                    UpstreamException.Kind.BROKEN, "the server's stream ended without a response")));
            return found.future();
        });
    }
}
