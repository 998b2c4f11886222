package dev.toolgate.mode;

import dev.toolgate.error.GatewayError;
import dev.toolgate.error.GatewayException;
import dev.toolgate.mcp.ProtocolVersion;

/**
 * The streamable HTTP transport's rules for the headers of a request the gateway answers as the MCP
 * server: a conversion endpoint, and either era bridge of a passthrough route (whose server never sees the
 * client's request, so they are the gateway's to apply). A refusal is thrown as a {@link GatewayException}.
 *
 * @see <a href="https://modelcontextprotocol.io/specification/2025-11-25/basic/transports">Transports</a>
 */
public final class TransportRules {

    private TransportRules() {
    }

    /** Refuses a legacy protocol version header we do not speak (400); no header is fine. */
    public static void checkVersion(String version) {
        if (version != null && !ProtocolVersion.isSupported(version)) {
            throw new GatewayException(new GatewayError.UnsupportedProtocolVersion(version));
        }
    }
}
