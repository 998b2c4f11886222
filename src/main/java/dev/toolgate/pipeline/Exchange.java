package dev.toolgate.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.config.Route;
import dev.toolgate.error.GatewayError;
import dev.toolgate.error.GatewayException;
import dev.toolgate.http.BodyReader;
import dev.toolgate.http.ClientAddresses;
import dev.toolgate.http.ForwardedHeaders;
import dev.toolgate.http.Forwarding;
import dev.toolgate.http.HeaderText;
import dev.toolgate.http.OriginPolicy;
import dev.toolgate.http.RouteMatch;
import dev.toolgate.http.Router;
import dev.toolgate.mcp.Json;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One HTTP request on an MCP route, computed once and handed down: the route it matched, the
 * client's address and authority, the body (read once, within the route's limit), and the caller
 * once authentication has run. Policies also leave here what the gateway must do on the way out:
 * credentials consumed (never sent upstream), headers for the upstream, headers for the answer.
 *
 * <p>Confined to the event loop of its request, like the request itself: not thread-safe.
 */
public final class Exchange {

    private final HttpServerRequest request;
    private final RouteMatch match;
    private final ClientAddresses addresses;
    private final String peer;
    private final String clientAddress;
    private final String authority;
    private final long startedNanos = System.nanoTime();
    private final long bodyLimit;
    private long bodyCap = Long.MAX_VALUE;
    private GatewayError bodyCapError;
    private Future<Buffer> body;
    private Principal principal = Principal.NONE;
    private ScopeChallenge scopeChallenge = ScopeChallenge.PLAIN;
    private ConsumedCredentials credentials = new ConsumedCredentials();
    private MultiMap upstreamHeaders;
    private AnswerHead answerHead;
    private List<ObjectNode> audits;
    private boolean originAllowed;
    private Observation observation = Observation.OFF;
    private List<Runnable> whenEnded;
    private boolean endWatched;
    private String sessionId;
    private boolean sessionIdRead;
    private String protocolVersion;
    private boolean protocolVersionRead;
    /** What the message policies spent letting each request through, by its id (its tool's limit). */
    private Map<String, Decision.Spent> spends;
    /** What the schema patterns of this request's tool calls may still read, or null before the first. */
    private long[] patternBudget;
    private boolean toolCalls;
    /** The spend of an id two requests of one batch carry: nothing is given back for it. */
    private static final Decision.Spent AMBIGUOUS = Future::succeededFuture;

    /**
     * @param bodyLimit the largest body {@link #body()} reads (the route's {@code max_request_body_size})
     * @param addresses which peers' forwarding headers say who the client is
     */
    public Exchange(HttpServerRequest request, RouteMatch match, long bodyLimit, ClientAddresses addresses) {
        this.request = request;
        this.match = match;
        this.bodyLimit = bodyLimit;
        this.addresses = addresses;
        this.peer = request.remoteAddress() == null ? null : request.remoteAddress().hostAddress();
        // the header's lines are gathered only from a trusted proxy: any other peer's claim is ignored anyway
        boolean proxied = peer != null && addresses.isTrusted(peer);
        this.clientAddress = proxied
                ? addresses.resolve(peer, ForwardedHeaders.joined(request, addresses.header())) : peer;
        this.authority = ForwardedHeaders.authority(request);
    }

    public HttpServerRequest request() {
        return request;
    }

    public RouteMatch match() {
        return match;
    }

    public Route route() {
        return match.route();
    }

    /**
     * The same request as seen on another route, for a listener's tool call that Kong replays through
     * the route that owns the tool: same client, body and caller; the consumed credentials and upstream
     * headers carried over; answer headers (CORS, limits) stay with the original.
     */
    public Exchange replay(RouteMatch owner) {
        Exchange replay = new Exchange(request, owner, bodyLimit, addresses);
        replay.body = body();
        replay.principal = principal;
        // the client asks the serving route for more scopes, not the one that owns the tool
        replay.scopeChallenge = scopeChallenge;
        replay.credentials = credentials.copy();
        if (hasUpstreamHeaders()) {
            replay.upstreamHeaders().addAll(upstreamHeaders);
        }
        replay.originAllowed = originAllowed;
        replay.toolCalls = toolCalls;
        // detached: the owning route's answer headers (its limits) are not the client's answer
        replay.answerHead = AnswerHead.detached();
        // the call is still the serving route's message: its events go where the original's go
        replay.observation = observation;
        return replay;
    }

    /**
     * The client's address: the peer of the connection, or what a trusted proxy in front of the
     * gateway says it is ({@link ClientAddresses}).
     */
    public String clientAddress() {
        return clientAddress;
    }

