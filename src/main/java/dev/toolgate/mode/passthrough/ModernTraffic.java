package dev.toolgate.mode.passthrough;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.error.GatewayError;
import dev.toolgate.error.GatewayException;
import dev.toolgate.mcp.Json;
import dev.toolgate.mode.JsonBody;
import dev.toolgate.mcp.JsonRpcMessage;
import dev.toolgate.mcp.ModernMeta;
import dev.toolgate.mcp.ProtocolVersion;
import dev.toolgate.mcp.RequestHeaders;
import dev.toolgate.mode.ModernRequest;
import dev.toolgate.pipeline.Exchange;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;

import java.io.IOException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A passthrough route's 2026-07-28 traffic. When the server speaks the modern era
 * ({@link UpstreamEras}), a modern request goes to it byte for byte as any other, once its
 * {@code Mcp-Method} and {@code Mcp-Name} headers are checked against the body the route's policies
 * decided on (so a server or balancer trusting the headers cannot be steered past them); when it
 * speaks only the legacy era, the request is checked as a modern server checks it, passes the
 * route's message policies, and is bridged ({@link EraBridge}).
 */
final class ModernTraffic {

    private final UpstreamEras eras;
    private final EraBridge bridge;
    private final LegacyBridge legacy;
    private final Function<Exchange, UpstreamLink> links;
    private final boolean mayBridgeLegacy;

    /**
     * @param links      the upstream link of an exchange (path, headers and transformers as for forwarding)
     * @param upstreamEra {@code server.upstream_era}
     */
    ModernTraffic(UpstreamEras eras, EraBridge bridge, LegacyBridge legacy, Function<Exchange, UpstreamLink> links,
                  String upstreamEra) {
        this.eras = eras;
        this.bridge = bridge;
        this.legacy = legacy;
        this.links = links;
        this.mayBridgeLegacy = !"legacy".equals(upstreamEra);
    }

    /** Who answers a legacy exchange, as far as the gateway can tell before the route's policies. */
    sealed interface LegacyRoute {
        /** The server, as it is (its session, if any, is the server's). */
        record Forwarded() implements LegacyRoute {
        }

        /**
         * An {@code initialize} alone at a path whose era is not known now: the server is asked once the policies let
         * it through (a caller they refuse costs the server nothing), then the bridge judges it, if it is the bridge's.
         */
        record Asked() implements LegacyRoute {
        }

        /** The {@link LegacyBridge}, whose refusals were judged already: what it admitted is passed on. */
        record Bridged(LegacyBridge.Admitted admitted) implements LegacyRoute {
        }
    }

    /**
     * Who answers a legacy exchange, decided before the route's policies: the {@link LegacyBridge} when the server
     * speaks only 2026-07-28 (as far as the gateway knows: it asks on a client's {@code initialize}, and otherwise
     * goes by what it found last), or when the exchange names one of the bridge's sessions. The bridge being the
     * server then, its refusals are judged here too, before the policies: its transport's rules (the method,
     * {@code Accept}, {@code Content-Type}, {@code MCP-Protocol-Version}) and the caller's session (missing,
     * unknown, another caller's), so that a request it refuses spends nothing of the route's tool limits and writes
     * no audit. So is a batch opening with {@code initialize} that names none of the bridge's sessions (400, -32600,
     * as a conversion endpoint answers an {@code initialize} in a batch): MCP forbids one, and where the era is not
     * known the server would be asked after the policies, which would count the calls it holds first.
     */
    Future<LegacyRoute> legacyRoute(Exchange exchange, Buffer body) {
        if (!mayBridge(exchange, body)) {
            return Future.succeededFuture(new LegacyRoute.Forwarded());
        }
        if (opensSession(exchange, body)) {
            Boolean legacyUpstream = eras.speaksLegacyKnown(UpstreamEras.Place.of(exchange));
            if (Boolean.TRUE.equals(legacyUpstream)) {
                return Future.succeededFuture(new LegacyRoute.Forwarded());
            }
            if (JsonBody.opensBatch(body)) {
                refuseOpeningBatch(exchange);
            } else if (legacyUpstream == null) {
                return Future.succeededFuture(new LegacyRoute.Asked());
            }
        }
        return legacy.admit(exchange, body).map(LegacyRoute.Bridged::new);
    }

