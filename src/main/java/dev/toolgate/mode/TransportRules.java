package dev.toolgate.mode;

import dev.toolgate.error.GatewayError;
import dev.toolgate.error.GatewayException;
import dev.toolgate.mcp.MediaTypes;
import dev.toolgate.mcp.ProtocolVersion;
import io.vertx.core.http.HttpServerRequest;

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

    /**
     * Refuses a POST whose {@code Accept} (all its lines, one list) lacks either type the server may answer
     * with (406), so that a client never gets an event stream it did not ask for, or whose body is not
     * {@code application/json} (415).
     */
    public static void checkMediaTypes(HttpServerRequest request) {
        String accept = MediaTypes.joined(request.headers().getAll("accept"));
        if (!MediaTypes.accepts(accept, MediaTypes.JSON) || !MediaTypes.accepts(accept, MediaTypes.EVENT_STREAM)) {
            throw new GatewayException(new GatewayError.NotAcceptable("both application/json and text/event-stream"));
        }
        String contentType = request.getHeader("content-type");
        if (!MediaTypes.is(contentType, MediaTypes.JSON)) {
            throw new GatewayException(new GatewayError.UnsupportedMediaType(contentType == null ? "" : contentType));
        }
    }

    /** Refuses a legacy protocol version header we do not speak (400); no header is fine. */
    public static void checkVersion(String version) {
        if (version != null && !ProtocolVersion.isSupported(version)) {
            throw new GatewayException(new GatewayError.UnsupportedProtocolVersion(version));
        }
    }
}
