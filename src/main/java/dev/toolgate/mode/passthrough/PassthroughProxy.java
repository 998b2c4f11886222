package dev.toolgate.mode.passthrough;

import dev.toolgate.error.GatewayError;
import dev.toolgate.error.GatewayException;
import dev.toolgate.http.BodyReader;
import dev.toolgate.http.ErrorResponses;
import dev.toolgate.http.ForwardedHeaders;
import dev.toolgate.http.OriginPolicy;
import dev.toolgate.http.RouteHandler;
import dev.toolgate.http.RouteMatch;
import dev.toolgate.http.Router;
import dev.toolgate.http.UpstreamClient;
import dev.toolgate.http.UpstreamException;
import dev.toolgate.http.UpstreamPath;
import dev.toolgate.http.UpstreamTarget;
import dev.toolgate.observe.McpEvent;
import dev.toolgate.observe.MessageTap;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

import java.util.Locale;
import java.util.Set;

/**
 * Kong's {@code passthrough-listener}: the route's requests go to the service unchanged, with Kong's
 * path rules, and the answers come back as they arrive, event by event for SSE, paced by the client
 * (the upstream is paused while the client's write queue is full). Every JSON-RPC message in both
 * directions is observed on the side; nothing is rewritten except hop-by-hop headers, the Host
 * header, and the gateway's own forwarding headers.
 */
public final class PassthroughProxy implements RouteHandler {

    /**
     * @param route       the route's label, for observed events
     * @param target      the service
     * @param servicePath the service path (Kong's path rules)
     * @param stripPath   the route's strip_path
     * @param pathHandling the route's path_handling
     * @param preserveHost send the client's Host header
     * @param origins     DNS-rebinding protection
     * @param bodyLimit   largest request body
     */
    public record Settings(String route, UpstreamTarget target, String servicePath, boolean stripPath,
                           String pathHandling, boolean preserveHost, OriginPolicy origins, long bodyLimit) {
    }

    /** Largest non-SSE response body observed whole; larger ones are forwarded unobserved. */
    static final int MAX_OBSERVED_BYTES = 8 * 1024 * 1024;

    private final Settings settings;
    private final UpstreamClient client;
    private final MessageTap tap;

    public PassthroughProxy(Settings settings, UpstreamClient client, MessageTap tap) {
        this.settings = settings;
        this.client = client;
        this.tap = tap;
    }

    @Override
    public void handle(HttpServerRequest request, RouteMatch match) {
        String origin = request.getHeader("origin");
        if (!settings.origins().allows(origin)) {
            ErrorResponses.mcp(request.response(), new GatewayError.ForbiddenOrigin(origin));
            return;
        }
        String session = request.getHeader("mcp-session-id");
        long exchange = tap.exchange();
        BodyReader.read(request, settings.bodyLimit()).onComplete(read -> {
            if (read.failed()) {
                ErrorResponses.mcp(request.response(), read.cause() instanceof GatewayException g ? g.error()
                        : new GatewayError.InvalidMessage(null, "the body could not be read"));
                return;
            }
            Buffer body = read.result();
            if (body.length() > 0) {
                tap.observe(settings.route(), session, exchange, McpEvent.Direction.CLIENT_TO_SERVER, body.getBytes(), 0,
                        body.length());
            }
            forward(request, match, session, exchange, body);
        });
    }

    private void forward(HttpServerRequest request, RouteMatch match, String session, long exchange, Buffer body) {
        String path = UpstreamPath.of(settings.servicePath(), match.matchedPrefix(), Router.normalize(request.path()),
                settings.stripPath(), settings.pathHandling());
        // some servers read a backslash as a slash; encoded, it cannot climb out of the route's prefix
        String uri = (request.query() == null ? path : path + "?" + request.query()).replace("\\", "%5C");
        MultiMap headers = upstreamHeaders(request);
        client.open(settings.target(), request.method(), uri, headers).onComplete(opened -> {
            if (opened.failed()) {
                fail(request, UpstreamException.connecting(opened.cause(), settings.target()));
                return;
            }
            HttpClientRequest upstream = opened.result();
            // failures arrive through the response and end futures below (and the answer's own handler);
            // without this, Vert.x logs each reset (a client that went away) as an error
            upstream.exceptionHandler(t -> { });
            request.response().closeHandler(v -> upstream.reset());
            int readTimeoutMs = settings.target().readTimeoutMs();
            ReadTimeout silence = new ReadTimeout(Vertx.currentContext().owner(), readTimeoutMs, () -> {
                fail(request, new UpstreamException(UpstreamException.Kind.TIMEOUT, (request.response().headWritten()
                        ? "sent nothing for " : "no answer within ") + readTimeoutMs + " ms (service read_timeout)"));
                upstream.reset();
            });
            silence.start();
            upstream.response().onComplete(answer -> {
                if (answer.failed()) {
                    silence.stop();
                    fail(request, answer.cause());
                } else if (answer.result().statusCode() < 100 || answer.result().statusCode() > 599) {
                    // relaying "HTTP/1.1 9999" would hand the client a response it cannot parse
                    silence.stop();
                    fail(request, UpstreamException.invalidStatus(settings.target(), answer.result().statusCode()));
                    upstream.reset();
                } else {
                    relay(request, answer.result(), session, exchange, silence);
                }
            });
            (body.length() > 0 ? upstream.end(body) : upstream.end()).onFailure(t -> fail(request, t));
        });
    }

