package dev.toolgate.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.config.Route;
import dev.toolgate.error.GatewayError;
import dev.toolgate.error.GatewayException;
import dev.toolgate.http.BodyReader;
import dev.toolgate.http.ClientAddresses;
import dev.toolgate.http.ErrorResponses;
import dev.toolgate.http.ForwardedHeaders;
import dev.toolgate.http.Forwarding;
import dev.toolgate.http.OriginPolicy;
import dev.toolgate.http.RouteMatch;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
    private final ClientConnection client;
    private final long startedNanos = System.nanoTime();
    private final long bodyLimit;
    private long bodyCap = Long.MAX_VALUE;
    private GatewayError bodyCapError;
    private Future<Buffer> body;
    private Principal principal = Principal.NONE;
    private ScopeChallenge scopeChallenge = ScopeChallenge.PLAIN;
    private ConsumedCredentials credentials = new ConsumedCredentials();
    /** Made when a policy first sets an upstream header: most exchanges of an open route have none. */
    private UpstreamHeaders upstreamHeaders;
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
    /** Made when a policy first spends for a request. */
    private Spends spends;
    /** What the schema patterns of this request's tool calls may still read, or null before the first. */
    private long[] patternBudget;
    private boolean toolCalls;
    private JsonNode requestId;
    /** Shared with the request's replays: the same request's head. */
    private RequestMemo memo = new RequestMemo();

    /**
     * @param bodyLimit the largest body {@link #body()} reads (the route's {@code max_request_body_size})
     * @param addresses which peers' forwarding headers say who the client is
     */
    public Exchange(HttpServerRequest request, RouteMatch match, long bodyLimit, ClientAddresses addresses) {
        this.request = request;
        this.match = match;
        this.bodyLimit = bodyLimit;
        this.addresses = addresses;
        this.client = new ClientConnection(request, addresses);
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
        replay.upstreamHeaders = upstreamHeaders == null ? null : upstreamHeaders.copy();
        replay.originAllowed = originAllowed;
        replay.toolCalls = toolCalls;
        replay.requestId = requestId;
        replay.memo = memo;
        // detached: the owning route's answer headers (its limits) are not the client's answer
        replay.answerHead = AnswerHead.detached();
        // the call is still the serving route's message: its events go where the original's go
        replay.observation = observation;
        return replay;
    }

    /** The client's address ({@link ClientConnection#clientAddress}). */
    public String clientAddress() {
        return client.clientAddress();
    }

    /**
     * Whom the per-client caps (sessions, streams) count: the {@link #clientAddress}, or its /64 when it is
     * IPv6 ({@link ClientAddresses#network}), since one client holds a /64 whole and could open a cap's worth
     * from each of its addresses; null when the address is unknown.
     */
    public String clientNetwork() {
        String address = client.clientAddress();
        return address == null ? null : ClientAddresses.network(address);
    }

    /** The client's port, or 0 when unknown ({@link ClientConnection#clientPort}). */
    public int clientPort() {
        return client.clientPort();
    }

    /** The upstream's {@code X-Forwarded-For} ({@link ClientConnection#forwardedFor}). */
    public String forwardedFor() {
        return client.forwardedFor();
    }

    /** True when the connection's peer is a trusted proxy, whose forwarding headers are believed. */
    public boolean fromTrustedProxy() {
        return client.fromTrustedProxy();
    }

    /** True when the request came over HTTPS ({@link ClientConnection#overHttps}). */
    public boolean overHttps() {
        return client.overHttps();
    }

    /**
     * What the upstream is told of this request ({@link ClientConnection#forwarding}); no path or prefix once the
     * exchange {@link #sendsToolCalls()}.
     */
    public Forwarding forwarding() {
        Forwarding told = client.forwarding(match == null ? null : match.matchedPrefix());
        return toolCalls ? told.withoutPath() : told;
    }

    /**
     * Marks the exchange's upstream requests as tool calls: each goes to its tool's path, which the MCP endpoint's
     * path and prefix do not describe, so the upstream is told neither, and a template reading them finds none.
     */
    public void sendsToolCalls() {
        toolCalls = true;
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
        return client.authority();
    }

    /** The port the client connected to. */
    public int localPort() {
        return client.localPort();
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
        if (hasUpstreamHeaders() && upstreamHeaders.headers().contains(name)) {
            return upstreamHeaders.headers().get(name);
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

    /**
     * Notes that the body, as the mode read it, is one request with {@code id} (a string or an integer, as sent):
     * the gateway's own error answers to the exchange carry it from then on ({@link #refuse}). Not noted for a
     * batch, a notification, a response or a body that could not be read, whose errors carry none.
     */
    public void holdsRequest(JsonNode id) {
        requestId = id;
    }

    /** The id of the one request the body holds ({@link #holdsRequest}), or null. */
    public JsonNode requestId() {
        return requestId;
    }

    /**
     * Answers the exchange with {@code error}, as the catalog says, carrying the id of the request the body holds
     * when it was read ({@link GatewayError#answerId}); resets an answer already under way.
     */
    public void refuse(GatewayError error) {
        ErrorResponses.mcp(request.response(), error, requestId);
    }

    public Principal principal() {
        return principal;
    }

    /** What policies worked out from this HTTP request once, for the rest of it ({@link RequestMemo}). */
    public RequestMemo memo() {
        return memo;
    }

    /**
     * Records the caller and sets Kong's consumer headers for the upstream ({@code X-Consumer-ID},
     * {@code X-Consumer-Custom-ID}, {@code X-Consumer-Username}, {@code X-Credential-Identifier},
     * {@code X-Anonymous-Consumer}), clearing those that do not apply and the groups an {@code acl} named for
     * an earlier caller.
     */
    public void authenticate(Principal caller) {
        this.principal = caller;
        upstreamHeadersHeld().authenticated(caller);
    }

    /**
     * Forgets the caller before a route that authenticates judges a listener's replayed call again: the caller,
     * and every header the listener's policies set for the upstream (consumer and claim headers, a token exchanged
     * for the listener's upstream, whatever another plugin set), which would describe another caller or reach a
     * service a token was not issued for. The client's own headers passed on less a consumed credential stay. Claim
     * headers stay the gateway's to decide ({@link ConsumedCredentials#assertedHeaders}): a client's own value
     * still does not pass.
     */
    public void forgetCaller() {
        principal = Principal.NONE;
        if (upstreamHeaders != null) {
            upstreamHeaders.forgetCaller();
        }
    }

    /**
     * The client's header {@code name} goes upstream as {@code rest}: what is left of it once the credential a
     * policy consumed from it is taken out (the other cookies beside a token). Unlike what a policy sets with
     * {@link #upstreamHeaders()}, it is kept when a replay forgets the caller.
     */
    public void passOnLessCredential(String name, String rest) {
        upstreamHeadersHeld().passOnLessCredential(name, rest);
    }

    /**
     * Takes the cookies {@code withheld} (a credential a policy reads) out of the client's {@code Cookie} as it goes
     * upstream now: what earlier policies left of it, never the client's original, so a cookie one policy took
     * out (the listener's token) is not put back by another that reads a cookie of its own (the owning route's).
     * The client's own header, passed on less a credential ({@link #passOnLessCredential}); nothing changes when
     * none of those cookies is there. They are noted too, so that no tool argument sends one
     * ({@link ConsumedCredentials#withheldCookies}).
     */
    public void withholdCookies(WithheldCookies withheld) {
        credentials.withholdCookies(withheld);
        String rest = withheld.less(cookiesPassedOn());
        if (rest != null) {
            credentials.consumeHeader("cookie");
            upstreamHeadersHeld().passOnLessCredential("Cookie", rest);
        }
    }

    /** The client's {@code Cookie} headers as they go upstream now: as a policy passed them on, else the client's. */
    private List<String> cookiesPassedOn() {
        if (hasUpstreamHeaders() && upstreamHeaders.headers().contains("cookie")) {
            return upstreamHeaders.headers().getAll("cookie");
        }
        return credentials.headers().contains("cookie") ? List.of() : request.headers().getAll("cookie");
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
        if (id == null) {
            return;
        }
        if (spends == null) {
            spends = new Spends();
        }
        spends.spent(id, spent);
    }

    /**
     * Gives back what letting request {@code id} through spent: the route owning its tool refused it, so the call
     * was not made, and a refused call counts against no limit.
     */
    public Future<Void> takeBack(JsonNode id) {
        return spends == null ? Future.succeededFuture() : spends.takeBack(id);
    }

    /** What the authentication policies read of the caller's credentials (never sent upstream). */
    public ConsumedCredentials credentials() {
        return credentials;
    }

    /**
     * Headers the policies set on every upstream request of this exchange (consumer headers, claims...): all
     * forgotten with the caller ({@link #forgetCaller}).
     */
    public MultiMap upstreamHeaders() {
        return upstreamHeadersHeld().headers();
    }

    /**
     * Lower-case names of the headers among {@link #upstreamHeaders()} that are the client's own, passed on less a
     * credential ({@link #passOnLessCredential}): a tool that forwards no client header sends none of them.
     */
    public Set<String> clientsOwnUpstream() {
        return upstreamHeaders == null ? Set.of() : upstreamHeaders.clientsOwn();
    }

    private UpstreamHeaders upstreamHeadersHeld() {
        if (upstreamHeaders == null) {
            upstreamHeaders = new UpstreamHeaders();
        }
        return upstreamHeaders;
    }

    /** True when a policy set upstream headers. */
    public boolean hasUpstreamHeaders() {
        return upstreamHeaders != null && upstreamHeaders.any();
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
}
