package dev.toolgate.policy.oauth2;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.error.GatewayError;
import dev.toolgate.http.Published;
import dev.toolgate.http.UpstreamQuery;
import dev.toolgate.pipeline.Decision;
import dev.toolgate.pipeline.Exchange;
import dev.toolgate.pipeline.ExchangePolicy;
import dev.toolgate.pipeline.NamedCredentials;
import dev.toolgate.pipeline.Principal;
import dev.toolgate.pipeline.ScopeChallenge;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Kong's {@code ai-mcp-oauth2}: every request on the route must carry an access token in
 * {@code Authorization: Bearer} that the authorization server issued for this resource. Without one,
 * 401 with a challenge naming the Protected Resource Metadata, which this policy publishes. A valid
 * token becomes the caller; its claims go upstream as configured; the token itself does not (unless
 * {@code passthrough_credentials}), and with {@code token_exchange} the upstream gets a token minted
 * for it instead. A listener's tool call replayed on the owning route is judged here anew, by the
 * client's own token.
 */
final class OAuth2 implements ExchangePolicy, NamedCredentials, Published.Source {

    /** Kong's words for every 401 of this plugin. */
    static final String INVALID = "Invalid or inactive token";

    /** Checks one token, brought by a client at {@code client} (its address: a share of the calls it may start). */
    interface Validator {
        Future<Verdict> check(String token, String client);
    }

    private final OAuth2Config config;
    private final ResourceMetadata metadata;
    private final Validator validator;
    private final Callers callers;
    private final TokenExchanger exchanger;
    /** Each authorization server's outage lines, and the busy ones (the gateway's own limit refused those). */
    private final OutageWarnings outage;

    OAuth2(OAuth2Config config, ResourceMetadata metadata, Validator validator, Callers callers, TokenExchanger exchanger,
           OutageWarnings outage) {
        this.config = config;
        this.metadata = metadata;
        this.validator = validator;
        this.callers = callers;
        this.exchanger = exchanger;
        this.outage = outage;
    }

    @Override
    public Map<String, Published> published() {
        return metadata.publications(config);
    }

    @Override
    public Future<Decision> admit(Exchange exchange) {
        HttpServerRequest request = exchange.request();
        consumeToken(exchange);
        List<String> values = request.headers().getAll("authorization");
        if (values.size() > 1) {
            return Decision.reject(new GatewayError.InvalidCredentials("Bad Request: send one Authorization header",
                    metadata.invalid(exchange, "invalid_request", "more than one Authorization header")));
        }
        String token = values.isEmpty() ? null : bearer(values.getFirst());
        if (token == null) {
            return Decision.reject(new GatewayError.Unauthenticated(INVALID, metadata.missing(exchange)));
        }
        // while the authorization server is asked, the chain reads the body (PolicyChain)
        return validator.check(token, exchange.clientAddress()).compose(verdict -> decide(exchange, token, verdict));
    }

    /** Never: it has no {@code anonymous} nor {@code run_on_preflight}, and reads every request it runs for. */
    @Override
    public boolean skips(Exchange exchange, Principal before) {
        return false;
    }

    /**
     * For a request let pass without this policy reading it (none today: it has no {@code anonymous} nor
     * {@code run_on_preflight}, and a listener's replayed call is judged anew): the client's token goes
     * nowhere upstream, nor an actor token it sent, nor headers named like this policy's claim headers.
     */
    @Override
    public Future<Void> withhold(Exchange exchange) {
        consumeToken(exchange);
        // nor a header of its claim_to_header: this route's upstream would take the client's for the gateway's word
        config.claimHeaders().forEach(h -> exchange.credentials().assertHeader(h.header()));
        if (config.exchange().enabled() && config.exchange().actorTokenSource().equals("header")) {
            exchange.credentials().consumeHeader(config.exchange().actorTokenHeader());
        }
        return Future.succeededFuture();
    }

    /**
     * {@code Authorization}, the {@code access_token} query argument and token exchange's
     * {@code actor_token_header}: masked in logs like every credential, whatever their names sound like.
     */
    @Override
    public List<String> credentialNames() {
        ExchangeConfig exchangeConfig = config.exchange();
        return exchangeConfig.enabled() && exchangeConfig.actorTokenSource().equals("header")
                ? List.of("authorization", "access_token", exchangeConfig.actorTokenHeader())
                : List.of("authorization", "access_token");
    }

    /** Marks the client's token as not to be forwarded, unless {@code passthrough_credentials} sends it on. */
    private void consumeToken(Exchange exchange) {
        // MCP forbids tokens in the query string: never read, never forwarded, however its name is encoded
        String query = exchange.request().query();
        // split and decoded only when the name may be there (spelled out, or with an escape in it)
        if (query != null && (query.contains("access_token") || query.indexOf('%') >= 0)
                && !UpstreamQuery.values(query, "access_token").isEmpty()) {
            exchange.credentials().consumeQuery("access_token");
        }
        if (!config.passthroughCredentials() || config.exchange().enabled()) {
            exchange.credentials().consumeHeader("authorization");
        }
    }

