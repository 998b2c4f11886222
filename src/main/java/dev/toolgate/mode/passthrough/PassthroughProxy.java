package dev.toolgate.mode.passthrough;

import dev.toolgate.error.GatewayError;
import dev.toolgate.error.GatewayException;
import dev.toolgate.http.ClientStreams;
import dev.toolgate.http.OriginPolicy;
import dev.toolgate.http.UpstreamClient;
import dev.toolgate.http.UpstreamPath;
import dev.toolgate.http.UpstreamTarget;
import dev.toolgate.mcp.McpEnvelope;
import dev.toolgate.mcp.MediaTypes;
import dev.toolgate.mode.JsonBody;
import dev.toolgate.mode.acl.ToolAccess;
import dev.toolgate.observe.TapEvent;
import dev.toolgate.observe.MessageTap;
import dev.toolgate.pipeline.Exchange;
import dev.toolgate.pipeline.McpEndpoint;
import dev.toolgate.pipeline.MessagePolicy;
import dev.toolgate.pipeline.PolicyChain;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

import java.util.List;
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
    private final Forwarding forwarding;

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
        this.relay = new Relay(settings.route(), eras.routeId(), eras.runtime(), tap, eras.bridges().streams(),
                eras.bridges().answers());
        // a route of the same name loaded again is none of the sessions begun before a reload here removed it
        var predatesRemoval = eras.bridges().predatingRemoval(eras.routeId());
        LegacySessions servers = eras.bridges().sessions(eras.routeId(), settings.target(), settings.servicePath());
        // retired with the route this proxy was built for: a session a request here creates after that ends at once
        RouteTenure tenure = new RouteTenure(settings.route(), servers.retirement()::cause);
        this.modern = new ModernTraffic(new UpstreamEras(eras.upstreamEra(), eras.clock()),
                new EraBridge(new EraBridge.Settings(eras.endpoint(), eras.store(), eras.clock(), eras.listTtlMs(),
                        eras.listCacheScope(), predatesRemoval), servers),
                new LegacyBridge(RemovedRoutes.legacy(eras.endpoint()), new LegacyCalls.Route(eras.routeId(),
                        settings.route()), eras.store(), eras.clock(), eras.sessionTtlSeconds(),
                        eras.bridges().calls(), predatesRemoval, tenure),
                this::link, eras.upstreamEra());
        this.bound = new BoundSessions(eras.bindsSessions(), RemovedRoutes.bound(eras.endpoint()),
                settings.target().service(), eras.store(), eras.sessionTtlSeconds(), eras.clock(), predatesRemoval,
                tenure);
        this.issued = new IssuedSessions(bound, this::link);
        this.forwarding = new Forwarding(settings, client, chain, relay, bound, issued, eras.routeId(),
                eras.bridges().answers());
    }

    /**
     * How a route serves the 2026-07-28 era.
     *
     * @param routeId        the route's id, which a reload removing the route no longer serves
     * @param runtime        what the route runs with: a reload that changes it ends the streams relayed before
     * @param upstreamEra    {@code server.upstream_era}: {@code auto}, {@code legacy} or {@code modern}
     * @param endpoint       what bridged rounds are bound to in the store ({@link EraBridges#endpoint})
     * @param store          where bridged rounds wait for the client's answers ({@code server.session.strategy})
     * @param clock          when rounds were saved
     * @param listTtlMs      a bridged tool list's {@code ttlMs}
     * @param listCacheScope a bridged tool list's {@code cacheScope} (when no tool ACL filters it)
     * @param sessionTtlSeconds how long a bridged legacy client's session lives without a request
     * @param bridges        what the bridges keep across reloads: legacy calls in flight, legacy servers' sessions
     * @param bindsSessions  whether {@code store} binds the server's sessions to the callers that open them
     *                       ({@link BoundSessions}): when it is shared between instances or sealed into the ids
     */
    public record Eras(String routeId, dev.toolgate.mode.RouteRuntime runtime, String upstreamEra, String endpoint, dev.toolgate.mcp.SessionStore store,
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
        if (UpstreamPath.hasDotSegment(ForwardedRequest.path(exchange, settings))) {
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
                exchange.refuse(refused);
                return Future.succeededFuture();
            }
            if (body.length() > 0) {
                List<McpEnvelope> sent = tap.observe(settings.route(), session, number,
                        TapEvent.Direction.CLIENT_TO_SERVER, body.getBytes(), 0, body.length(), recorder);
                if (sent.size() == 1 && sent.getFirst().isRequest() && !JsonBody.opensBatch(body)) {
                    // the gateway's own errors from here on (the server down, a session at its cap) name it
                    exchange.holdsRequest(sent.getFirst().id());
                }
                settledWhenAnswered(exchange, session, number, sent);
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
                            false, recorder, answered, unforwarded), answered, unforwarded);
                }
                return relay(exchange, session, number, body, true, recorder, answered, unforwarded);
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
     * Tells the tap when the exchange's answer ended, and whether it was JSON (the whole answer to the client's
     * requests), so that the requests it left unanswered, and its lone request, wait no longer for it. A 202 is
     * never the answer, whatever its type: a legacy HTTP+SSE server accepts the POST so (some with
     * {@code application/json} and {@code {}}) and answers on the session's GET stream.
     */
    private void settledWhenAnswered(Exchange exchange, String session, long number, List<McpEnvelope> sent) {
        if (sent.isEmpty()) {
            return;
        }
        exchange.whenEnded(() -> {
            var response = exchange.request().response();
            tap.settled(settings.route(), session, number, sent, response.getStatusCode() != 202
                    && MediaTypes.isJson(response.headers().get("content-type")));
        });
    }

    /**
     * The exchange as a passthrough route forwards it: after its message policies, byte for byte, unless the
     * legacy bridge answers it instead (asked only when {@code mayBridge}). Whichever answers, what it refuses is
     * refused before the policies: the server's session is resolved first, and the bridge, being the server,
     * judges its transport's rules and its session first. A caller refused for another's session, or for a request
     * the bridge does not serve (a PUT, an Accept without an event stream, no session), spends nothing of its tool
     * limits, and learns nothing of its ACLs.
     */
    private Future<Void> relay(Exchange exchange, String session, long number, Buffer body, boolean mayBridge,
                               PassthroughRecorder recorder, Consumer<byte[]> answered, Runnable unforwarded) {
        Future<ModernTraffic.LegacyRoute> route = mayBridge ? modern.legacyRoute(exchange, body)
                : Future.succeededFuture(new ModernTraffic.LegacyRoute.Forwarded());
        return route.compose(taken -> switch (taken) {
            // the rewrites are for forwarded answers: the bridge filters its own (access.shows)
            case ModernTraffic.LegacyRoute.Bridged bridged -> admitted(exchange, body, recorder, answered, unforwarded,
                    rewrites -> modern.bridged(exchange, body, bridged, access, answered));
            case ModernTraffic.LegacyRoute.Forwarded _, ModernTraffic.LegacyRoute.Asked _ -> bound.resolve(exchange)
                    .compose(resolved -> admitted(exchange, body, recorder, answered, unforwarded,
                            rewrites -> (taken instanceof ModernTraffic.LegacyRoute.Asked
                                    ? modern.asked(exchange, body, access, answered) : Future.succeededFuture(false))
                                    .compose(bridged -> bridged ? Future.succeededFuture()
                                            : forwarding.forward(exchange, session, resolved, number, body, rewrites,
                                            recorder, unforwarded))));
        });
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
                exchange.refuse(admitted.refused());
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

    /** The era bridge's link to the service for an exchange: the path, headers and transformers of forwarding. */
    private UpstreamLink link(Exchange exchange) {
        return ForwardedRequest.link(exchange, settings, client, chain);
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
        String address = exchange.clientNetwork();
        if (streams == null || address == null || exchange.request().response().closed()) {
            return;
        }
        int cap = Math.min(streams.max(), Math.max(1, client.poolSize() / 2));
        if (!streams.take(address, cap)) {
            throw new GatewayException(new GatewayError.TooManyStreams(cap));
        }
        exchange.whenEnded(() -> streams.release(address));
    }
}
