package dev.toolgate.mode.passthrough;

import dev.toolgate.error.GatewayError;
import dev.toolgate.http.FinalStatus;
import dev.toolgate.http.UpstreamClient;
import dev.toolgate.http.UpstreamException;
import dev.toolgate.http.UpstreamTarget;
import dev.toolgate.mcp.MediaTypes;
import dev.toolgate.mcp.Session;
import dev.toolgate.pipeline.AnswerHeaders;
import dev.toolgate.pipeline.Exchange;
import dev.toolgate.pipeline.ExchangeUpstream;
import dev.toolgate.pipeline.PolicyChain;
import dev.toolgate.pipeline.UpstreamAnswer;
import dev.toolgate.pipeline.UpstreamCall;
import dev.toolgate.pipeline.UpstreamPolicy;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

import java.util.List;
import java.util.function.Consumer;

/**
 * One exchange a passthrough route forwards to the service, once its policies let it through (split from
 * {@link PassthroughProxy}, which decides that): the request goes byte for byte, less the credentials the gateway
 * consumed, and its answer is relayed as the server sends it ({@link Relay}), the server's session bound to the
 * caller that opened it ({@link BoundSessions}, {@link IssuedSessions}). A server that fails, or stays silent past
 * the service's read_timeout, before its answer began is answered for by the gateway; one that fails later has
 * the client's response reset.
 */
final class Forwarding {

    private final PassthroughProxy.Settings settings;
    private final UpstreamClient client;
    private final PolicyChain chain;
    private final Relay relay;
    private final BoundSessions bound;
    private final IssuedSessions issued;
    private final String routeId;
    private final LegacyAnswers answers;

    /** @param answers where a legacy HTTP+SSE POST's requests await their answers on the session's stream */
    Forwarding(PassthroughProxy.Settings settings, UpstreamClient client, PolicyChain chain, Relay relay,
               BoundSessions bound, IssuedSessions issued, String routeId, LegacyAnswers answers) {
        this.settings = settings;
        this.client = client;
        this.chain = chain;
        this.relay = relay;
        this.bound = bound;
        this.issued = issued;
        this.routeId = routeId;
        this.answers = answers;
    }

