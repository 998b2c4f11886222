package dev.toolgate.error;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Everything the gateway can refuse or fail at, named for what happened. {@link ErrorCatalog} alone
 * decides the HTTP status, JSON-RPC code and log reason of each. Tool failures are not here: they
 * are tool results with {@code isError: true}.
 *
 * <p>Each error is one of two kinds, {@link OfMessage} or {@link OfExchange}, which decide the id its answer
 * carries: a new error must say which it is (nothing else is permitted), so none can echo an id by omission.
 */
public sealed interface GatewayError permits GatewayError.OfMessage, GatewayError.OfExchange {

    /** The JSON-RPC id of the request this error answers; null when there is none or it is unknown. */
    default JsonNode id() {
        return null;
    }

    /**
     * The {@code id} of the JSON-RPC error answering this error.
     *
     * @param requestId the one request the exchange's body holds, as it was read; null when the body was not read,
     *                  or is a batch or no request
     */
    JsonNode answerId(JsonNode requestId);

    /**
     * An error about the message itself (not JSON, not a valid message, a batch where none is allowed, a declarative
     * document the Admin API cannot read): the errors answered with -32700 or -32600, and those alone. JSON-RPC 2.0
     * §5 keeps {@code null} for an id that could not be determined: what was read is not the message the client
     * meant (an id the strict reader refuses, a key the lenient one read twice), so the answer carries only an id
     * the error itself determined, never the one read.
     */
    sealed interface OfMessage extends GatewayError {

        @Override
        default JsonNode answerId(JsonNode requestId) {
            return id();
        }
    }

    /**
     * An error about a request read as the client meant it, or about the exchange around it (transport, policies,
     * upstream): the answer carries the error's own id, else the id of the request the body holds, so a client can
     * pair it with what it sent.
     */
    sealed interface OfExchange extends GatewayError {

        @Override
        default JsonNode answerId(JsonNode requestId) {
            return id() != null ? id() : requestId;
        }
    }

    /** The body is not JSON. */
    record MalformedJson(String detail) implements OfMessage {
    }

    /** The JSON is not a valid JSON-RPC message (or batch). */
    record InvalidMessage(JsonNode id, String detail) implements OfMessage {
    }

    /** A batch was sent under a protocol revision that does not allow batches. */
    record BatchNotAllowed(String protocolVersion) implements OfMessage {
    }

    /** The method is not one this endpoint offers. */
    record MethodNotFound(JsonNode id, String method) implements OfExchange {
    }

    /** The params of a request are malformed. */
    record InvalidParams(JsonNode id, String detail) implements OfExchange {
    }

    /** {@code tools/call} named a tool this endpoint does not have. */
    record UnknownTool(JsonNode id, String name) implements OfExchange {
    }

    /** A request other than {@code initialize} came without an {@code Mcp-Session-Id}. */
    record MissingSession() implements OfExchange {
    }

    /** The {@code Mcp-Session-Id} is unknown, expired or terminated: the client must initialize again. */
    record UnknownSession() implements OfExchange {
    }

    /**
     * A request names its session in the query ({@code parameter}: the HTTP+SSE transport of 2024-11-05) on a
     * route that binds sessions to their callers, which can bind only {@code Mcp-Session-Id}.
     */
    record SessionInQuery(String parameter) implements OfExchange {
    }

    /**
     * The stream of the HTTP+SSE transport of 2024-11-05 (a {@code GET} naming no session, whose first event names
     * the session in the endpoint's query) on a route that binds sessions to their callers: relayed, it would show
     * the caller the server's own id, in a session whose every message the binding then refuses.
     */
    record UnboundSseTransport() implements OfExchange {
    }

    /** The {@code MCP-Protocol-Version} header names a revision we do not speak. */
    record UnsupportedProtocolVersion(String version) implements OfExchange {
    }

    /** The {@code Accept} header does not admit what this request needs. */
    record NotAcceptable(String required) implements OfExchange {
    }

    /** The body is not {@code application/json}. */
    record UnsupportedMediaType(String contentType) implements OfExchange {
    }

    /** The body is compressed with a coding the gateway does not inflate. */
    record UnsupportedContentEncoding(String encoding) implements OfExchange {
    }

    /** The body is larger than the route allows. */
    record BodyTooLarge(long limitBytes) implements OfExchange {
    }

    /** The {@code Origin} header names a site that may not call this endpoint (DNS-rebinding protection). */
    record ForbiddenOrigin(String origin) implements OfExchange {
    }

    /** The HTTP method is not one this endpoint answers. */
    record MethodNotAllowed(String method, String allowed) implements OfExchange {
    }

