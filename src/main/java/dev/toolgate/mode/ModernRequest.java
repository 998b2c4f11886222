package dev.toolgate.mode;

import dev.toolgate.error.GatewayError;
import dev.toolgate.error.GatewayException;
import dev.toolgate.mcp.JsonRpcMessage;
import dev.toolgate.mcp.ModernMeta;
import dev.toolgate.mcp.ProtocolVersion;
import dev.toolgate.mcp.RequestHeaders;
import io.vertx.core.MultiMap;

import java.util.function.UnaryOperator;

/**
 * A 2026-07-28 request that passed the transport's checks, in the order the revision and its
 * conformance suite expect: the per-request {@code _meta} fields (-32602), the
 * {@code MCP-Protocol-Version} header against them (-32020), a revision we serve (-32022), then
 * {@code Mcp-Method} and {@code Mcp-Name} against the body (-32020); a mirrored header sent twice is refused
 * (-32020) before any of them is compared. Every refusal is HTTP 400 with
 * the request's id.
 *
 * @param request the JSON-RPC request
 * @param meta    its per-request protocol fields
 * @see <a href="https://modelcontextprotocol.io/specification/2026-07-28/basic/transports/streamable-http#server-validation">Server validation</a>
 */
public record ModernRequest(JsonRpcMessage.Request request, ModernMeta meta) {

    /**
     * Checks a request the endpoint read as modern.
     *
     * @param headers the request's headers
     * @throws GatewayException with the first problem found
     */
    public static ModernRequest check(MultiMap headers, JsonRpcMessage.Request request) {
        UnaryOperator<String> header = headers::get;
        String version = header.apply("mcp-protocol-version");
        ModernMeta meta;
        try {
            meta = ModernMeta.read(request.params());
        } catch (ModernMeta.Invalid e) {
            // a header naming a revision nobody serves is the first thing to fix: say which ones are served
            throw new GatewayException(version != null && !ProtocolVersion.isServedModern(version)
                    ? new GatewayError.UnsupportedRevision(request.id(), version)
                    : new GatewayError.MissingRequestMeta(request.id(), e.getMessage()));
        }
        String repeated = RequestHeaders.repeated(headers);
        if (repeated != null) {
            throw new GatewayException(new GatewayError.HeaderMismatch(request.id(), repeated));
        }
        if (version == null) {
            throw new GatewayException(new GatewayError.HeaderMismatch(request.id(),
                    "the MCP-Protocol-Version header is required (" + meta.protocolVersion() + ", as in params._meta)"));
        }
        if (!version.equals(meta.protocolVersion())) {
            throw new GatewayException(new GatewayError.HeaderMismatch(request.id(), "MCP-Protocol-Version header value '"
                    + version + "' does not match body value '" + meta.protocolVersion() + "'"));
        }
        if (!ProtocolVersion.isServedModern(version)) {
            throw new GatewayException(new GatewayError.UnsupportedRevision(request.id(), version));
        }
        String mismatch = RequestHeaders.standardMismatch(header, request.method(), request.params());
        if (mismatch != null) {
            throw new GatewayException(new GatewayError.HeaderMismatch(request.id(), mismatch));
        }
        return new ModernRequest(request, meta);
    }

    /**
     * True when a POST is to be served by the 2026-07-28 rules: its {@code MCP-Protocol-Version}
     * header names a modern revision, or its body's {@code _meta} names a protocol version (a legacy
     * client opens with {@code initialize} and sends neither).
     *
     * @param headerVersion the {@code MCP-Protocol-Version} header, or null
     * @param claimed       the body claims the modern era ({@link ModernMeta#claimed})
     */
    public static boolean isModern(String headerVersion, boolean claimed) {
        return claimed || ProtocolVersion.isModern(headerVersion);
    }
}
