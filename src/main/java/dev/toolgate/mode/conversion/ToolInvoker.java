package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.http.AnswerBudget;
import dev.toolgate.http.UpstreamClient;
import dev.toolgate.http.UpstreamException;
import dev.toolgate.error.ErrorCatalog;
import dev.toolgate.error.GatewayError;
import dev.toolgate.error.GatewayException;
import dev.toolgate.http.RouteMatch;
import dev.toolgate.pipeline.Decision;
import dev.toolgate.pipeline.Exchange;
import dev.toolgate.pipeline.PolicyChain;
import dev.toolgate.observe.McpEvent;
import dev.toolgate.pipeline.RpcRecord;
import dev.toolgate.pipeline.WithheldCookies;
import dev.toolgate.http.UpstreamRequest;
import dev.toolgate.http.UpstreamResponse;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

import java.util.Set;

/**
 * Runs one {@code tools/call}: validate the arguments against the compiled input schema, encode the
 * upstream request, send it, map the answer. Every failure of the call is a tool result with
 * {@code isError: true}; the future itself never fails.
 */
public final class ToolInvoker {

    /** The largest upstream answer a tool call reads. */
    public static final int MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

    private final UpstreamClient client;
    private final OwningRoutes owners;
    /** Lower-case header names no call sends upstream from the client ({@link OwningRoutes#credentialNames}). */
    private final Set<String> withheld;
    /** Cookies no call sends upstream, from the client or an argument ({@link OwningRoutes#credentialCookies}). */
    private final WithheldCookies withheldCookies;

    /**
     * @param owners          the routes that own the served tools, whose policies a call is replayed through
     * @param withheld        the names any of the serving route's or the owning routes' policies read a credential from
     * @param withheldCookies those of them that name a cookie, lower-case
     */
    public ToolInvoker(UpstreamClient client, OwningRoutes owners, Set<String> withheld, Set<String> withheldCookies) {
        this.client = client;
        this.owners = owners;
        this.withheld = Set.copyOf(withheld);
        this.withheldCookies = WithheldCookies.of(withheldCookies);
    }

    /**
     * @param arguments the call's {@code arguments} (an object, or null for none)
     * @param exchange  the MCP request the call came in
     * @param record    the call's record, which its upstream request is noted in
     * @param id        the call's JSON-RPC id
     * @param cancelled completes when the client cancels or goes away
     * @param share     the call's part of the answer bytes it shares with other calls (a batch's), or null
     */
    Future<ObjectNode> call(Tool tool, ObjectNode arguments, Exchange exchange, RpcRecord record, JsonNode id,
                            Future<?> cancelled, AnswerBudget.Share share) {
        if (owners.refusesPlainHttp(tool, exchange)) {
            record.toolResult(true);
            return refusedByRoute(exchange, id, new Decision.Reject(new GatewayError.HttpsRequired()));
        }
        // its forwarding headers (and the templates reading them) say nothing of the MCP endpoint's path
        exchange.sendsToolCalls();
        // taken from the request the call came in: a batch's calls share it
        long[] patterns = exchange.patternBudget(BoundedPatterns.STEPS);
        long requestBytes = requestBytes(exchange);
        PolicyChain replay = owners.replayChain(tool);
        Exchange onRoute = replay == null ? exchange : exchange.replay(new RouteMatch(owners.route(tool), null));
        // whichever route owns the tool: a key another owning route reads is that route's, not this upstream's
        withheld.forEach(onRoute.credentials()::consumeHeader);
        // and a token cookie: out of the Cookie sent on, and so out of what fills the tool's cookie parameters,
        // and out of what the arguments send
        if (!withheldCookies.isEmpty()) {
            onRoute.withholdCookies(withheldCookies);
        }
        return owners.admit(tool, onRoute, id, record).compose(decision -> switch (decision) {
                    case Decision.Reject refused -> refusedByRoute(exchange, id, refused);
                    // the tool's own limit, counted for the owning route's caller: what the listener spent is given back
                    case Decision.ToolResult limited -> exchange.takeBack(id)
                            .transform(ignored -> Future.succeededFuture(limited.result()));
                    default -> {
                        Decision.Spent spent = decision instanceof Decision.Continue c ? c.spent() : Decision.Spent.NOTHING;
                        yield call(tool, arguments, client(onRoute), cancelled,
                                new UpstreamTransforms(onRoute, owners.chain(tool).upstream(onRoute)), record,
                                cleared(exchange, replay == null ? null : owners.chain(tool), onRoute), share, patterns,
                                requestBytes)
                                // the owning route's transformer refused what the client's values would send (a dot
                                // segment): the call is not made, so the tool's own limit is given back too
                                .recover(failure -> failure instanceof GatewayException refused
                                        ? spent.takeBack().transform(ignored -> refusedByRoute(exchange, id,
                                        new Decision.Reject(refused.error())))
                                        : Future.failedFuture(failure));
                    }
                })
                .onSuccess(result -> record.toolResult(result.path("isError").asBoolean(false)));
    }