    /**
     * Refuses a batch opening with {@code initialize} unless it names one of the bridge's sessions, which the bridge
     * answers whatever the era (its {@code initialize} gets an error of its own there, the rest are answered).
     */
    private static void refuseOpeningBatch(Exchange exchange) {
        if (!LegacyBridge.issued(exchange.sessionId())) {
            throw new GatewayException(new GatewayError.InvalidMessage(null, "initialize cannot be part of a batch"));
        }
    }

    /** Answers a legacy exchange {@link #legacyRoute} gave the bridge, once the route's policies let it through. */
    Future<Void> bridged(Exchange exchange, Buffer body, LegacyRoute.Bridged bridged, PassthroughAccess access,
                         Consumer<byte[]> observed) {
        return legacy.answer(exchange, body, bridged.admitted(), links.apply(exchange), eras, access, observed);
    }

    /**
     * Answers a legacy exchange {@link #legacyRoute} asked the server about, once the route's policies let it
     * through, through the bridge when the server speaks only 2026-07-28; false when it is to be forwarded as it is.
     */
    Future<Boolean> asked(Exchange exchange, Buffer body, PassthroughAccess access, Consumer<byte[]> observed) {
        UpstreamLink link = links.apply(exchange);
        return eras.speaksLegacy(UpstreamEras.Place.of(exchange), link).compose(legacyUpstream -> legacyUpstream
                ? Future.succeededFuture(false)
                // judged now, as it could not be before the policies
                : legacy.admit(exchange, body).compose(admitted -> legacy.answer(exchange, body, admitted, link, eras,
                        access, observed)).map(true));
    }

    /**
     * Whether {@link #legacyRoute} may give the exchange to the bridge: when not, it is forwarded as it is with no
     * more asked (a legacy client of a server known to speak the legacy era, or any client of a route that says so).
     */
    private boolean mayBridge(Exchange exchange, Buffer body) {
        return mayBridgeLegacy && (LegacyBridge.issued(exchange.sessionId()) || opensSession(exchange, body)
                || !eras.knownLegacy(UpstreamEras.Place.of(exchange)));
    }