    /**
     * A client address holds as many GET streams open on this instance as it may hold sessions: a
     * {@code client} session costs nothing to start, so without this one client could open streams without end.
     *
     * @param limit how many it may hold
     */
    record TooManyStreams(long limit) implements OfExchange {
    }

    /** No route matches the request. */
    record NoRoute(String method, String path) implements OfExchange {
    }

    /** A route matched, but nothing on it answers requests (no listener plugin). */
    record NotServed(String route) implements OfExchange {
    }

    /** The upstream could not be reached or broke the exchange. */
    record UpstreamUnavailable(String service, String detail) implements OfExchange {
    }

    /**
     * The upstream refused a request the gateway made of its own accord (the protocol-era probe) with 429: the client's
     * request was not sent, and may be again later.
     *
     * @param retryAfterSeconds the upstream's {@code Retry-After}, or null when it sent none (or none readable)
     */
    record UpstreamRateLimited(Long retryAfterSeconds) implements OfExchange {
    }

    /** The upstream did not answer in time; {@code detail} says which timeout. */
    record UpstreamTimeout(String service, String detail) implements OfExchange {
    }

    /** A new session would pass a cap on live sessions; the client may try again later. */
    record TooManySessions(String scope, long retryAfterSeconds) implements OfExchange {

        /** How long a refused client is asked to wait: existing sessions are untouched, and one ends. */
        public static final long RETRY_AFTER_SECONDS = 30;

        /** What a session store's failure to create a session tells the client. */
        public static GatewayError orUnavailable(Throwable failure) {
            return failure instanceof dev.toolgate.mcp.SessionLimits.Reached full
                    ? new TooManySessions(full.scope(), RETRY_AFTER_SECONDS)
                    : new SessionsUnavailable();
        }
    }

    /** A client ended as many sessions as it may in a window ({@code DELETE}); the session lives on. */
    record TooManyEndedSessions(long retryAfterSeconds) implements OfExchange {

        /** What a session store's failure to end a session tells the client. */
        public static GatewayError orUnavailable(Throwable failure) {
            return failure instanceof dev.toolgate.mcp.SessionLimits.TooManyEnded many
                    ? new TooManyEndedSessions(many.retryAfterSeconds())
                    : new SessionsUnavailable();
        }
    }

    /** The request line names an HTTP version the gateway does not speak (not 1.x). */
    record UnsupportedHttpVersion(String version) implements OfExchange {
    }

    /**
     * The request's {@code Transfer-Encoding} is not exactly {@code chunked}: a coding before it ({@code gzip,
     * chunked}) or instead of it, which the listener does not implement (RFC 9112 §6.1; nginx answers 501).
     */
    record UnsupportedTransferCoding(String codings) implements OfExchange {
    }

    /**
     * An HTTP/2 request's header list (names, values and 32 bytes each, as RFC 9113 §6.5.2 counts them) is over
     * the limit an HTTP/1.1 request head has.
     */
    record HeaderFieldsTooLarge(long limitBytes) implements OfExchange {
    }

    /** The request's Host header is missing (HTTP/1.1), repeated, or not one this listener answers for. */
    record BadHost(String detail) implements OfExchange {
    }

    /** The request path is not valid: not UTF-8, or an overlong encoding. */
    record InvalidPath(String detail) implements OfExchange {
    }

    /** A header name rendered from the client's request cannot be sent upstream: not a name, or one the gateway sets. */
    record InvalidHeader(String detail) implements OfExchange {
    }

    /** A client was too slow sending its request (head or body); the connection is closed. */
    record RequestTimeout(String what) implements OfExchange {
    }

    /** The listener has as many connections as it allows; the client may try again later. */
    record TooManyConnections(long limit) implements OfExchange {
    }

    /** The admin listener already streams the dashboard's events to as many pages as it allows. */
    record TooManyDashboards(int limit) implements OfExchange {
    }

    /** A bug or an unexpected failure; details are logged under {@code errorId}, never sent. */
    record Internal(String errorId) implements OfExchange {
    }

    /**
     * No credential, or one that identifies nobody: Kong's 401.
     *
     * @param message   what the authentication plugin says (Kong's words: "No API key found in request")
     * @param challenge the {@code WWW-Authenticate} value, or null for none
     */
    record Unauthenticated(String message, String challenge) implements OfExchange {
    }

    /**
     * The caller is known (or known to be anonymous) and may not use this route: Kong's 403.
     *
     * @param message   Kong's words, such as "You cannot consume this service"
     * @param challenge the {@code WWW-Authenticate} value, or null for none
     * @param id        the id of the request refused, when it was read (a client pairs answers by id); else null
     */
    record Forbidden(String message, String challenge, JsonNode id) implements OfExchange {

