package dev.toolgate.error;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Everything the gateway can refuse or fail at, named for what happened. {@link ErrorCatalog} alone
 * decides the HTTP status, JSON-RPC code and log reason of each. Tool failures are not here: they
 * are tool results with {@code isError: true}.
 */
public sealed interface GatewayError {

    /** The JSON-RPC id of the request this error answers; null when there is none or it is unknown. */
    default JsonNode id() {
        return null;
    }

    /** The body is not JSON. */
    record MalformedJson(String detail) implements GatewayError {
    }

    /** The JSON is not a valid JSON-RPC message (or batch). */
    record InvalidMessage(JsonNode id, String detail) implements GatewayError {
    }

    /** A batch was sent under a protocol revision that does not allow batches. */
    record BatchNotAllowed(String protocolVersion) implements GatewayError {
    }

    /** The method is not one this endpoint offers. */
    record MethodNotFound(JsonNode id, String method) implements GatewayError {
    }

    /** The params of a request are malformed. */
    record InvalidParams(JsonNode id, String detail) implements GatewayError {
    }

    /** {@code tools/call} named a tool this endpoint does not have. */
    record UnknownTool(JsonNode id, String name) implements GatewayError {
    }

    /** A request other than {@code initialize} came without an {@code Mcp-Session-Id}. */
    record MissingSession() implements GatewayError {
    }

    /** The {@code Mcp-Session-Id} is unknown, expired or terminated: the client must initialize again. */
    record UnknownSession() implements GatewayError {
    }

    /** The {@code MCP-Protocol-Version} header names a revision we do not speak. */
    record UnsupportedProtocolVersion(String version) implements GatewayError {
    }

    /** The {@code Accept} header does not admit what this request needs. */
    record NotAcceptable(String required) implements GatewayError {
    }

    /** The body is not {@code application/json}. */
    record UnsupportedMediaType(String contentType) implements GatewayError {
    }

    /** The body is compressed with a coding the gateway does not inflate. */
    record UnsupportedContentEncoding(String encoding) implements GatewayError {
    }

    /** The body is larger than the route allows. */
    record BodyTooLarge(long limitBytes) implements GatewayError {
    }

    /** The {@code Origin} header names a site that may not call this endpoint (DNS-rebinding protection). */
    record ForbiddenOrigin(String origin) implements GatewayError {
    }

    /** The HTTP method is not one this endpoint answers. */
    record MethodNotAllowed(String method, String allowed) implements GatewayError {
    }

    /** A second server-to-client stream was opened for a session that already has one. */
    record StreamAlreadyOpen() implements GatewayError {
    }

    /** No route matches the request. */
    record NoRoute(String method, String path) implements GatewayError {
    }

    /** A route matched, but nothing on it answers requests (no listener plugin). */
    record NotServed(String route) implements GatewayError {
    }

    /** The upstream could not be reached or broke the exchange. */
    record UpstreamUnavailable(String service, String detail) implements GatewayError {
    }

    /** The upstream did not answer in time; {@code detail} says which timeout. */
    record UpstreamTimeout(String service, String detail) implements GatewayError {
    }

    /** A new session would pass a cap on live sessions; the client may try again later. */
    record TooManySessions(String scope, long retryAfterSeconds) implements GatewayError {
    }

    /** The request line names an HTTP version the gateway does not speak (not 1.x). */
    record UnsupportedHttpVersion(String version) implements GatewayError {
    }

    /** The request's Host header is missing (HTTP/1.1), repeated, or not one this listener answers for. */
    record BadHost(String detail) implements GatewayError {
    }

    /** The request path is not valid: not UTF-8, or an overlong encoding. */
    record InvalidPath(String detail) implements GatewayError {
    }

    /** A client was too slow sending its request (head or body); the connection is closed. */
    record RequestTimeout(String what) implements GatewayError {
    }

    /** The listener has as many connections as it allows; the client may try again later. */
    record TooManyConnections(long limit) implements GatewayError {
    }

    /** A bug or an unexpected failure; details are logged under {@code errorId}, never sent. */
    record Internal(String errorId) implements GatewayError {
    }
}