    /** True for a POST whose body is an {@code initialize} request (the legacy era's first message). */
    static boolean opensSession(Exchange exchange, Buffer body) {
        if (exchange.request().method() != HttpMethod.POST || body.length() == 0) {
            return false;
        }
        if (!contains(body, INITIALIZE)) {
            return false;
        }
        byte[] bytes = body.getBytes();
        try {
            return "initialize".equals(dev.toolgate.mcp.McpEnvelope.readAll(bytes, 0, bytes.length).getFirst().method());
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * True when the exchange is modern: a body whose {@code _meta} names a version, or a modern version header on
     * anything but an {@code initialize}. The header is for the requests after initialization: an initialize's own
     * {@code protocolVersion} is what is negotiated, whatever version the header names (the Java SDK sends its latest
     * on initialize too), as on a conversion route.
     */
    static boolean claims(Exchange exchange, Buffer body) {
        // the header alone decides most modern requests, with no tree built: an initialize is told by a scan
        if (ProtocolVersion.isModern(exchange.protocolVersion()) && !opensSession(exchange, body)) {
            return true;
        }
        return metaClaims(exchange, body);
    }

    /** True for a POST whose body's {@code _meta} names a version. */
    private static boolean metaClaims(Exchange exchange, Buffer body) {
        if (body.length() == 0 || exchange.request().method() != HttpMethod.POST) {
            return false;
        }
        // a legacy body never names the key: most are told apart without building a tree (or copying the body)
        if (!contains(body, CLAIM)) {
            return false;
        }
        try {
            return ModernMeta.claimed(Json.parse(body.getBytes()));
        } catch (IOException e) {
            return false;
        }
    }

    private static final byte[] INITIALIZE = "\"initialize\"".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    private static final byte[] CLAIM = ModernMeta.PROTOCOL_VERSION.getBytes(java.nio.charset.StandardCharsets.UTF_8);

    private static boolean contains(Buffer haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length() - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack.getByte(i + j) != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /**
     * Answers a modern exchange.
     *
     * @param access   the route's message policies, or null
     * @param recorder what opened the records of the exchange's requests, or null when it is not observed
     * @param asBefore forwards the exchange as any other (the server speaks the modern era)
     * @param observed gets each message a bridge sends the client, for the route's traffic events
     * @param unforwarded told when the policies answered the exchange themselves, so that the route's
     *                    traffic events wait for no answer from the server
     */
    Future<Void> handle(Exchange exchange, Buffer body, PassthroughAccess access, PassthroughRecorder recorder,
                        Supplier<Future<Void>> asBefore, Consumer<byte[]> observed, Runnable unforwarded) {
        UpstreamLink link = links.apply(exchange);
        return eras.speaksModern(UpstreamEras.Place.of(exchange), link).compose(modernUpstream -> {
            HttpServerRequest request = exchange.request();
            if (modernUpstream) {
                checkMirroredHeaders(request, body);
                return asBefore.get();
            }
            if (request.method() != HttpMethod.POST) {
                throw new GatewayException(new GatewayError.MethodNotAllowed(request.method().name(), "POST"));
            }
            BridgedTransport.checkModern(request);
            return bridged(exchange, body, access, recorder, link, observed, unforwarded);
        });
    }

    private Future<Void> bridged(Exchange exchange, Buffer body, PassthroughAccess access, PassthroughRecorder recorder,
                                 UpstreamLink link, Consumer<byte[]> observed, Runnable unforwarded) {
        JsonNode message = JsonBody.parse(body);
        if (!message.isObject()) {
            throw new GatewayException(new GatewayError.InvalidMessage(null,
                    "a 2026-07-28 POST carries one JSON-RPC message, not a batch"));
        }
        return switch (JsonRpcMessage.classify(message)) {
            case JsonRpcMessage.Invalid invalid ->
                    throw new GatewayException(new GatewayError.InvalidMessage(invalid.id(), invalid.reason()));
            case JsonRpcMessage.Notification ignored -> exchange.request().response().setStatusCode(202).end();
            case JsonRpcMessage.Response response -> throw new GatewayException(new GatewayError.InvalidMessage(
                    response.id(), "a 2026-07-28 client sends no JSON-RPC responses"));
            case JsonRpcMessage.Request r -> {
                ModernRequest modern = ModernRequest.check(exchange.request().headers(), r);
                if (access == null) {
                    yield bridge.answer(exchange, modern, link, null, observed);
                }
                // a retry with the client's input continues the call its first round made (or is refused):
                // the ACLs decide it again, but it is not another call for the tool limits to count
                yield access.admit(exchange, body, EraBridge.resumes(r), recorder).compose(admitted -> {
                    if (admitted.refused() != null) {
                        unforwarded.run();
                        exchange.observation().refusedAll(admitted.refused());
                        exchange.refuse(admitted.refused());
                        return Future.succeededFuture();
                    }
                    if (admitted.answer() != null) {
                        Future<Void> sent = respondWith(exchange, admitted.answer(), observed);
                        unforwarded.run();
                        return sent;
                    }
                    return bridge.answer(exchange, modern, link, access.shows(exchange), observed);
                });
            }
        };
    }

    /** A tool result a policy answered with (a per-tool limit), as a complete 2026-07-28 result. */
    private static Future<Void> respondWith(Exchange exchange, Buffer answer, Consumer<byte[]> observed) {
        JsonNode response = JsonBody.parse(answer);
        if (response.get("result") instanceof ObjectNode result) {
            result.put("resultType", "complete");
        }
        byte[] bytes = Json.bytes(response);
        observed.accept(bytes);
        return exchange.request().response().setStatusCode(200).putHeader("content-type", "application/json")
                .end(Buffer.buffer(bytes));
    }

    /**
     * Refuses a request whose mirrored headers say another method or name than its body, or come more than once
     * (400, -32020): all of them would be forwarded, and the server may read another than the one checked.
     */
    private static void checkMirroredHeaders(HttpServerRequest request, Buffer body) {
        if (request.method() != HttpMethod.POST || body.length() == 0) {
            return;
        }
        JsonNode message;
        try {
            message = Json.parse(body.getBytes());
        } catch (IOException e) {
            return; // the route's policies refuse what they cannot read
        }
        if (message.isObject() && JsonRpcMessage.classify(message) instanceof JsonRpcMessage.Request r) {
            String mismatch = RequestHeaders.repeated(request.headers());
            if (mismatch == null) {
                mismatch = RequestHeaders.standardMismatch(request::getHeader, r.method(), r.params());
            }
            if (mismatch != null) {
                throw new GatewayException(new GatewayError.HeaderMismatch(r.id(), mismatch));
            }
        }
    }
}