    /**
     * The client's port, or 0 when unknown: a trusted proxy's client came through a connection the gateway did
     * not see, and the proxy's own port would be no port of the {@link #clientAddress}.
     */
    public int clientPort() {
        return peer == null || addresses.isTrusted(peer) || request.remoteAddress() == null ? 0
                : Math.max(request.remoteAddress().port(), 0);
    }

    /**
     * The upstream's {@code X-Forwarded-For}: the chain a trusted proxy sent with the peer appended,
     * or the peer alone (a client's own claim is never passed on as fact).
     */
    public String forwardedFor() {
        if (peer == null || !addresses.isTrusted(peer)) {
            return peer;
        }
        String claimed = ForwardedHeaders.joined(request, "x-forwarded-for");
        return claimed != null ? claimed + ", " + peer : peer;
    }

    /** True when the connection's peer is a trusted proxy, whose forwarding headers are believed. */
    public boolean fromTrustedProxy() {
        return addresses.isTrusted(peer);
    }

    /**
     * True when the request came over HTTPS: the listeners are plain HTTP, so when a {@code --trusted-ips}
     * proxy in front says {@code X-Forwarded-Proto: https} (as Kong reads it); from anyone else the header
     * is not believed.
     */
    public boolean overHttps() {
        if (request.isSSL()) {
            return true;
        }
        String proto = fromTrustedProxy() ? request.getHeader("x-forwarded-proto") : null;
        return proto != null && proto.split(",", 2)[0].trim().equalsIgnoreCase("https");
    }

    /**
     * What the upstream is told of this request ({@link Forwarding}): a trusted proxy's {@code X-Forwarded-Host},
     * {@code -Port}, {@code -Path} and {@code -Prefix} when it sent them, else the gateway's own (the Host, the
     * port the client connected to, the request path, the route's matched prefix unless it is {@code /});
     * {@code https} whenever {@link #overHttps()}. No path or prefix once the exchange {@link #sendsToolCalls()}.
     */
    public Forwarding forwarding() {
        boolean trusted = fromTrustedProxy();
        String host = trusted ? claimed("x-forwarded-host") : null;
        String port = trusted ? claimed("x-forwarded-port") : null;
        String path = trusted ? claimed("x-forwarded-path") : null;
        String prefix = trusted ? claimed("x-forwarded-prefix") : null;
        String matched = match == null ? null : match.matchedPrefix();
        Forwarding told = new Forwarding(forwardedFor(), clientAddress, overHttps() ? "https" : "http",
                host != null ? host : authority == null ? null : Router.stripPort(authority),
                port != null && port.matches("\\d{1,5}") ? port : Integer.toString(localPort()),
                path != null ? path : request.path(),
                prefix != null ? prefix : matched == null || matched.equals("/") ? null : matched);
        return toolCalls ? told.withoutPath() : told;
    }

    /**
     * Marks the exchange's upstream requests as tool calls: each goes to its tool's path, which the MCP endpoint's
     * path and prefix do not describe, so the upstream is told neither, and a template reading them finds none.
     */
    public void sendsToolCalls() {
        toolCalls = true;
    }

    /** A trusted proxy's forwarding header: its first line, trimmed; null when absent or empty. */
    private String claimed(String name) {
        String value = request.getHeader(name);
        return value == null || value.isBlank() ? null : value.trim();
    }

    /**
     * Work this request's schema patterns may still do together (character reads, paid by every tool call
     * it carries, a batch's too): {@code whole} on first use. One budget per HTTP request, so a batch holds
     * its event loop no longer than one call could.
     */
    public long[] patternBudget(long whole) {
        if (patternBudget == null) {
            patternBudget = new long[]{whole};
        }
        return patternBudget;
    }

    /** The authority the client addressed (Host, or :authority over HTTP/2); null when absent. */
    public String authority() {
        return authority;
    }

    /** The port the client connected to. */
    public int localPort() {
        return request.localAddress() == null ? 0 : request.localAddress().port();
    }

    /** When the exchange began, in {@link System#nanoTime()} terms. */
    public long startedNanos() {
        return startedNanos;
    }

    /** A request header, by name (case-insensitive). */
    public String header(String name) {
        return request.getHeader(name);
    }

    /**
     * A header as the upstream receives it, for the plugins that read what earlier ones set (Kong's
     * {@code set_header} is seen by a later {@code get_header}): the gateway's value where it sets one
     * (consumer and claim headers, forwarding), none where it decides there is none (a consumer header
     * without a consumer, a claim the token lacks) or where the client's is a credential it consumed;
     * else the client's. A client cannot pose as a consumer, or send its credential on, through them.
     */
    public String upstreamHeader(String name) {
        if (upstreamHeaders != null && upstreamHeaders.contains(name)) {
            return upstreamHeaders.get(name);
        }
        if (ForwardedHeaders.gatewaySet(name)) {
            // forwarding headers as the modes set them; an identity header the gateway did not set is none
            MultiMap told = MultiMap.caseInsensitiveMultiMap();
            ForwardedHeaders.addForwarding(told, forwarding());
            return told.get(name);
        }
        return credentials.headers().contains(name.toLowerCase(Locale.ROOT)) ? null : request.getHeader(name);
    }

