package dev.toolgate.mode.conversion;

import dev.toolgate.error.GatewayError;
import dev.toolgate.error.GatewayException;
import dev.toolgate.mcp.ProtocolVersion;
import dev.toolgate.mcp.Session;
import io.vertx.core.http.HttpServerRequest;

/**
 * The streamable HTTP transport's headers that name a request's session and protocol version:
 * {@code Mcp-Session-Id}, resolved to a session of this endpoint, and {@code MCP-Protocol-Version}.
 */
final class TransportHeaders {

    private final McpServerEndpoint.Settings settings;
    private final Sessions sessions;

    TransportHeaders(McpServerEndpoint.Settings settings, Sessions sessions) {
        this.settings = settings;
        this.sessions = sessions;
    }

    /** The request's session; null when this endpoint does not manage sessions. */
    Session session(HttpServerRequest request) {
        if (!settings.managedSessions()) {
            return null;
        }
        String id = request.getHeader("mcp-session-id");
        if (id == null || id.isEmpty()) {
            throw new GatewayException(new GatewayError.MissingSession());
        }
        return sessions.store().find(id)
                .filter(s -> s.endpoint().equals(settings.endpointId()))
                .orElseThrow(() -> new GatewayException(new GatewayError.UnknownSession()));
    }

    /** Refuses a protocol version header we do not speak; no header is fine. */
    static void checkVersion(HttpServerRequest request) {
        String version = request.getHeader("mcp-protocol-version");
        if (version != null && !ProtocolVersion.isSupported(version)) {
            throw new GatewayException(new GatewayError.UnsupportedProtocolVersion(version));
        }
    }

    /** The protocol version the request says it speaks, or the one the transport assumes without the header. */
    static String version(HttpServerRequest request) {
        String version = request.getHeader("mcp-protocol-version");
        return version == null ? ProtocolVersion.ASSUMED_WHEN_ABSENT : version;
    }
}