        /** A refusal decided before any request was read (an exchange, a stream), answered without an id. */
        public Forbidden(String message, String challenge) {
            this(message, challenge, null);
        }
    }

    /**
     * {@code tools/call} of a tool the caller's ACL does not allow (or that does not exist, on an
     * endpoint with ACLs: the two answer alike, so tool names cannot be probed). HTTP 403, as Kong
     * 3.14 and later answer, with the request's id.
     *
     * @param challenge the {@code WWW-Authenticate} value: RFC 6750's {@code insufficient_scope}, with the
     *                  scopes that would allow the tool when its ACL is on the token's scopes, and the
     *                  Protected Resource Metadata when ai-mcp-oauth2 admitted the caller; null for none
     */
    record ToolDenied(JsonNode id, String name, String challenge) implements OfExchange {

        /** A denial with Kong's plain challenge: no scope would help, and there is no metadata to name. */
        public ToolDenied(JsonNode id, String name) {
            this(id, name, ErrorCatalog.INSUFFICIENT_SCOPE);
        }
    }

    /**
     * The credentials are malformed (two {@code Authorization} headers...): 400, RFC 6750's
     * {@code invalid_request}.
     *
     * @param message   what is wrong
     * @param challenge the {@code WWW-Authenticate} value, or null for none
     */
    record InvalidCredentials(String message, String challenge) implements OfExchange {
    }

    /**
     * A token could not be checked: the authorization server (its keys, introspection or token exchange)
     * is unreachable or refuses the gateway, and nothing cached decides. 503; details are logged.
     */
    record AuthorizationUnavailable() implements OfExchange {
    }

    /**
     * A token could not be checked because the gateway's own calls to the authorization server are all
     * taken (the plugin's, or the client address's share of them), or its key id is unknown and the refetch
     * limit still holds the key set fetch that would decide: 503, the client may retry.
     *
     * @param retryAfterSeconds when to try again ({@code Retry-After}): at the latest when the refetch limit lets
     *                          the fetch through, else {@link #RETRY_AFTER_SECONDS}
     */
    record AuthorizationBusy(long retryAfterSeconds) implements OfExchange {

        public static final long RETRY_AFTER_SECONDS = 5;

        public AuthorizationBusy() {
            this(RETRY_AFTER_SECONDS);
        }
    }

    /**
     * Kong's {@code ip-restriction} refused the client's address.
     *
     * @param status  the status to answer with ({@code config.status}, 403 by default)
     * @param message what to say ({@code config.message}, Kong's words by default)
     */
    record AddressRefused(int status, String message) implements OfExchange {
    }

    /** Kong's {@code request-size-limiting}: the body is larger than {@code allowed_payload_size}. */
    record RequestTooLarge() implements OfExchange {
    }

    /** Kong's {@code request-size-limiting} with {@code require_content_length}: no valid Content-Length. */
    record LengthRequired() implements OfExchange {
    }

    /**
     * The route's {@code protocols} name https but not http, and the request came in plain HTTP (not
     * through a {@code --trusted-ips} proxy saying {@code X-Forwarded-Proto: https}): Kong's 426.
     */
    record HttpsRequired() implements OfExchange {
    }

    /** Admin API: nothing lives at this path. */
    record NotFound() implements OfExchange {
    }

    /** Admin API: the Host names neither an IP address, {@code localhost}, nor an {@code --admin-hostname}. */
    record MisdirectedHost(String host) implements OfExchange {
    }

    /**
     * Admin API: a browser made the request for a page of another site ({@code Sec-Fetch-Site}: {@code cross-site}
     * or {@code same-site}, which includes a loopback page on another port), one that sends no {@code Origin}
     * ({@code <img>}, a form posted by a browser that leaves it out).
     */
    record CrossSiteRequest(String site) implements OfExchange {
    }

    /** Admin API: a posted configuration has problems; the body lists them. */
    record InvalidConfiguration(int problems) implements OfExchange {
    }

    /** Admin API: a posted declarative document is larger than the gateway reads. */
    record ConfigTooLarge(long limitBytes) implements OfExchange {
    }

    /** Admin API: a {@code POST /config} while another is being read or applied (one at a time). */
    record ConfigLoadInProgress() implements OfExchange {
    }

    /**
     * Admin API: a {@code POST /config} once a graceful stop has begun: a configuration swapped in then
     * would provision log queues and Redis links on a process that is closing them.
     */
    record ConfigWhileStopping() implements OfExchange {
    }