    /** The {@code Mcp-Session-Id} the client sent, or null. */
    public String sessionId() {
        // read by the mode, the observation and the log event: the header lookup once
        if (!sessionIdRead) {
            sessionId = request.getHeader("mcp-session-id");
            sessionIdRead = true;
        }
        return sessionId;
    }

    /** The {@code MCP-Protocol-Version} the client sent, or null. */
    public String protocolVersion() {
        // read by the mode and again, after the upstream answered, by the observation: the lookup once
        if (!protocolVersionRead) {
            protocolVersion = request.getHeader("mcp-protocol-version");
            protocolVersionRead = true;
        }
        return protocolVersion;
    }

    /** The session the client named, or else the one the answer assigns (an {@code initialize}); null for none. */
    public String sessionIdOrAssigned() {
        String named = sessionId();
        return named != null ? named : request.response().headers().get("mcp-session-id");
    }

    /**
     * The request body, read once for everyone (policies that need it, then the mode), failed with
     * {@code BodyTooLarge} past the route's limit.
     */
    public Future<Buffer> body() {
        if (body == null) {
            body = bodyCap < bodyLimit ? BodyReader.read(request, bodyCap, bodyCapError)
                    : BodyReader.read(request, bodyLimit);
        }
        return body;
    }

    /**
     * A policy's own, lower bound on the body ({@code request-size-limiting}): past it, reading fails
     * with {@code tooLarge}. Set before the body is read, it stops the read at the bound; after a policy
     * ahead of it started the read (key-auth looking for a key in the body), it is checked on what was
     * read, which the route's own limit bounded meanwhile.
     */
    public void limitBody(long bytes, GatewayError tooLarge) {
        if (body != null) {
            body = body.compose(read -> read.length() > bytes
                    ? Future.failedFuture(new GatewayException(tooLarge)) : Future.succeededFuture(read));
            return;
        }
        if (bytes < bodyCap) {
            bodyCap = bytes;
            bodyCapError = tooLarge;
        }
    }

    public Principal principal() {
        return principal;
    }

    /**
     * Records the caller and sets Kong's consumer headers for the upstream ({@code X-Consumer-ID},
     * {@code X-Consumer-Custom-ID}, {@code X-Consumer-Username}, {@code X-Credential-Identifier},
     * {@code X-Anonymous-Consumer}), clearing those that do not apply and the groups an {@code acl} named for
     * an earlier caller.
     */
    public void authenticate(Principal caller) {
        this.principal = caller;
        MultiMap headers = upstreamHeaders();
        var consumer = caller.consumer();
        setOrRemove(headers, "X-Consumer-ID", consumer == null ? null : consumer.id());
        setOrRemove(headers, "X-Consumer-Custom-ID", consumer == null ? null : consumer.customId());
        setOrRemove(headers, "X-Consumer-Username", consumer == null ? null : consumer.username());
        setOrRemove(headers, "X-Credential-Identifier", caller.credential() == null ? null : caller.credential().id());
        setOrRemove(headers, "X-Anonymous-Consumer", caller.anonymous() ? "true" : null);
        // the groups an acl named were the previous caller's: a listener's call replayed on the route owning
        // the tool, authenticated there anew, must not carry the listener's caller's groups upstream
        headers.remove("X-Consumer-Groups");
        headers.remove("X-Authenticated-Groups");
    }

    /**
     * Forgets the caller before a route that authenticates judges a listener's replayed call again: its
     * consumer headers, and what the listener's authentication told the upstream of it (the values of its
     * claim headers, a token exchanged for the listener's upstream), which would describe another caller or
     * reach a service the token was not issued for. Those claim headers stay the gateway's to decide: a
     * client's own value still does not pass.
     */
    public void forgetCaller() {
        authenticate(Principal.NONE);
        MultiMap headers = upstreamHeaders();
        credentials.assertedHeaders().forEach(headers::remove);
        headers.remove("Authorization");
    }

    /**
     * The {@code WWW-Authenticate} value of a 403 for a tool call the caller's scopes do not allow.
     *
     * @param scope the scopes that would allow it, space-separated; null when no scope would
     */
    public String insufficientScope(String scope) {
        return scopeChallenge.insufficientScope(this, scope);
    }

    /** Set by the token policy that admitted the exchange when it has more to tell a client short of scopes. */
    public void challengeScopesWith(ScopeChallenge challenge) {
        this.scopeChallenge = challenge;
    }