    private MultiMap upstreamHeaders(HttpServerRequest request) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        String authority = ForwardedHeaders.authority(request);
        ForwardedHeaders.copyForProxy(request.headers(), headers, Set.of(), settings.preserveHost() ? authority : null);
        ForwardedHeaders.addForwarding(headers, request.remoteAddress() == null ? null : request.remoteAddress().hostAddress(),
                "http", authority, request.localAddress() == null ? 0 : request.localAddress().port());
        return headers;
    }

    /**
     * Copies the answer back as it arrives, pausing the upstream while the client is slow. The read
     * timeout keeps counting through a JSON body (paused with the upstream); an SSE stream may stay
     * quiet for long, so it applies only until the stream's head arrived.
     */
    private void relay(HttpServerRequest request, HttpClientResponse answer, String session, long exchange,
                       ReadTimeout silence) {
        HttpServerResponse response = request.response();
        response.setStatusCode(answer.statusCode()).setStatusMessage(answer.statusMessage());
        ForwardedHeaders.copyResponse(answer.headers(), response.headers());
        String type = answer.getHeader("content-type");
        boolean sse = type != null && type.toLowerCase(Locale.ROOT).startsWith("text/event-stream");
        ResponseObserver observer = sse
                ? ResponseObserver.sse((bytes, offset, length) -> tap.observe(settings.route(), session, exchange,
                        McpEvent.Direction.SERVER_TO_CLIENT, bytes, offset, length))
                : ResponseObserver.json(type, (bytes, length) -> tap.observe(settings.route(), session, exchange,
                        McpEvent.Direction.SERVER_TO_CLIENT, bytes, 0, length));
        if (sse) {
            silence.stop();
            response.headers().set("x-accel-buffering", "no");
            if (request.method() == HttpMethod.GET) {
                endWhenTheGatewayStops(request, answer);
            }
        } else {
            silence.read();
        }
        if (!response.headers().contains("content-length")) {
            response.setChunked(true);
        }
        if (sse) {
            // the head goes out now: a server's GET stream may send its first event much later
            response.writeHead();
        }
        answer.handler(chunk -> {
            silence.read();
            observer.feed(chunk);
            response.write(chunk);
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
            if (!response.headWritten()) {
                // nothing reached the client yet: it gets a 502 instead of a cut connection
                fail(request, t);
            } else if (sse && !response.ended()) {
                response.end();
            } else {
                response.reset();
            }
        });
        answer.endHandler(v -> {
            silence.stop();
            observer.end();
            if (!response.ended()) {
                response.end();
            }
        });
    }

    /**
     * A GET stream is the server's notification stream: it never ends by itself, so a graceful stop
     * ends it at once (the client opens it again, on another instance) instead of waiting out the
     * grace period for it.
     */
    private static void endWhenTheGatewayStops(HttpServerRequest request, HttpClientResponse answer) {
        request.connection().shutdownHandler(v -> {
            if (!request.response().ended()) {
                request.response().end();
            }
            answer.request().reset();
        });
    }

    private void fail(HttpServerRequest request, Throwable cause) {
        if (request.response().ended()) {
            return;
        }
        if (request.response().headWritten()) {
            request.response().reset();
            return;
        }
        UpstreamException failure = UpstreamException.from(cause, settings.target());
        GatewayError error = failure.kind() == UpstreamException.Kind.TIMEOUT
                ? new GatewayError.UpstreamTimeout(settings.target().service(), failure.detail())
                : new GatewayError.UpstreamUnavailable(settings.target().service(), failure.detail());
        ErrorResponses.mcp(request.response(), error);
    }
}