    /** Admin API: as many entity listings as are rendered at once are being rendered already. */
    record ListingsInProgress() implements OfExchange {
    }

    /** Admin API: a posted body could not be read as a declarative document (form without the field...). */
    record UnreadableConfig(String detail) implements OfMessage {
    }

    /**
     * The session store (Redis) cannot be reached, so a new or unknown session cannot be decided on:
     * 503, try again. Sessions sealed in their ids go on without it.
     */
    record SessionsUnavailable() implements OfExchange {
    }

    /**
     * Kong's {@code rate-limiting} refused the request: a window is used up.
     *
     * @param status            the plugin's {@code error_code} (default 429)
     * @param message           the plugin's {@code error_message} (default "API rate limit exceeded")
     * @param retryAfterSeconds when to try again ({@code Retry-After}), or null when the plugin hides its headers
     */
    record RateLimited(int status, String message, Long retryAfterSeconds) implements OfExchange {
    }

    /**
     * The rate-limiting counters (Redis) cannot be reached and the plugin is not {@code fault_tolerant}:
     * Kong's 500 "An unexpected error occurred".
     */
    record LimitsUnavailable() implements OfExchange {
    }

    /**
     * A request of a passthrough batch that is not forwarded because a tool call in the same batch is
     * over its per-tool limit: a batch is decided whole before anything of it reaches the server.
     *
     * @param tool the limited call's tool
     */
    record WithheldByLimit(JsonNode id, String tool) implements OfExchange {
    }

    /**
     * A request of a passthrough batch that is not forwarded because the per-tool limit of a call in the
     * same batch could not be checked (its counters cannot be reached and it is not {@code fault_tolerant}).
     *
     * @param tool the unchecked call's tool
     */
    record WithheldLimitUnchecked(JsonNode id, String tool) implements OfExchange {
    }

    /**
     * A request of a passthrough batch that is not forwarded because a tool ACL answered a call in the
     * same batch as an unknown tool ({@code acl_denial: unknown_tool}).
     */
    record WithheldForUnknownTool(JsonNode id) implements OfExchange {
    }

    /**
     * A call in flight on a route that a configuration reload removed (or left without an MCP listener): it is
     * ended at once, since the client's answers to the server's requests could reach the route no more.
     */
    record RouteRemoved(String route) implements OfExchange {
    }

    /**
     * A passthrough route that a configuration reload pointed at another server (or made something other than a
     * passthrough route) while a request opening a session on it, or a legacy-bridged call, was in flight: the
     * session is the server's the route no longer relays to, so it is ended, and its client initializes again with
     * the one served now. The route was not removed: saying so ({@link RouteRemoved}) would send its client looking
     * for another.
     */
    record RouteRepointed(String route) implements OfExchange {
    }

    /** The gateway is stopping: it takes no new work here (readiness probes, new sessions). */
    record Stopping() implements OfExchange {
    }

    /**
     * A legacy-bridged call waiting for the client's answers to the server's requests when the gateway stops
     * gracefully: it is ended at once, since the answers could no longer reach a gateway refusing connections.
     */
    record StoppedAwaitingInput() implements OfExchange {
    }

    /**
     * 2026-07-28: a request without the per-request protocol fields ({@code params._meta} with a
     * protocol version and the client's capabilities): -32602 with HTTP 400.
     */
    record MissingRequestMeta(JsonNode id, String detail) implements OfExchange {
    }

    /**
     * 2026-07-28: a request header ({@code MCP-Protocol-Version}, {@code Mcp-Method}, {@code Mcp-Name},
     * {@code Mcp-Param-*}) is missing, malformed, or says something other than the body.
     */
    record HeaderMismatch(JsonNode id, String detail) implements OfExchange {
    }

    /** 2026-07-28: the request names a protocol revision this endpoint does not serve. */
    record UnsupportedRevision(JsonNode id, String requested) implements OfExchange {
    }

    /**
     * 2026-07-28: serving the request needs a client capability it did not declare.
     *
     * @param capability {@code sampling}, {@code elicitation} or {@code roots}
     */
    record MissingClientCapability(JsonNode id, String capability) implements OfExchange {
    }

    /**
     * 2026-07-28: the method is not one this endpoint offers (HTTP 404 with -32601, so a client can
     * tell it from a server that has no MCP endpoint there).
     */
    record UnknownMethod(JsonNode id, String method) implements OfExchange {
    }

    /**
     * 2026-07-28: a retry's {@code requestState} is not one this gateway issued for this caller and
     * request, has expired, or its round can no longer be continued.
     */
    record InvalidRequestState(JsonNode id, String detail) implements OfExchange {
    }
}