    /**
     * Forwards the exchange; its answer comes as the server sends it.
     *
     * @param boundSession the caller's session standing for the server's, or null (the id goes as it came)
     * @param unforwarded  stops the exchange's requests waiting for an answer, when the server will give none
     */
    Future<Void> forward(Exchange exchange, String session, Session boundSession, long number, Buffer received,
                         Relay.Rewrites rewrites, PassthroughRecorder recorder, Runnable unforwarded) {
        HttpServerRequest request = exchange.request();
        Buffer body = ConsumedFields.without(received, exchange.credentials().bodyFields(), exchange.header("content-type"));
        List<UpstreamPolicy> transforms = chain.upstream(exchange);
        // a JSON-RPC message: a transformer's body rule is refused at load, and never applied should one slip through
        ForwardedRequest prepared = ForwardedRequest.of(exchange, settings, request.method().name(), boundSession, body,
                transforms);
        UpstreamCall call = prepared.call();
        String uri = prepared.uri();
        Relay.HeaderRewrite answerHeaders = BoundSessions.showingClientsId(boundSession, transforms.isEmpty() ? null
                : answered -> {
                    // the relayed answer is transformed here, once; the gateway's own error answers as the head goes
                    exchange.answerHead().rewritten();
                    AnswerHeaders.keeping(answered, h -> transforms.forEach(p -> p.response(exchange,
                            new UpstreamAnswer(0, h, null, false))));
                });
        ExchangeUpstream proxied = exchange.observation().upstream();
        proxied.writeTraceContext(call.headers());
        // an MCP server's SDK that reads params._meta.traceparent must see the same parent as the header names
        Buffer sent = proxied.writeTraceContext(call.body() == null ? Buffer.buffer() : call.body());
        UpstreamTarget target = settings.target();
        proxied.started(target, call.method(), uri);
        // an upstream that failed before its answer began, or in the middle of a JSON answer (which cannot be
        // resumed), answers none of the exchange's requests it has not answered yet; one that failed in the
        // middle of a stream may still answer the rest when the client resumes it
        Consumer<Throwable> failed = cause -> {
            HttpServerResponse response = request.response();
            if (!response.headWritten() || !MediaTypes.isEventStream(response.headers().get("content-type"))) {
                unforwarded.run();
            }
            fail(exchange, cause);
        };
        // resets the upstream request: the client went away, or the upstream was silent too long
        Promise<Void> stop = Promise.promise();
        request.response().closeHandler(v -> stop.tryComplete());
        if (boundSession != null && request.method() == HttpMethod.GET) {
            bound.keepAlive(exchange, boundSession, () -> {
                // the binding is gone: the client's next request is answered 404, so its stream ends too
                stop.tryComplete();
                HttpServerResponse response = request.response();
                if (response.headWritten() && !response.ended() && !response.closed()) {
                    response.end();
                }
            });
        }
        int readTimeoutMs = settings.target().readTimeoutMs();
        if (recorder != null && request.method() == HttpMethod.POST) {
            // before it is sent: a legacy server may answer on its stream before the 202 gets here
            answers.forwarded(routeId, uri, recorder, exchange);
        }
        ReadTimeout silence = new ReadTimeout(Vertx.currentContext(), readTimeoutMs, () -> {
            failed.accept(new UpstreamException(UpstreamException.Kind.TIMEOUT, (request.response().headWritten()
                    ? "sent nothing for " : "no answer within ") + readTimeoutMs + " ms (service read_timeout)"));
            stop.tryComplete();
        });
        client.exchange(settings.target(), HttpMethod.valueOf(call.method()), uri, call.headers(), sent, stop.future(),
                () -> {
                    proxied.connected();
                    silence.start();
                }).onComplete(answer -> {
            if (answer.failed()) {
                silence.stop();
                failed.accept(answer.cause());
            } else if (FinalStatus.problem(settings.target(), answer.result().statusCode())
                    instanceof UpstreamException unusable) {
                // relaying "HTTP/1.1 9999" would hand the client a response it cannot parse, and a 1xx one
                // that never ends
                silence.stop();
                FinalStatus.discard(answer.result());
                failed.accept(unusable);
                answer.result().request().reset();
            } else {
                HttpClientResponse upstream = answer.result();
                proxied.answered(upstream.statusCode());
                // a session the server ended is unknown here before the client hears of it: its next request,
                // on any instance, gets the gateway's 404 and never reaches the server
                Future<Void> unbound = boundSession == null ? Future.succeededFuture()
                        : bound.answered(boundSession, call.method(), upstream.statusCode(), exchange.clientNetwork());
                if (!unbound.isComplete()) {
                    upstream.pause();
                }
                unbound.onComplete(done -> {
                    String opened = bound.opened(exchange, boundSession, upstream);
                    if (request.response().ended() || request.response().closed()) {
                        // the client left, or the read timeout answered, meanwhile: nobody hears of a new session
                        silence.stop();
                        unforwarded.run();
                        upstream.exceptionHandler(ignored -> { }); // a reset of its own: no ERROR line for it
                        upstream.request().reset();
                        if (opened != null) {
                            ForwardedRequest.link(exchange, settings, client, chain).delete(opened,
                                    BoundSessions.requestedVersion(exchange, received));
                        }
                        return;
                    }
                    if (opened == null) {
                        relay.relay(exchange, upstream, rewrites, answerHeaders, session, number, silence, recorder,
                                failed);
                        upstream.resume();
                    } else {
                        issued.relay(exchange, received, opened, upstream, answerHeaders,
                                issuedHeaders -> relay.relay(exchange, upstream, rewrites, issuedHeaders, session,
                                        number, silence, recorder, failed),
                                () -> {
                                    silence.stop();
                                    unforwarded.run();
                                }, stop.future());
                    }
                });
            }
        });
        return Future.succeededFuture();
    }

    private void fail(Exchange exchange, Throwable cause) {
        HttpServerRequest request = exchange.request();
        if (request.response().ended() || request.response().closed()) {
            // nobody to answer; and a client that left first had the gateway reset the upstream request itself
            // (stop): that reset is no failure of the service's, so it is neither logged against it nor counted,
            // and the exchange is reported as one its client left
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
        exchange.observation().upstream().failed(error, failure.waited(), failure.unconnected());
        exchange.refuse(error);
    }
}
