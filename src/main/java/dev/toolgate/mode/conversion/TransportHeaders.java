package dev.toolgate.mode.conversion;

import dev.toolgate.error.GatewayError;
import dev.toolgate.error.GatewayException;
import dev.toolgate.mcp.ProtocolVersion;
import dev.toolgate.mcp.Session;
import dev.toolgate.mcp.SessionStore;
import dev.toolgate.pipeline.Exchange;
import io.vertx.core.Future;

/**
 * The streamable HTTP transport's headers that name a request's session and protocol version:
 * {@code Mcp-Session-Id}, resolved to a session of this endpoint, and {@code MCP-Protocol-Version}.
 */
final class TransportHeaders {

    private static final Future<Session> UNMANAGED = Future.succeededFuture();

    private final McpServerEndpoint.Settings settings;
    private final SessionStore store;
    /** Null where no reload can follow (validation). */
    private final Sessions sessions;

    TransportHeaders(McpServerEndpoint.Settings settings, SessionStore store, Sessions sessions) {
        this.settings = settings;
        this.store = store;
        this.sessions = sessions;
    }

    /**
     * The request's session (null when this endpoint does not manage sessions); failed with
     * {@code UnknownSession} (404) when the id is unknown, ended, expired, altered, another
     * endpoint's or another caller's, or begun before a reload removed the endpoint here, and with {@code SessionsUnavailable} (503) when the store cannot
     * be reached.
     */
    Future<Session> session(Exchange exchange) {
        if (!settings.managedSessions()) {
            return UNMANAGED;
        }
        // through the exchange, which keeps it: the observation reads it again when the exchange ends
        String id = exchange.sessionId();
        if (id == null || id.isEmpty()) {
            throw new GatewayException(new GatewayError.MissingSession());
        }
        String caller = exchange.principal().sessionOwner();
        return store.find(id, settings.endpointId(), caller).transform(found -> {
            if (found.failed()) {
                return Future.failedFuture(new GatewayException(new GatewayError.SessionsUnavailable()));
            }
            Session session = found.result();
            // another caller's session is answered as one that does not exist: its id is not a credential
            return session == null || !session.usableBy(caller) || sessions != null && sessions.predatesRemoval(session)
                    ? Future.failedFuture(new GatewayException(new GatewayError.UnknownSession()))
                    : Future.succeededFuture(session);
        });
    }

    /** The protocol version the request says it speaks, or the one the transport assumes without the header. */
    static String version(Exchange exchange) {
        String version = exchange.protocolVersion();
        return version == null ? ProtocolVersion.ASSUMED_WHEN_ABSENT : version;
    }
}
