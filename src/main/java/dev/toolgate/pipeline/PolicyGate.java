package dev.toolgate.pipeline;

import dev.toolgate.error.GatewayError;
import dev.toolgate.error.GatewayException;
import dev.toolgate.http.ClientAddresses;
import dev.toolgate.http.ConnectionHeaders;
import dev.toolgate.http.RouteHandler;
import dev.toolgate.http.RouteMatch;
import dev.toolgate.http.Router;
import io.vertx.core.Future;
import io.vertx.core.VertxException;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.UUID;

/**
 * Where every request on an MCP route enters: the exchange is computed once, the route's
 * exchange-level policies decide, and the mode answers. It is also the error net: whatever fails on
 * the way, synchronously or in a callback, the client gets an answer (a catalog error, or an internal
 * error with an error id whose details and stack go to the log once).
 */
public final class PolicyGate implements RouteHandler {

    private static final Logger LOG = LoggerFactory.getLogger(PolicyGate.class);

    private final PolicyChain chain;
    private final McpEndpoint endpoint;
    private final ClientAddresses addresses;
    private final ObservedRoute observed;

    /** @param addresses which peers' forwarding headers say who the client is */
    public PolicyGate(PolicyChain chain, McpEndpoint endpoint, ClientAddresses addresses) {
        this(chain, endpoint, addresses, null);
    }

    /** @param observed what the route's exchanges report to, or null when nothing observes them */
    public PolicyGate(PolicyChain chain, McpEndpoint endpoint, ClientAddresses addresses, ObservedRoute observed) {
        this.chain = chain;
        this.endpoint = endpoint;
        this.addresses = addresses;
        this.observed = observed;
    }

    public McpEndpoint endpoint() {
        return endpoint;
    }

    public PolicyChain chain() {
        return chain;
    }

    @Override
    public void handle(HttpServerRequest request, RouteMatch match) {
        Exchange exchange = new Exchange(request, match, endpoint.bodyLimit(), addresses);
        if (observed != null) {
            exchange.observe(observed, chain);
        }
        if (chain.transformsAnswers()) {
            // read as the head is written: the caller is known by then (an anonymous refusal gets the rules for all)
            exchange.answerHead().rewrite(headers -> {
                var rewrite = AnswerHeaders.of(exchange, chain.upstream(exchange), request.response().getStatusCode());
                if (rewrite != null) {
                    rewrite.accept(headers);
                    ConnectionHeaders.leaveOutOverHttp2(request.response());
                }
            });
        }
        Future<Void> done;
        try {
            done = endpoint.exactPath() && !atEndpoint(request, match)
                    ? answer(exchange, new Decision.Reject(new GatewayError.NotFound()))
                    : needsHttps(exchange, match)
                    ? answer(exchange, HttpsRedirect.of(match.route(), exchange))
                    : chain.admit(exchange).compose(decision -> answer(exchange, decision));
        } catch (RuntimeException | StackOverflowError | LinkageError e) {
            // errors a request can survive are answered too (Vert.x's callbacks turn them into failed futures likewise)
            done = Future.failedFuture(e);
        }
        done.onFailure(failure -> fail(exchange, failure));
    }

    /** Kong's route {@code protocols}: a route without http serves HTTPS requests only (426, or a redirect). */
    private static boolean needsHttps(Exchange exchange, RouteMatch match) {
        return match.route() != null && match.route().httpsOnly() && !exchange.overHttps();
    }

    private Future<Void> answer(Exchange exchange, Decision decision) {
        return switch (decision) {
            case Decision.Continue c -> endpoint.handle(exchange);
            case Decision.Reject reject -> {
                exchange.refuse(reject.error());
                yield Future.succeededFuture();
            }
            case Decision.ToolResult misplaced ->
                    throw new IllegalStateException("an exchange policy answered with a tool result");
            case Decision.Respond respond -> {
                HttpServerResponse response = exchange.request().response();
                response.setStatusCode(respond.status());
                respond.headers().forEach(response::putHeader);
                yield response.end();
            }
        };
    }

    /** The error net: a refusal thrown as an exception is still the catalog's; anything else is internal. */
    static void fail(Exchange exchange, Throwable failure) {
        HttpServerRequest request = exchange.request();
        HttpServerResponse response = request.response();
        if (failure instanceof GatewayException refused) {
            exchange.refuse(refused.error());
            return;
        }
        if ((response.closed() || response.ended()) && wentAway(failure)) {
            // the answer was given (its write failed) or the client is gone: nobody to answer, and nothing the
            // gateway did wrong; a client that hangs up while answered is routine (wrk at the end of a run, a
            // user closing an agent), not an error with a stack per request
            LOG.debug("{} {}: the client closed the connection before its answer was written", request.method(),
                    request.path());
            return;
        }
        String errorId = UUID.randomUUID().toString();
        LOG.error("{} {} failed (error id {})", request.method(), request.path(), errorId, failure);
        exchange.refuse(new GatewayError.Internal(errorId));
    }

    /**
     * A failure of the connection itself, not of the gateway's own work: a write to a reset connection, or
     * Vert.x's refusal to write to a closed one (a plain {@code VertxException}, "Connection was closed").
     */
    private static boolean wentAway(Throwable failure) {
        // a few causes deep: a chain can loop
        Throwable t = failure;
        for (int depth = 0; t != null && depth < 8; depth++, t = t.getCause()) {
            if (t instanceof IOException || t instanceof VertxException) {
                return true;
            }
        }
        return false;
    }

    /** The endpoint is the route's plain path itself; {@code /mcp/x} below {@code /mcp} is not. */
    private static boolean atEndpoint(HttpServerRequest request, RouteMatch match) {
        String prefix = match.matchedPrefix();
        if (prefix == null || match.route().paths().stream().anyMatch(p -> p.startsWith("~"))) {
            return true;
        }
        String path = Router.normalize(request.path());
        String rest = path.substring(Math.min(prefix.length(), path.length()));
        return rest.isEmpty() || rest.equals("/");
    }
}