    /** The bytes of the HTTP request the call came in, read whole before its calls were parsed from it. */
    private static long requestBytes(Exchange exchange) {
        Future<Buffer> body = exchange.body();
        // never unread here; were it, the call is taken as large: a hop costs less than a held loop
        return body.succeeded() ? body.result().length() : Long.MAX_VALUE;
    }

    /**
     * The client headers the call's log plugins clear ({@code propagation.clear}): the route's it came
     * in on, and on a replay the owning route's too, whose plugins Kong would run.
     */
    private static Set<String> cleared(Exchange exchange, PolicyChain owning, Exchange onRoute) {
        Set<String> here = exchange.observation().clearedHeaders();
        return owning == null ? here : PolicyChain.bothCleared(here, owning.clearedHeaders(onRoute));
    }

    /**
     * What Kong's replayed request would have answered, as the tool's result; what the serving route's message
     * policies spent letting the call through (its limits) is given back, since the call was not made. The
     * owning route is not named: it is another team's, internal to the gateway, and the listener's caller never
     * reached it.
     */
    private Future<ObjectNode> refusedByRoute(Exchange exchange, JsonNode id, Decision.Reject refused) {
        ErrorCatalog.Entry entry = ErrorCatalog.of(refused.error());
        ObjectNode result = ResultMapper.error("The tool's route refused the call: HTTP "
                + entry.status() + ": " + entry.message());
        return exchange.takeBack(id).transform(ignored -> Future.succeededFuture(result));
    }

    /** What the MCP request contributes to the upstream request. */
    static RequestEncoder.Client client(Exchange exchange) {
        return new RequestEncoder.Client(exchange.request().headers(), exchange.forwarding(),
                exchange.authority(), exchange.credentials().headers(),
                exchange.hasUpstreamHeaders() ? exchange.upstreamHeaders() : null,
                exchange.credentials().assertedHeaders(), exchange.clientsOwnUpstream(),
                exchange.credentials().withheldCookies());
    }

    Future<ObjectNode> call(Tool tool, ObjectNode arguments, RequestEncoder.Client caller, Future<?> cancelled) {
        // no HTTP request (a benchmark's call): checked where it is made
        return call(tool, arguments, caller, cancelled, UpstreamTransforms.NONE, RpcRecord.NONE, Set.of(), null,
                BoundedPatterns.fresh(), 0);
    }

    /**
     * @param requestBytes the size of the HTTP request the call came in: past {@link LargeResults#OFF_LOOP_BYTES},
     *                     its arguments are checked against the schema off the event loop
     */
    private Future<ObjectNode> call(Tool tool, ObjectNode arguments, RequestEncoder.Client caller, Future<?> cancelled,
                                    UpstreamTransforms transforms, RpcRecord record, Set<String> cleared,
                                    AnswerBudget.Share share, long[] patterns, long requestBytes) {
        ObjectNode args = CallArguments.of(tool, arguments, caller);
        String numbers = ArgumentNumbers.problem(tool.request().parameters(), args);
        if (numbers != null) {
            return Future.succeededFuture(ResultMapper.invalidArguments(tool.name(), numbers));
        }
        return LargeResults.checked(requestBytes, patterns, cancelled,
                        budget -> tool.inputValidator().validate(args, budget))
                .compose(errors -> errors.isEmpty()
                        ? send(tool, args, caller, cancelled, transforms, record, cleared, share, patterns)
                        : Future.succeededFuture(ResultMapper.invalidArguments(tool.name(), errors)));
    }

