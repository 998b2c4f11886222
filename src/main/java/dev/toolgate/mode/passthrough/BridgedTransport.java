package dev.toolgate.mode.passthrough;

import dev.toolgate.error.GatewayError;
import dev.toolgate.error.GatewayException;
import dev.toolgate.mode.TransportRules;
import dev.toolgate.pipeline.Exchange;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;

/**
 * The transport rules a bridge applies as the server the client talks to: the server behind it never sees
 * the client's request, so nothing else would. They are a conversion endpoint's ({@link TransportRules}),
 * so that a client is answered alike whichever of them, or the server, the route happens to use.
 */
final class BridgedTransport {

    /** What the legacy bridge serves, for {@code Allow}: as its own refusal of GET ({@link LegacyBridge#admit}) says. */
    static final String LEGACY_METHODS = "POST, DELETE";

    private BridgedTransport() {
    }

    /**
     * Checks a legacy client's request to the {@link LegacyBridge} before its message is read: its method
     * (the bridge serves POST and DELETE, and refuses GET itself: it has no stream to offer), a POST's
     * {@code Accept} and {@code Content-Type}, then its {@code MCP-Protocol-Version} unless it opens a session
     * (an {@code initialize}'s own version is negotiated).
     */
    static void checkLegacy(Exchange exchange, Buffer body) {
        HttpMethod method = exchange.request().method();
        if (method != HttpMethod.POST && method != HttpMethod.GET && method != HttpMethod.DELETE) {
            throw new GatewayException(new GatewayError.MethodNotAllowed(method.name(), LEGACY_METHODS));
        }
        if (method == HttpMethod.POST) {
            TransportRules.checkMediaTypes(exchange.request());
        }
        if (!ModernTraffic.opensSession(exchange, body)) {
            TransportRules.checkVersion(exchange.protocolVersion());
        }
    }

    /**
     * Checks a modern client's POST to the {@link EraBridge}: its {@code Accept} and {@code Content-Type} (its
     * revision is checked with the rest of the request, {@link dev.toolgate.mode.ModernRequest}).
     */
    static void checkModern(HttpServerRequest request) {
        TransportRules.checkMediaTypes(request);
    }
}