    /**
     * What the message policies spent letting request {@code id} through (nothing too: a later request under the same
     * id must not take its place), for {@link #takeBack} should it be refused after all.
     */
    public void spent(JsonNode id, Decision.Spent spent) {
        if (id != null) {
            if (spends == null) {
                spends = new HashMap<>(2);
            }
            // two requests of one batch under one id: which one a refusal names is unknown, so neither is given back
            // (a refund of the other's spend would let it run uncounted)
            spends.merge(Json.idText(id), spent, (first, second) -> AMBIGUOUS);
        }
    }

    /**
     * Gives back what letting request {@code id} through spent: the route owning its tool refused it, so the call
     * was not made, and a refused call counts against no limit.
     */
    public Future<Void> takeBack(JsonNode id) {
        Decision.Spent spent = spends == null || id == null ? null : spends.remove(Json.idText(id));
        return spent == null ? Future.succeededFuture() : spent.takeBack();
    }

    /** What the authentication policies read of the caller's credentials (never sent upstream). */
    public ConsumedCredentials credentials() {
        return credentials;
    }

    /** Headers the gateway sets on every upstream request of this exchange (consumer headers, claims...). */
    public MultiMap upstreamHeaders() {
        if (upstreamHeaders == null) {
            upstreamHeaders = MultiMap.caseInsensitiveMultiMap();
        }
        return upstreamHeaders;
    }

    /** True when a policy set upstream headers. */
    public boolean hasUpstreamHeaders() {
        return upstreamHeaders != null && !upstreamHeaders.isEmpty();
    }

    /** What the policies do to the head of the answer the client gets (added headers, response-transformer). */
    public AnswerHead answerHead() {
        if (answerHead == null) {
            answerHead = new AnswerHead(request.response());
        }
        return answerHead;
    }

    /** The answer's added headers ({@link AnswerHead#headers()}), or null when no policy added any. */
    public MultiMap addedAnswerHeaders() {
        return answerHead == null ? null : answerHead.headers();
    }

    /** A CORS policy allowed this request's {@code Origin}: the endpoint's DNS-rebinding check accepts it too. */
    public void allowOrigin() {
        originAllowed = true;
    }

    /**
     * DNS-rebinding protection (the transport's MUST): refuses a request whose {@code Origin} neither
     * the endpoint's {@code origins} nor a CORS policy allowed.
     *
     * @throws GatewayException with {@code ForbiddenOrigin}
     */
    public void requireOrigin(OriginPolicy origins) {
        String origin = request.getHeader("origin");
        if (!originAllowed && !origins.allows(origin)) {
            throw new GatewayException(new GatewayError.ForbiddenOrigin(origin));
        }
    }

    /** True when a CORS policy allowed this request's {@code Origin}. */
    public boolean originAllowed() {
        return originAllowed;
    }

    /**
     * Starts observing the exchange: its messages and its end are reported to the route's sinks
     * (the route's log plugins chosen for the caller in {@code chain}, and {@code route}'s own).
     */
    void observe(ObservedRoute route, PolicyChain chain) {
        observation = new Observation(this, route, chain);
        watchEnd();
    }

    /** Runs {@code done} once the answer is complete or the client went away: what the exchange held is let go. */
    public void whenEnded(Runnable done) {
        if (whenEnded == null) {
            whenEnded = new ArrayList<>(1);
        }
        whenEnded.add(done);
        watchEnd();
    }

    private void watchEnd() {
        if (endWatched) {
            return;
        }
        endWatched = true;
        HttpServerResponse response = request.response();
        response.bodyEndHandler(v -> ended());
        // a client that goes away before the end: the exchange is still reported, as Kong logs it
        response.exceptionHandler(t -> ended());
    }

    private void ended() {
        observation.end();
        List<Runnable> done = whenEnded;
        whenEnded = null;
        if (done != null) {
            done.forEach(Runnable::run);
        }
    }

    /** Where the mode reports the exchange's messages ({@code on()} is false when nothing observes). */
    public Observation observation() {
        return observation;
    }

    /** Notes one ACL evaluation in Kong's {@code ai.mcp.audit[]} shape, for the exchange's log. */
    public void audit(ObjectNode entry) {
        if (audits == null) {
            audits = new ArrayList<>(2);
        }
        audits.add(entry);
    }

    /** The ACL evaluations of this exchange, in order. */
    public List<ObjectNode> audits() {
        return audits == null ? List.of() : audits;
    }

    private static void setOrRemove(MultiMap headers, String name, String value) {
        if (value == null) {
            headers.remove(name);
        } else {
            headers.set(name, HeaderText.of(value));
        }
    }
}
