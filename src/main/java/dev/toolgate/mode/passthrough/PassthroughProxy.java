package dev.toolgate.mode.passthrough;

import dev.toolgate.error.GatewayError;
import dev.toolgate.http.ErrorResponses;
import dev.toolgate.http.ForwardedHeaders;
import dev.toolgate.http.OriginPolicy;
import dev.toolgate.http.RouteMatch;
import dev.toolgate.http.Router;
import dev.toolgate.http.UpstreamClient;
import dev.toolgate.http.UpstreamException;
import dev.toolgate.http.UpstreamPath;
import dev.toolgate.http.UpstreamQuery;
import dev.toolgate.http.UpstreamTarget;
import dev.toolgate.mode.acl.ToolAccess;
import dev.toolgate.observe.TapEvent;
import dev.toolgate.observe.MessageTap;
import dev.toolgate.pipeline.Exchange;
import dev.toolgate.pipeline.McpEndpoint;
import dev.toolgate.pipeline.Observation;
import dev.toolgate.pipeline.PolicyChain;
import dev.toolgate.pipeline.UpstreamAnswer;
import dev.toolgate.pipeline.UpstreamCall;
import dev.toolgate.pipeline.UpstreamPolicy;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;

import java.util.List;

/**
 * Kong's {@code passthrough-listener}: the route's requests go to the service unchanged, with Kong's
 * path rules, and the answers come back as they arrive ({@link Relay}). Every JSON-RPC message in
 * both directions is observed on the side. With tool ACLs ({@link PassthroughAccess}), a
 * {@code tools/call} the caller may not make is answered here and never forwarded, and the caller's
 * {@code tools/list} answers are filtered. Nothing else is rewritten except hop-by-hop headers, the
 * Host header, the gateway's own forwarding and consumer headers, and credentials it consumed.
 */
public final class PassthroughProxy implements McpEndpoint {

    /**
     * @param route        the route's label, for observed events
     * @param target       the service
     * @param servicePath  the service path (Kong's path rules)
     * @param stripPath    the route's strip_path
     * @param pathHandling the route's path_handling
     * @param preserveHost send the client's Host header
     * @param origins      DNS-rebinding protection
     * @param bodyLimit    largest request body
     */
    public record Settings(String route, UpstreamTarget target, String servicePath, boolean stripPath,
                           String pathHandling, boolean preserveHost, OriginPolicy origins, long bodyLimit) {
    }

    /** Largest non-SSE response body observed (or filtered) whole; larger ones are forwarded unobserved. */
    static final int MAX_OBSERVED_BYTES = 8 * 1024 * 1024;

    private final Settings settings;
    private final UpstreamClient client;
    private final MessageTap tap;
    private final PassthroughAccess access;
    private final PolicyChain chain;
    private final Relay relay;

    /**
     * @param access the route's tool ACLs, or null when it has none
     * @param chain  the route's plugins, whose upstream policies (transformers) apply to what is forwarded
     */
    public PassthroughProxy(Settings settings, UpstreamClient client, MessageTap tap, ToolAccess access,
                            PolicyChain chain) {
        this.settings = settings;
        this.client = client;
        this.tap = tap;
        this.access = access == null ? null : new PassthroughAccess(access);
        this.chain = chain;
        this.relay = new Relay(settings.route(), tap);
    }

    @Override
    public boolean exactPath() {
        return false;
    }

    @Override
    public long bodyLimit() {
        return settings.bodyLimit();
    }

    @Override
    public Future<Void> handle(Exchange exchange) {
        exchange.requireOrigin(settings.origins());
        String session = exchange.sessionId();
        long number = tap.exchange();
        MessageTap.Local recorder = exchange.observation().on() ? new PassthroughRecorder(exchange.observation()) : null;
        return exchange.body().compose(body -> {
            if (body.length() > 0) {
                tap.observe(settings.route(), session, number, TapEvent.Direction.CLIENT_TO_SERVER, body.getBytes(), 0,
                        body.length(), recorder);
            }
            if (access == null) {
                forward(exchange, session, number, body, Relay.Rewrites.NONE, recorder);
                return Future.succeededFuture();
            }
            return access.admit(exchange, body).map(admitted -> {
                if (admitted.refused() != null) {
                    exchange.observation().refusedAll(admitted.refused());
                    ErrorResponses.mcp(exchange.request().response(), admitted.refused());
                } else {
                    forward(exchange, session, number, body, admitted.rewrites(exchange), recorder);
                }
                return null;
            });
        });
    }

    private void forward(Exchange exchange, String session, long number, Buffer received, Relay.Rewrites rewrites,
                         MessageTap.Local recorder) {
        HttpServerRequest request = exchange.request();
        RouteMatch match = exchange.match();
        String path = UpstreamPath.of(settings.servicePath(), match.matchedPrefix(), Router.normalize(request.path()),
                settings.stripPath(), settings.pathHandling());
        String query = UpstreamQuery.without(request.query(), exchange.consumedQuery());
        MultiMap headers = upstreamHeaders(exchange);
        Buffer body = ConsumedFields.without(received, exchange.consumedBodyFields(), exchange.header("content-type"));
        List<UpstreamPolicy> transforms = chain.upstream(exchange);
        UpstreamCall call = new UpstreamCall(request.method().name(), path, UpstreamQuery.decode(query, false), headers,
                body, true);
        transforms.forEach(p -> p.request(exchange, call));
        String sentQuery = call.isQueryChanged() ? UpstreamQuery.encode(call.query()) : query;
        String uri = sentQuery == null ? call.path() : call.path() + "?" + sentQuery;
        Buffer sent = call.body() == null ? Buffer.buffer() : call.body();
        Relay.HeaderRewrite answerHeaders = transforms.isEmpty() ? null : answered -> transforms.forEach(p ->
                p.response(exchange, new UpstreamAnswer(0, answered, null, false)));
        Observation observation = exchange.observation();
        String traceparent = observation.upstreamTraceparent();
        if (traceparent != null) {
            headers.set("traceparent", traceparent);
        }
        UpstreamTarget target = settings.target();
        observation.upstreamStarted(target.service(), target.host() + ":" + target.port());
        client.open(settings.target(), HttpMethod.valueOf(call.method()), uri, headers).onComplete(opened -> {
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
                } else {
                    observation.upstreamAnswered(answer.result().statusCode());
                    relay.relay(request, answer.result(), rewrites, answerHeaders, session, number, silence, recorder);
                }
            });
            (sent.length() > 0 ? upstream.end(sent) : upstream.end()).onFailure(t -> fail(request, t));
        });
    }

    private MultiMap upstreamHeaders(Exchange exchange) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        String authority = exchange.authority();
        ForwardedHeaders.copyForProxy(exchange.request().headers(), headers, exchange.consumedHeaders(),
                settings.preserveHost() ? authority : null);
        ForwardedHeaders.addForwarding(headers, exchange.forwardedFor(), exchange.clientAddress(), "http", authority,
                exchange.localPort());
        if (exchange.hasUpstreamHeaders()) {
            MultiMap added = exchange.upstreamHeaders();
            added.names().forEach(name -> headers.set(name, added.getAll(name)));
        }
        return headers;
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
                ? new GatewayError.UpstreamTimeout(settings.target().service(), failure.getMessage())
                : new GatewayError.UpstreamUnavailable(settings.target().service(), failure.getMessage());
        ErrorResponses.mcp(request.response(), error);
    }
}