    private Future<Decision> decide(Exchange exchange, String token, Verdict verdict) {
        return switch (verdict) {
            case Verdict.Invalid invalid -> Decision.reject(new GatewayError.Unauthenticated(INVALID,
                    metadata.invalid(exchange, "invalid_token", invalid.reason())));
            case Verdict.Unavailable unavailable -> {
                outage.refused(unavailable.server(), "a token could not be checked", unavailable.detail());
                yield Decision.reject(new GatewayError.AuthorizationUnavailable());
            }
            case Verdict.Busy taken -> {
                // the detail says which bound held it: the calls in flight, or the key set's refetch limit
                outage.busy("a token could not be checked yet, the client is told when to retry", taken.detail());
                yield Decision.reject(new GatewayError.AuthorizationBusy(taken.retryAfterSeconds()));
            }
            case Verdict.Valid valid -> admitCaller(exchange, token, valid);
        };
    }

    private Future<Decision> admitCaller(Exchange exchange, String token, Verdict.Valid valid) {
        Callers.Mapped mapped = callers.map(valid.claims());
        if (mapped.refusal() != null) {
            return Decision.reject(new GatewayError.Forbidden(mapped.refusal(), null));
        }
        exchange.authenticate(mapped.caller());
        exchange.credentials().presentedToken("authorization", token);
        // a tool call this token's scopes do not allow is refused with a challenge naming the metadata (MCP)
        exchange.challengeScopesWith(metadata);
        config.claimHeaders().forEach(h -> h.apply(valid.claims(), exchange));
        if (exchanger == null) {
            return Decision.PROCEED;
        }
        return exchanger.exchange(token, actorToken(exchange)).map(outcome -> switch (outcome) {
            case TokenExchanger.Outcome.Exchanged exchanged -> {
                exchange.upstreamHeaders().set("Authorization", "Bearer " + exchanged.token());
                JsonNode claims = exchangedClaims(valid.claims(), exchanged);
                if (claims != null) {
                    Principal caller = mapped.caller();
                    exchange.authenticate(new Principal(caller.consumer(), caller.consumerGroups(), caller.credential(),
                            claims, caller.authenticatedGroups(), caller.anonymous()));
                    // a scope the client's own token holds was dropped by the exchange: asking for it again cannot help
                    exchange.challengeScopesWith((refused, scope) -> scope != null && holdsAny(valid.claims(), scope)
                            ? null : metadata.insufficientScope(refused, scope));
                }
                yield Decision.CONTINUE;
            }
            case TokenExchanger.Outcome.Refused refused -> new Decision.Reject(new GatewayError.Forbidden(
                    "Forbidden: the authorization server refused to exchange the token for the upstream ("
                            + refused.error() + ")", null));
            case TokenExchanger.Outcome.Unreachable unreachable -> {
                outage.refused(config.exchange().tokenEndpoint(), "a token could not be exchanged",
                        unreachable.detail());
                yield new Decision.Reject(new GatewayError.AuthorizationUnavailable());
            }
            case TokenExchanger.Outcome.Busy taken -> {
                outage.busy("a token could not be exchanged: the gateway's exchanges with the authorization server"
                        + " are all taken", taken.detail());
                yield new Decision.Reject(new GatewayError.AuthorizationBusy());
            }
        });
    }

    /**
     * The claims tool ACLs judge after an exchange (Kong 3.14.0.3): the exchanged JWT's, else the client's with
     * the scope the token endpoint named; null when the exchange says nothing of them.
     */
    private static JsonNode exchangedClaims(JsonNode client, TokenExchanger.Outcome.Exchanged exchanged) {
        if (exchanged.claims() != null) {
            return exchanged.claims();
        }
        if (exchanged.scope() == null || !(client instanceof ObjectNode object)) {
            return null;
        }
        return object.deepCopy().put("scope", exchanged.scope());
    }

    /** Whether the token's {@code scope} or {@code scp} claim holds one of {@code scopes} (space-separated). */
    private static boolean holdsAny(JsonNode claims, String scopes) {
        java.util.Set<String> held = new java.util.HashSet<>(ScopeChallenge.scopesOf(claims.get("scope")));
        held.addAll(ScopeChallenge.scopesOf(claims.get("scp")));
        for (String wanted : scopes.split(" ")) {
            if (held.contains(wanted)) {
                return true;
            }
        }
        return false;
    }

    private String actorToken(Exchange exchange) {
        ExchangeConfig exchangeConfig = config.exchange();
        return switch (exchangeConfig.actorTokenSource()) {
            case "header" -> {
                exchange.credentials().consumeHeader(exchangeConfig.actorTokenHeader());
                String value = exchange.header(exchangeConfig.actorTokenHeader());
                yield value == null ? null : value.regionMatches(true, 0, "Bearer ", 0, 7) ? value.substring(7).trim() : value;
            }
            case "config" -> exchangeConfig.actorToken();
            default -> null;
        };
    }

    /** The token of {@code Bearer <token>} (scheme case-insensitive), or null for another scheme or none. */
    static String bearer(String header) {
        String value = header.trim();
        if (value.length() < 8 || !value.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
            return null;
        }
        String token = value.substring(7).trim();
        return token.isEmpty() || token.contains(" ") ? null : token;
    }
}
