package dev.toolgate.mode.passthrough;

import dev.toolgate.http.ConnectionHeaders;
import dev.toolgate.http.ConnectionShutdown;
import dev.toolgate.http.ForwardedHeaders;
import dev.toolgate.http.UpstreamException;
import dev.toolgate.mcp.MediaTypes;
import dev.toolgate.observe.TapEvent;
import dev.toolgate.observe.MessageTap;
import dev.toolgate.mode.RouteRuntime;
import dev.toolgate.pipeline.Exchange;
import dev.toolgate.pipeline.Principal;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Consumer;

/**
 * Copies an upstream's answer back to the client as it arrives, pausing the upstream while the
 * client is slow, observing every message on the side and, when the caller's tool list must be
 * filtered, rewriting it on the way ({@link BodyRewrite}). The read timeout keeps counting through a
 * JSON body (paused with the upstream); an SSE stream may stay quiet for long, so it applies only
 * until the stream's head arrived, and a quiet stream gets comments of the gateway's ({@link StreamKeepalive}).
 */
final class Relay {

    private static final Logger LOG = LoggerFactory.getLogger(Relay.class);

    private final String route;
    private final String routeId;
    private final RouteRuntime runtime;
    private final MessageTap tap;
    private final RelayedStreams streams;
    private final LegacyAnswers answers;

    /**
     * @param route   the route's label, for logs and observed events
     * @param routeId the route's id, which a reload removing the route no longer serves
     * @param runtime what the route runs with, which a reload may change
     * @param streams where the streams relayed are kept, so that such a reload ends them
     * @param answers where a legacy HTTP+SSE session's stream finds the requests awaiting their answers on it
     */
    Relay(String route, String routeId, RouteRuntime runtime, MessageTap tap, RelayedStreams streams,
          LegacyAnswers answers) {
        this.route = route;
        this.routeId = routeId;
        this.runtime = runtime;
        this.tap = tap;
        this.streams = streams;
        this.answers = answers;
    }

    /**
     * @param exchange the client's exchange; its principal is who the route's authentication found calling,
     *                 which a reload editing consumers may judge otherwise
     * @param rewrite  how the caller's {@code tools/list} answers are filtered; {@code sse} selects the form
     * @param headers  what the route's upstream policies do to the answer's headers, or null
     * @param session  the client's session id, for observed events
     * @param number   the tap's number for this exchange
     * @param recorder the exchange's own listener for the messages read, or null
     * @param failed   answers the client with the gateway's error when the upstream broke before any byte
     *                 went out (and stops the exchange's requests waiting: the answer will not come)
     */
    void relay(Exchange exchange, HttpClientResponse answer, Rewrites rewrite, HeaderRewrite headers, String session,
               long number, ReadTimeout silence, MessageTap.Local recorder, Consumer<Throwable> failed) {
        HttpServerRequest request = exchange.request();
        Principal caller = exchange.principal();
        HttpServerResponse response = request.response();
        MultiMap own = MultiMap.caseInsensitiveMultiMap().addAll(response.headers());
        ForwardedHeaders.copyResponse(answer.headers(), response.headers());
        if (headers != null) {
            headers.rewrite(response.headers());
            // the upstream's own were left out above; a response-transformer may add them again
            ConnectionHeaders.leaveOutOverHttp2(response);
        }
        String type = answer.getHeader("content-type");
        boolean sse = MediaTypes.isEventStream(type);
        // a GET stream without a session header is a legacy HTTP+SSE session's: the POSTs' answers come on it
        LegacyAnswers.Stream legacy = sse && recorder != null && request.method() == HttpMethod.GET
                && request.getHeader("mcp-session-id") == null
                ? answers.stream(routeId, answer.request().getURI(), exchange) : null;
        ResponseObserver observer = sse
                ? ResponseObserver.sse(new SseParser.EventSink() {
                    @Override
                    public void accept(byte[] bytes, int offset, int length) {
                        var read = tap.observe(route, session, number, TapEvent.Direction.SERVER_TO_CLIENT, bytes,
                                offset, length, recorder);
                        if (legacy != null) {
                            legacy.read(bytes, offset, length, read);
                        }
                    }

                    @Override
                    public void oversized() {
                        if (recorder != null) {
                            recorder.unread();
                        }
                    }
                })
                : ResponseObserver.json(type, (bytes, length) -> tap.observe(route, session, number,
                        TapEvent.Direction.SERVER_TO_CLIENT, bytes, 0, length, recorder));
        BodyRewrite body = rewrite.of(sse, type);
        if (body.changesLength()) {
            String encoding = ForwardedHeaders.joined(answer.headers(), "content-encoding");
            if (encoding != null && !encoding.equalsIgnoreCase("identity")) {
                // the gateway asked for no encoding; an answer it cannot read is not relayed unfiltered
                LOG.warn("route {}: a {}-encoded answer cannot be filtered for the caller's tool ACLs; not relayed",
                        route, encoding);
                answer.request().reset();
                response.reset();
                return;
            }
            response.headers().remove("content-length");
        }
        if (sse) {
            silence.stop();
            response.headers().set("x-accel-buffering", "no");
        } else {
            silence.read();
        }
        // the upstream's head goes out with the first byte of its body: an error answered before that (the upstream
        // closed or went silent after its head) carries the gateway's own headers, not the upstream's Content-Length
        // (which would frame the next answer on the connection) or Set-Cookie
        UpstreamHead head = new UpstreamHead(response, answer.statusCode(), answer.statusMessage(),
                MultiMap.caseInsensitiveMultiMap().addAll(response.headers()));
        response.headers().clear().addAll(own);
        StreamKeepalive keepalive = null;
        if (sse) {
            // the head goes out now: a server's GET stream may send its first event much later
            head.put();
            response.writeHead();
            keepalive = StreamKeepalive.start(Vertx.currentContext(), response);
            if (request.method() == HttpMethod.GET) {
                endWhenTheGatewayStops(request, answer, keepalive);
            }
        }
        StreamKeepalive wrote = keepalive;
        Runnable forget = sse ? streams.opened(routeId, runtime, caller,
                request.method() == HttpMethod.GET, response, answer, keepalive) : () -> { };
        answer.handler(chunk -> {
            silence.read();
            observer.feed(chunk);
            if (!write(response, head, answer, body, chunk, failed, wrote)) {
                return;
            }
            if (response.writeQueueFull()) {
                answer.pause();
                silence.stop();
                response.drainHandler(v -> {
                    if (!sse) {
                        silence.start();
                    }
                    answer.resume();
                });
            }
        });
        answer.exceptionHandler(t -> {
            silence.stop();
            forget.run();
            if (legacy != null) {
                legacy.closed();
            }
            if (!response.headWritten()) {
                // nothing reached the client yet: it gets a 502 instead of a cut connection
                failed.accept(t);
            } else if (sse && !response.ended()) {
                response.end();
            } else {
                failed.accept(t); // a JSON answer cut off: the connection is reset, and its requests stop waiting
            }
        });
        answer.endHandler(v -> {
            silence.stop();
            forget.run();
            if (legacy != null) {
                legacy.closed();
            }
            observer.end();
            if (!response.ended()) {
                Buffer rest;
                try {
                    // a CR-only stream's last line ends here: its event is judged now
                    rest = body.end();
                } catch (ToolListRewrite.Unfilterable e) {
                    refuse(response, answer, e, failed);
                    return;
                }
                head.put();
                if (rest == null) {
                    response.end();
                } else {
                    response.end(rest);
                }
            }
        });
    }

