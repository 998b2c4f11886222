package dev.toolgate.mode.passthrough;

import dev.toolgate.error.GatewayError;
import dev.toolgate.error.GatewayException;
import dev.toolgate.http.ClientStreams;
import dev.toolgate.http.ErrorResponses;
import dev.toolgate.http.FinalStatus;
import dev.toolgate.http.ForwardedHeaders;
import dev.toolgate.http.OriginPolicy;
import dev.toolgate.http.Router;
import dev.toolgate.http.UpstreamClient;
import dev.toolgate.http.UpstreamException;
import dev.toolgate.http.UpstreamPath;
import dev.toolgate.http.UpstreamQuery;
import dev.toolgate.http.UpstreamTarget;
import dev.toolgate.mcp.MediaTypes;
import dev.toolgate.mcp.Session;
import dev.toolgate.mode.JsonBody;
import dev.toolgate.mode.acl.ToolAccess;
import dev.toolgate.observe.TapEvent;
import dev.toolgate.observe.MessageTap;
import dev.toolgate.pipeline.AnswerHeaders;
import dev.toolgate.pipeline.Exchange;
import dev.toolgate.pipeline.McpEndpoint;
import dev.toolgate.pipeline.MessagePolicy;
import dev.toolgate.pipeline.Observation;
import dev.toolgate.pipeline.PolicyChain;
import dev.toolgate.pipeline.UpstreamAnswer;
import dev.toolgate.pipeline.UpstreamCall;
import dev.toolgate.pipeline.UpstreamPolicy;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Kong's {@code passthrough-listener}: the route's requests go to the service unchanged, with Kong's
 * path rules, and the answers come back as they arrive ({@link Relay}). Every JSON-RPC message in
 * both directions is observed on the side. With tool ACLs ({@link PassthroughAccess}), a
 * {@code tools/call} the caller may not make is answered here and never forwarded, and the caller's
 * {@code tools/list} answers are filtered. Nothing else is rewritten except hop-by-hop headers, the
 * Host header, the gateway's own forwarding and consumer headers, credentials it consumed, and the
 * session id of a caller the gateway identified, which is bound to that caller ({@link BoundSessions}). A
 * JSON-RPC batch of more than {@link JsonBody#MAX_BATCH_MESSAGES} messages is refused, never forwarded.
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
     * @param tools        the tools the route's configuration names ({@code tools[].name})
     */
    public record Settings(String route, UpstreamTarget target, String servicePath, boolean stripPath,
                           String pathHandling, boolean preserveHost, OriginPolicy origins, long bodyLimit,
                           List<String> tools) {
    }

    /** Largest non-SSE response body observed (or filtered) whole; larger ones are forwarded unobserved. */
    static final int MAX_OBSERVED_BYTES = 8 * 1024 * 1024;

    private final Settings settings;
    private final ListedTools listed;
    private final UpstreamClient client;
    private final MessageTap tap;
    private final PassthroughAccess access;
    private final PolicyChain chain;
    private final Relay relay;
    private final ModernTraffic modern;
    private final BoundSessions bound;
    private final IssuedSessions issued;
    private final ClientStreams streams;

    /**
     * @param access   the route's tool ACLs (which filter its tool lists), or null when it has none
     * @param policies the route's message policies (tool ACLs, tool limits), or null when it has none
     * @param chain    the route's plugins, whose upstream policies (transformers) apply to what is forwarded
     * @param eras     which era the service speaks ({@code server.upstream_era}) and how modern clients are
     *                 bridged to a legacy one
     * @param streams  what each client address holds open (each forwarded exchange holds a pooled upstream
     *                 connection until it ends), or null when nothing is counted (validation)
     */
    public PassthroughProxy(Settings settings, UpstreamClient client, MessageTap tap, ToolAccess access,
                            MessagePolicy policies, PolicyChain chain, Eras eras, ClientStreams streams) {
        this.settings = settings;
        this.streams = streams;
        this.listed = new ListedTools(settings.tools(), tap.listedTools(settings.route()));
        this.client = client;
        this.tap = tap;
        this.access = policies == null ? null : new PassthroughAccess(access, policies);
        this.chain = chain;
        this.relay = new Relay(settings.route(), eras.routeId(), tap, eras.bridges().streams());
        this.modern = new ModernTraffic(new UpstreamEras(eras.upstreamEra(), eras.clock()),
                new EraBridge(new EraBridge.Settings(eras.endpoint(), eras.store(), eras.clock(), eras.listTtlMs(),
                        eras.listCacheScope()), eras.bridges().sessions(eras.endpoint(), settings.target(),
                        settings.servicePath())),
                new LegacyBridge(eras.endpoint() + "/legacy", new LegacyCalls.Route(eras.routeId(), settings.route()),
                        eras.store(), eras.clock(), eras.sessionTtlSeconds(),
                        eras.bridges().calls()),
                this::link, eras.upstreamEra());
        this.bound = new BoundSessions(eras.bindsSessions(), eras.endpoint() + "/bound", settings.target().service(),
                eras.store(), eras.sessionTtlSeconds(), eras.clock());
        this.issued = new IssuedSessions(bound, this::link);
    }

    /**
     * How a route serves the 2026-07-28 era.
     *
     * @param routeId        the route's id, which a reload removing the route no longer serves
     * @param upstreamEra    {@code server.upstream_era}: {@code auto}, {@code legacy} or {@code modern}
     * @param endpoint       what bridged rounds are bound to in the store (the route id and a suffix)
     * @param store          where bridged rounds wait for the client's answers ({@code server.session.strategy})
     * @param clock          when rounds were saved
     * @param listTtlMs      a bridged tool list's {@code ttlMs}
     * @param listCacheScope a bridged tool list's {@code cacheScope} (when no tool ACL filters it)
     * @param sessionTtlSeconds how long a bridged legacy client's session lives without a request
     * @param bridges        what the bridges keep across reloads: legacy calls in flight, legacy servers' sessions
     * @param bindsSessions  whether {@code store} binds the server's sessions to the callers that open them
     *                       ({@link BoundSessions}): when it is shared between instances or sealed into the ids
     */
    public record Eras(String routeId, String upstreamEra, String endpoint, dev.toolgate.mcp.SessionStore store,
                       java.time.InstantSource clock, long listTtlMs, String listCacheScope, long sessionTtlSeconds,
                       EraBridges bridges, boolean bindsSessions) {
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
        if (UpstreamPath.hasDotSegment(upstreamPath(exchange))) {
            // the router resolved the request's own dot segments: this one the join made ("/mcp../x" on
            // route /mcp to service /base is /base/../x), and the server would resolve it outside the service path
            throw new GatewayException(new GatewayError.InvalidPath(
                    "the path below the route's prefix holds a dot segment (.., or one written with %2e, %2F, %5C"
                            + " or ;)"));
        }
        String session = exchange.sessionId();
        long number = tap.exchange();
        PassthroughRecorder recorder = exchange.observation().on()
                ? new PassthroughRecorder(exchange.observation(), listed) : null;
        return exchange.body().compose(body -> {
            // a batch is bounded as on a conversion endpoint, whether or not policies read the route's bodies:
            // forwarded uncapped, one POST would be thousands of calls to the server
            GatewayError refused = JsonBody.forwardingRefusal(body);
            if (refused != null) {
                // observed, but none of its requests waits for an answer: the server never sees them
                tap.observeRefused(settings.route(), session, number, body.getBytes(), 0, body.length(), recorder);
                exchange.observation().refusedAll(refused);
                ErrorResponses.mcp(exchange.request().response(), refused);
                return Future.succeededFuture();
            }
            if (body.length() > 0) {
                tap.observe(settings.route(), session, number, TapEvent.Direction.CLIENT_TO_SERVER, body.getBytes(), 0,
                        body.length(), recorder);
            }
            Consumer<byte[]> answered = bytes -> tap.observe(settings.route(), session, number,
                    TapEvent.Direction.SERVER_TO_CLIENT, bytes, 0, bytes.length, recorder);
            Runnable unforwarded = () -> unforwarded(session, number, body);
            return forgottenIfFailed(() -> {
                // counted once, before the era handling splits the exchange: forwarded, or answered by either
                // bridge, it holds a pooled upstream connection as long as the server streams its answer
                holdStream(exchange);
                if (ModernTraffic.claims(exchange, body)) {
                    return modern.handle(exchange, body, access, recorder, () -> relay(exchange, session, number, body,
                            null, recorder, answered, unforwarded), answered, unforwarded);
                }
                return relay(exchange, session, number, body, modern.mayBridge(exchange, body)
                        ? () -> modern.legacy(exchange, body, access, answered) : null, recorder, answered, unforwarded);
            }, unforwarded);
        });
    }

    /**
     * The exchange's answer, its requests forgotten if it fails. A failed exchange is answered by the
     * gateway's error net ({@code PolicyGate}), never by the server, and the era handling throws its
     * refusals only after the tap has read the request (a modern request's checks, mirrored headers that
     * disagree with the body, what either bridge does not carry, a bridged legacy client's missing or
     * unknown session): nothing else would ever settle those requests. What reached the server does not
     * fail this future: forwarding reports a server's failure to the client itself, and the bridges answer
     * theirs as the request's response, which the tap pairs.
     */
    private static Future<Void> forgottenIfFailed(Supplier<Future<Void>> answer, Runnable unforwarded) {
        Future<Void> answered;
        try {
            answered = answer.get();
        } catch (RuntimeException e) {
            answered = Future.failedFuture(e); // thrown before the first future: refused all the same
        }
        return answered.onFailure(failure -> unforwarded.run());
    }

    /**
     * The gateway answered the exchange itself and forwarded none of it, or the server failed before its
     * answer began: its requests the answer did not settle (all of a refused batch, the rest of one a limit
     * answered, all of one the server never answered) stop waiting for the server.
     */
    private void unforwarded(String session, long number, Buffer body) {
        if (body.length() > 0) {
            tap.forget(settings.route(), session, number, body.getBytes(), 0, body.length());
        }
    }

    /**
     * The exchange as a passthrough route forwards it: after its message policies, byte for byte, unless
     * {@code bridged} (asked once the policies let it through; null when no bridge may answer it) answers it
     * instead. A session is resolved before the policies, the server's or the bridge's: a caller refused for
     * another's session spends nothing of its tool limits, and learns nothing of its ACLs.
     */
    private Future<Void> relay(Exchange exchange, String session, long number, Buffer body,
                               Supplier<Future<Boolean>> bridged, PassthroughRecorder recorder, Consumer<byte[]> answered,
                               Runnable unforwarded) {
        if (bridged == null) {
            return bound.resolve(exchange).compose(resolved -> admitted(exchange, body, recorder, answered, unforwarded,
                    rewrites -> forward(exchange, session, resolved, number, body, rewrites, recorder)));
        }
        // the legacy bridge's sessions are its own, checked first as well; any other is the server's, resolved
        // first too (a batch opening a session may carry calls that spend limits)
        return modern.bridgedSession(exchange, body).compose(bridges -> (bridges ? Future.<Session>succeededFuture()
                : bound.resolve(exchange)).compose(resolved -> admitted(exchange, body, recorder, answered, unforwarded,
                rewrites -> bridged.get().compose(bridgedIt -> bridgedIt ? Future.succeededFuture()
                        // the era changed meanwhile: the bridge's session is nothing the server knows
                        : bridges ? Future.failedFuture(new GatewayException(new GatewayError.UnknownSession()))
                        : forward(exchange, session, resolved, number, body, rewrites, recorder)))));
    }

    /**
     * Runs the route's message policies on the exchange, then {@code forwarded} with how its answer is
     * rewritten, unless the policies answered it themselves.
     */
    private Future<Void> admitted(Exchange exchange, Buffer body, PassthroughRecorder recorder,
                                  Consumer<byte[]> answered, Runnable unforwarded,
                                  Function<Relay.Rewrites, Future<Void>> forwarded) {
        if (access == null) {
            return forwarded.apply(Relay.Rewrites.NONE);
        }
        return access.admit(exchange, body, recorder).compose(admitted -> {
            if (admitted.refused() != null) {
                unforwarded.run();
                exchange.observation().refusedAll(admitted.refused());
                ErrorResponses.mcp(exchange.request().response(), admitted.refused());
            } else if (admitted.answer() != null) {
                answered.accept(admitted.answer().getBytes());
                unforwarded.run();
                exchange.request().response().setStatusCode(200).putHeader("content-type", "application/json")
                        .end(admitted.answer());
            } else {
                return forwarded.apply(admitted.rewrites(exchange, settings.target().service()));
            }
            return Future.succeededFuture();
        });
    }

    /** The path the exchange goes to on the service: Kong's rule for the route's prefix and the service path. */
    private String upstreamPath(Exchange exchange) {
        return UpstreamPath.of(settings.servicePath(), exchange.match().matchedPrefix(),
                Router.normalize(exchange.request().path()), settings.stripPath(), settings.pathHandling());
    }

    /** The era bridge's link to the service for an exchange: the path, headers and transformers of forwarding. */
    private UpstreamLink link(Exchange exchange) {
        Upstream request = upstreamRequest(exchange, "POST", null, null, chain.upstream(exchange));
        return new UpstreamLink(client, settings.target(), request.uri(), request.call().headers());
    }

    /** A request to the service as forwarding makes it, and the URI it goes to. */
    private record Upstream(UpstreamCall call, String uri) {
    }

    /**
     * The request to the service for an exchange: Kong's path, the query and headers without the consumed
     * credentials, the gateway's headers (the server's session id for {@code boundSession}), then the route's
     * transformers and opentelemetry's clear, as Kong orders them.
     */
    private Upstream upstreamRequest(Exchange exchange, String method, Session boundSession, Buffer body,
                                     List<UpstreamPolicy> transforms) {
        String query = UpstreamQuery.without(exchange.request().query(), exchange.credentials().query());
        Set<String> written = new HashSet<>();
        MultiMap headers = upstreamHeaders(exchange, written);
        if (boundSession != null) {
            headers.set("mcp-session-id", boundSession.upstream());
            written.add("mcp-session-id");
        }
        UpstreamCall call = new UpstreamCall(method, upstreamPath(exchange), UpstreamQuery.decode(query, false),
                headers, written, body, false);
        transforms.forEach(p -> p.request(exchange, call));
        if (!transforms.isEmpty()) {
            // a header a transformer added has no client twin either
            ForwardedHeaders.dropClientTwins(call.headers(), call.writtenHeaders());
        }
        exchange.observation().clearedHeaders().forEach(call.headers()::remove);
        String sentQuery = call.isQueryChanged() ? UpstreamQuery.encode(call.query()) : query;
        // some servers read a backslash as a slash; encoded, it cannot climb out of the route's prefix
        String uri = (sentQuery == null ? call.path() : call.path() + "?" + sentQuery).replace("\\", "%5C");
        return new Upstream(call, uri);
    }

    /**
     * Forwards the exchange; its answer comes as the server sends it.
     *
     * @param boundSession the caller's session standing for the server's, or null (the id goes as it came)
     */
    private Future<Void> forward(Exchange exchange, String session, Session boundSession, long number,
                                 Buffer received, Relay.Rewrites rewrites, MessageTap.Local recorder) {
        HttpServerRequest request = exchange.request();
        Buffer body = ConsumedFields.without(received, exchange.credentials().bodyFields(), exchange.header("content-type"));
        List<UpstreamPolicy> transforms = chain.upstream(exchange);
        // a JSON-RPC message: a transformer's body rule is refused at load, and never applied should one slip through
        Upstream prepared = upstreamRequest(exchange, request.method().name(), boundSession, body, transforms);
        UpstreamCall call = prepared.call();
        String uri = prepared.uri();
        Relay.HeaderRewrite answerHeaders = BoundSessions.showingClientsId(boundSession, transforms.isEmpty() ? null
                : answered -> {
                    // the relayed answer is transformed here, once; the gateway's own error answers as the head goes
                    exchange.answerHead().rewritten();
                    AnswerHeaders.keeping(answered, h -> transforms.forEach(p -> p.response(exchange,
                            new UpstreamAnswer(0, h, null, false))));
                });
        Observation observation = exchange.observation();
        observation.writeTraceContext(call.headers());
        // an MCP server's SDK that reads params._meta.traceparent must see the same parent as the header names
        Buffer sent = observation.writeTraceContext(call.body() == null ? Buffer.buffer() : call.body());
        UpstreamTarget target = settings.target();
        observation.upstreamStarted(target, call.method(), uri);
        // an upstream that failed before its answer began, or in the middle of a JSON answer (which cannot be
        // resumed), answers none of the exchange's requests it has not answered yet; one that failed in the
        // middle of a stream may still answer the rest when the client resumes it
        Consumer<Throwable> failed = cause -> {
            HttpServerResponse response = request.response();
            if (!response.headWritten() || !MediaTypes.isEventStream(response.headers().get("content-type"))) {
                unforwarded(session, number, received);
            }
            fail(request, cause);
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
        ReadTimeout silence = new ReadTimeout(Vertx.currentContext(), readTimeoutMs, () -> {
            failed.accept(new UpstreamException(UpstreamException.Kind.TIMEOUT, (request.response().headWritten()
                    ? "sent nothing for " : "no answer within ") + readTimeoutMs + " ms (service read_timeout)"));
            stop.tryComplete();
        });
        client.exchange(settings.target(), HttpMethod.valueOf(call.method()), uri, call.headers(), sent, stop.future(),
                silence::start).onComplete(answer -> {
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
                observation.upstreamAnswered(upstream.statusCode());
                // a session the server ended is unknown here before the client hears of it: its next request,
                // on any instance, gets the gateway's 404 and never reaches the server
                Future<Void> unbound = boundSession == null ? Future.succeededFuture()
                        : bound.answered(boundSession, call.method(), upstream.statusCode(), exchange.clientAddress());
                if (!unbound.isComplete()) {
                    upstream.pause();
                }
                unbound.onComplete(done -> {
                    String opened = bound.opened(exchange, boundSession, upstream);
                    if (request.response().ended() || request.response().closed()) {
                        // the client left, or the read timeout answered, meanwhile: nobody hears of a new session
                        silence.stop();
                        unforwarded(session, number, received);
                        upstream.request().reset();
                        if (opened != null) {
                            link(exchange).delete(opened, BoundSessions.requestedVersion(exchange, received));
                        }
                        return;
                    }
                    if (opened == null) {
                        relay.relay(request, upstream, rewrites, answerHeaders, session, number, silence, recorder,
                                failed);
                        upstream.resume();
                    } else {
                        issued.relay(exchange, received, opened, upstream, answerHeaders,
                                issuedHeaders -> relay.relay(request, upstream, rewrites, issuedHeaders, session,
                                        number, silence, recorder, failed),
                                () -> {
                                    silence.stop();
                                    unforwarded(session, number, received);
                                }, stop.future());
                    }
                });
            }
        });
        return Future.succeededFuture();
    }

    /**
     * Counts the exchange against its client address until it ends: a GET stream, or a POST answered with
     * one (by the server, or by a bridge reading the server's stream), holds a pooled upstream connection that
     * long, and one client holding them all would leave every other client's request waiting for one (504).
     * An exchange the gateway answers itself (a refusal) is counted while it is decided: it ends at once.
     * Past the cap it is refused (503, {@code Retry-After}): the
     * per-address cap, and never more than half a pool, whatever that cap says (its default, 1,000, is a
     * session count, above the pool's 256), so that one address always leaves others half of one.
     */
    private void holdStream(Exchange exchange) {
        String address = exchange.clientAddress();
        if (streams == null || address == null || exchange.request().response().closed()) {
            return;
        }
        int cap = Math.min(streams.max(), Math.max(1, client.poolSize() / 2));
        if (!streams.take(address, cap)) {
            throw new GatewayException(new GatewayError.TooManyStreams(cap));
        }
        exchange.whenEnded(() -> streams.release(address));
    }

    /** @param written gets the lower-case names of the headers the gateway set, its policies' */
    private MultiMap upstreamHeaders(Exchange exchange, Set<String> written) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        String authority = exchange.authority();
        ForwardedHeaders.copyForProxy(exchange.request().headers(), headers, exchange.credentials().headers(),
                settings.preserveHost() ? authority : null);
        ForwardedHeaders.addForwarding(headers, exchange.forwarding());
        if (exchange.hasUpstreamHeaders()) {
            MultiMap added = exchange.upstreamHeaders();
            added.names().forEach(name -> {
                headers.set(name, added.getAll(name));
                written.add(name.toLowerCase(Locale.ROOT));
            });
        }
        ForwardedHeaders.dropClientTwins(headers, written);
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
                ? new GatewayError.UpstreamTimeout(settings.target().service(), failure.detail())
                : new GatewayError.UpstreamUnavailable(settings.target().service(), failure.detail());
        ErrorResponses.mcp(request.response(), error);
    }
}