    /** Sends a call whose arguments match the tool's schema, once they are also in their places. */
    private Future<ObjectNode> send(Tool tool, ObjectNode args, RequestEncoder.Client caller, Future<?> cancelled,
                                    UpstreamTransforms transforms, RpcRecord record, Set<String> cleared,
                                    AnswerBudget.Share share, long[] patterns) {
        String misplaced = ArgumentPlaces.problem(tool.request(), args);
        if (misplaced != null) {
            return Future.succeededFuture(ResultMapper.invalidArguments(tool.name(), misplaced));
        }
        return switch (RequestEncoder.encode(tool.request(), args, caller, MAX_RESPONSE_BYTES)) {
            case RequestEncoder.Encoded.Rejected r -> Future.succeededFuture(r.arguments()
                    ? ResultMapper.invalidArguments(tool.name(), r.message()) : ResultMapper.error(r.message()));
            // as Kong orders them: the transformers, then opentelemetry's clear and its trace context
            case RequestEncoder.Encoded.Ready ready -> {
                UpstreamRequest transformed;
                try {
                    transformed = transforms.request(ready.request(), ready.written());
                } catch (GatewayException refused) {
                    yield Future.failedFuture(refused); // the caller answers it as the owning route's refusal
                }
                yield send(traced(withoutCleared(transformed, cleared), record), cancelled, record, share,
                        template(tool, ready.request(), transformed))
                        // a failed send is the tool's failure; a failure mapping the answer is a bug for the error net
                        .transform(sent -> sent.succeeded()
                                ? result(tool, transforms, sent.result(), patterns, cancelled)
                                : Future.succeededFuture(unanswered(UpstreamException.from(sent.cause(),
                                ready.request().target()), cancelled, record)));
            }
        };
    }

    /**
     * The answer, as the owning route's transformers change it, as the tool's result. A large one is transformed and
     * made off the event loop in one turn ({@link LargeResults}): a {@code json} rule parses and writes out the whole
     * answer too, seconds of a loop for 15 MB, even when what it leaves is small. One cancelled while it waits for its
     * turn is not made.
     */
    private static Future<ObjectNode> result(Tool tool, UpstreamTransforms transforms, UpstreamResponse response,
                                             long[] patterns, Future<?> cancelled) {
        return LargeResults.mapped(response, patterns, cancelled,
                budget -> ResultMapper.fromResponse(tool, transforms.response(response), budget));
    }

    /**
     * Sends the call, noting on the message's record when the upstream was called and how it answered.
     *
     * @param template the path's template for the call's span, or null
     */
    private Future<UpstreamResponse> send(UpstreamRequest request, Future<?> cancelled, RpcRecord record,
                                          AnswerBudget.Share share, String template) {
        record.upstreamStarted(request.target(), request.method().name(), request.uri(), template);
        // a call its client cancelled (or went away from) was stopped by the gateway: no failure of the upstream's
        return client.send(request, cancelled, share).onComplete(done -> {
            if (done.succeeded()) {
                record.upstreamHead(done.result().headNanos());
            }
            record.upstreamEnded(done.succeeded() ? done.result().status()
                    : cancelled.isComplete() ? McpEvent.UPSTREAM_ABANDONED : 0);
            if (done.failed() && !cancelled.isComplete()) {
                UpstreamException failure = UpstreamException.from(done.cause(), request.target());
                // an answer whose head came and whose body was then refused or cut: the proxy wait ended at its head
                record.upstreamHead(failure.headNanos());
                record.upstreamGaveNoAnswer(failure.loggedStatus(), failure.waited());
            }
        });
    }

    /**
     * The tool result of a call its REST API gave no answer to, noted on its record as a transport failure (an
     * operator tells "the backend is down" from "the tool said no"); a call its client gave up on failed nothing.
     */
    private static ObjectNode unanswered(UpstreamException failure, Future<?> cancelled, RpcRecord record) {
        ObjectNode result = ResultMapper.fromFailure(failure);
        if (cancelled == null || !cancelled.isComplete()) {
            record.transportFailed(result.path("content").path(0).path("text").asText());
        }
        return result;
    }

    /**
     * The tool's configured path ({@code /widgets/{id}}) as the template of the path sent, or null when a
     * transformer sent another path: the template would then name a path the call did not go to.
     */
    private static String template(Tool tool, UpstreamRequest encoded, UpstreamRequest sent) {
        return encoded.uri().equals(sent.uri()) || path(encoded.uri()).equals(path(sent.uri()))
                ? tool.request().path().toString() : null;
    }

    private static String path(String uri) {
        int query = uri.indexOf('?');
        return query < 0 ? uri : uri.substring(0, query);
    }

    private static UpstreamRequest withoutCleared(UpstreamRequest request, Set<String> cleared) {
        cleared.forEach(request.headers()::remove);
        return request;
    }

    /** The message's trace context passed on to the upstream (W3C {@code traceparent}), when it is traced. */
    private static UpstreamRequest traced(UpstreamRequest request, RpcRecord record) {
        record.writeTraceContext(request.headers());
        return request;
    }
}