    /**
     * Writes what the rewrite lets through; false when it refused the answer: the client gets the gateway's
     * 502 if nothing went out yet, else the exchange is cut.
     */
    private boolean write(HttpServerResponse response, UpstreamHead head, HttpClientResponse answer, BodyRewrite body,
                          Buffer chunk, Consumer<Throwable> failed, StreamKeepalive keepalive) {
        Buffer out;
        try {
            out = body.feed(chunk);
        } catch (ToolListRewrite.Unfilterable e) {
            refuse(response, answer, e, failed);
            return false;
        }
        if (out.length() > 0) {
            head.put();
            response.write(out);
            if (keepalive != null) {
                keepalive.wrote(out);
            }
        }
        return true;
    }

    private void refuse(HttpServerResponse response, HttpClientResponse answer, ToolListRewrite.Unfilterable e,
                        Consumer<Throwable> failed) {
        LOG.warn("route {}: {}; the answer is not relayed", route, e.getMessage());
        if (response.headWritten()) {
            response.reset();
        } else {
            failed.accept(new UpstreamException(UpstreamException.Kind.TOO_LARGE, e.getMessage()));
        }
        // after the answer above: the reset's own failure finds the client answered
        answer.request().reset();
    }

    /** The upstream's status and headers (as the route's policies left them), put on the answer once. */
    private static final class UpstreamHead {
        private final HttpServerResponse response;
        private final int status;
        private final String message;
        private final MultiMap headers;
        private boolean put;

        UpstreamHead(HttpServerResponse response, int status, String message, MultiMap headers) {
            this.response = response;
            this.status = status;
            this.message = message;
            this.headers = headers;
        }

        void put() {
            if (put) {
                return;
            }
            put = true;
            response.setStatusCode(status).setStatusMessage(message);
            response.headers().clear().addAll(headers);
            if (!headers.contains("content-length")) {
                response.setChunked(true);
            }
        }
    }

    /**
     * A GET stream is the server's notification stream: it never ends by itself, so a graceful stop
     * ends it at once (the client opens it again, on another instance, told when) instead of waiting out the
     * grace period for it.
     */
    private static void endWhenTheGatewayStops(HttpServerRequest request, HttpClientResponse answer,
                                               StreamKeepalive written) {
        ConnectionShutdown.onShutdown(request, () -> {
            written.askToReopen();
            request.response().end();
            answer.request().reset();
        });
    }

    /** Changes the answer's headers before they are sent (response-transformer). */
    @FunctionalInterface
    interface HeaderRewrite {
        void rewrite(io.vertx.core.MultiMap headers);
    }

    /** Chooses the rewrite once the answer's content type is known. */
    @FunctionalInterface
    interface Rewrites {
        /** Nothing is rewritten. */
        Rewrites NONE = (sse, type) -> BodyRewrite.NONE;

        BodyRewrite of(boolean sse, String contentType);
    }
}
