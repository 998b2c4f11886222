package dev.toolgate.mode.passthrough;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.toolgate.error.GatewayError;
import dev.toolgate.http.ErrorResponses;
import dev.toolgate.mcp.Json;
import dev.toolgate.mcp.JsonRpc;
import dev.toolgate.mcp.McpEnvelope;
import dev.toolgate.mode.JsonBody;
import dev.toolgate.mode.acl.ToolAccess;
import dev.toolgate.pipeline.Decision;
import dev.toolgate.pipeline.Exchange;
import dev.toolgate.pipeline.McpCall;
import dev.toolgate.pipeline.RpcRecord;
import dev.toolgate.pipeline.MessagePolicy;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A passthrough route's message policies on one exchange (tool ACLs, tool limits): every request
 * message of the body is decided before anything is forwarded (the first refusal, or a tool result a
 * limit answers with, answers the exchange; a body that is not JSON-RPC is refused, never forwarded
 * unchecked), and with tool ACLs the ids of the caller's {@code tools/list} requests are noted so
 * their answers can be filtered. A batch a limit answers, or in which a tool ACL answers a call as an
 * unknown tool, is answered with a batch (JSON-RPC 2.0 §6): that call's answer, and for every other
 * request an error saying it was not forwarded. What the batch's other calls spent of their tool limits
 * is taken back then: they were not made, and their callers are told to send them again.
 */
final class PassthroughAccess {

    /**
     * What the policies made of a request body.
     *
     * @param refused the refusal to answer with, or null
     * @param answer  a JSON-RPC response to answer with instead of forwarding (a limited tool call), or null
     * @param lists   which answers are filtered as tool lists ({@link ListAnswers#ANY} on a GET stream, which
     *                may replay an answer to a request of another exchange)
     */
    record Admitted(GatewayError refused, Buffer answer, ListAnswers lists, PassthroughAccess access) {

        /** How the upstream's answer is rewritten for this caller ({@code service} names it in errors). */
        Relay.Rewrites rewrites(Exchange exchange, String service) {
            if (access.access == null || lists.none()) {
                return Relay.Rewrites.NONE;
            }
            Predicate<String> shows = access.access.shows(exchange);
            return (sse, type) -> sse ? ToolListRewrite.sse(lists, shows, PassthroughProxy.MAX_OBSERVED_BYTES, service)
                    : ToolListRewrite.json(lists, shows, PassthroughProxy.MAX_OBSERVED_BYTES);
        }
    }

    static final String UNSAFE_ID = "an integer \"id\" must lie between -(2^53 - 1) and 2^53 - 1 where tool ACLs "
            + "filter tools/list (a JavaScript server rounds a larger one and answers another id): send a smaller "
            + "integer or a string";

    private final ToolAccess access;
    private final MessagePolicy policies;

    /** @param access the tool ACLs that filter tool lists, or null */
    PassthroughAccess(ToolAccess access, MessagePolicy policies) {
        this.access = access;
        this.policies = policies;
    }

    /** Which tools the exchange's caller may see, or null when no tool ACLs filter the lists. */
    Predicate<String> shows(Exchange exchange) {
        return access == null ? null : access.shows(exchange);
    }

    /** @param recorder what opened the records of the body's requests, or null when the exchange is not observed */
    Future<Admitted> admit(Exchange exchange, Buffer body, PassthroughRecorder recorder) {
        return admit(exchange, body, false, recorder);
    }

    /**
     * A body without requests (a stream, a DELETE, notifications, answers) from a caller refused every request:
     * its requests are refused one by one below, the rest would otherwise reach the server undecided.
     */
    private boolean refusesOutright(Exchange exchange, List<McpEnvelope> messages) {
        return access != null && messages.stream().noneMatch(McpEnvelope::isRequest) && access.refusesOutright(exchange);
    }

    /**
     * @param resumes true when the body only continues a call already made upstream (the era bridge's retry
     *                with the client's input): the tool ACLs decide it again, the tool limits do not count it
     * @param recorder what opened the records of the body's requests, or null when the exchange is not observed
     */
    Future<Admitted> admit(Exchange exchange, Buffer body, boolean resumes, PassthroughRecorder recorder) {
        // a server stream: any tools/list answer on it (a resumed stream replays them) is filtered
        boolean stream = exchange.request().method() == HttpMethod.GET;
        if (stream && body.length() == 0) {
            return refusesOutright(exchange, List.of()) ? refused(ToolAccess.refusal())
                    : Future.succeededFuture(new Admitted(null, null, ListAnswers.ANY, this));
        }
        List<McpEnvelope> messages;
        try {
            messages = body.length() == 0 ? List.of() : McpEnvelope.readClientMessages(body.getBytes(), 0, body.length());
        } catch (JsonProcessingException e) {
            // fail closed: a body the policies cannot read is not forwarded unchecked, since a lenient server
            // (one that takes NaN, say) could still read a tool call in it; nor is one that repeats a key, since
            // the server's parser may keep the copy the policies did not decide on (a first-wins reader would
            // run params.name's first value while the ACL allowed its last)
            return refused(new GatewayError.MalformedJson(dev.toolgate.mcp.Json.problem(e)));
        } catch (IOException e) {
            return refused(new GatewayError.InvalidMessage(null, e.getMessage()));
        }
        if (refusesOutright(exchange, messages)) {
            return refused(ToolAccess.refusal());
        }
        boolean batch = JsonBody.opensBatch(body);
        Future<Decision> decided = Decision.PROCEED;
        List<McpEnvelope> requests = new ArrayList<>();
        int[] decidedAt = new int[1];
        int read = 0;
        // what the requests let through spent: a batch refused whole by a later one forwards none of them
        Decision.Spent[] spent = {Decision.Spent.NOTHING};
        for (McpEnvelope message : messages) {
            if (message.hasInvalidRequestId()) {
                // not decided here as a request, yet a server may run it as one (the TypeScript SDK takes
                // "id": 1.0 for 1): skipping it as a notification would forward a call no ACL judged
                return refused(new GatewayError.InvalidMessage(null, message.invalidIdProblem()));
            }
            if (access != null && message.isRequest() && ListAnswers.unsafe(message.id())) {
                // a JavaScript server (the TypeScript SDK) reads 2^53 + 1 as 2^53 and answers that id, which
                // pairs with no request: refused here rather than left to the filter's fail-closed guess. The id
                // was read exactly, so the refusal of a lone request carries it (JSON-RPC 2.0 §5); a batch's
                // refusal answers no one request of it
                return refused(new GatewayError.InvalidMessage(batch ? null : message.id(), UNSAFE_ID));
            }
            if (!message.isRequest()) {
                if ("tools/call".equals(message.method())) {
                    // a server on a plain JSON-RPC library runs a call sent as a notification, answering nothing:
                    // forwarded undecided, it would pass every tool ACL and limit
                    return refused(new GatewayError.InvalidMessage(null,
                            "a tools/call needs an \"id\" (a string or an integer); sent without one, it is not forwarded"));
                }
                continue;
            }
            // the request's own record, never found again by its id: a batch may repeat one, and the decisions
            // of [{id 1, echo}, {id 1, made_up}] would all be noted as echo's
            RpcRecord record = recorder == null || !"2.0".equals(message.version()) ? RpcRecord.NONE
                    : recorder.request(read++);
            McpCall call = new McpCall(exchange, message.id(), message.method(),
                    "tools/call".equals(message.method()) ? message.tool() : null, resumes, record);
            int at = requests.size();
            requests.add(message);
            decided = decided.compose(d -> {
                if (!(d instanceof Decision.Continue)) {
                    return Future.succeededFuture(d);
                }
                decidedAt[0] = at;
                return policies.admit(call).map(decision -> {
                    if (call.isToolCall() && call.tool() != null) {
                        // only where tool ACLs exist did one judge the call (every name: unlisted ones by the
                        // default ACL); a route with tool limits alone has no ACL decision to count
                        if (access != null) {
                            record.acl(!(decision instanceof Decision.Reject r
                                    && (r.error() instanceof GatewayError.ToolDenied
                                    || r.error() instanceof GatewayError.UnknownTool)));
                        }
                    }
                    if (decision instanceof Decision.Continue c) {
                        spent[0] = spent[0].and(c.spent());
                    }
                    return decision;
                });
            });
        }
        // a GET that carries a body anyway is decided like a POST (a server may read a body whatever the method)
        // and its stream filtered like any other
        ListAnswers awaited = stream ? ListAnswers.ANY : ListAnswers.of(requests);
        return decided.compose(d -> d instanceof Decision.Continue ? Future.succeededFuture(d)
                // the withheld requests are told to send again: counted now, they would count twice
                : spent[0].takeBack().transform(ignored -> Future.succeededFuture(d))).map(d -> switch (d) {
            // a denial answered as a JSON-RPC error (HTTP 200) answers its request, not the exchange: to a
            // batch, a batch; one answered with an HTTP status (Kong's 403) refuses the exchange as a whole
            case Decision.Reject r when batch && r.error() instanceof GatewayError.UnknownTool unknown ->
                    answered(batched(requests, decidedAt[0], ErrorResponses.body(unknown),
                            GatewayError.WithheldForUnknownTool::new), awaited);
            case Decision.Reject r -> new Admitted(r.error(), null, awaited, this);
            case Decision.ToolResult t -> {
                McpEnvelope call = requests.get(decidedAt[0]);
                JsonNode result = JsonRpc.result(call.id(), t.result());
                yield answered(!batch ? result : batched(requests, decidedAt[0], result, t.withheld()), awaited);
            }
            default -> new Admitted(null, null, awaited, this);
        });
    }

    private Admitted answered(JsonNode answer, ListAnswers awaited) {
        return new Admitted(null, Buffer.buffer(Json.bytes(answer)), awaited, this);
    }

    /**
     * A batch's answer when one of its requests is answered here and none is forwarded: in request order,
     * that request's answer, and for every other request the error saying it was not forwarded.
     */
    private static ArrayNode batched(List<McpEnvelope> requests, int answeredAt, JsonNode answer,
                                     Function<JsonNode, GatewayError> withheld) {
        ArrayNode answers = Json.MAPPER.createArrayNode();
        for (int i = 0; i < requests.size(); i++) {
            answers.add(i == answeredAt ? answer : ErrorResponses.body(withheld.apply(requests.get(i).id())));
        }
        return answers;
    }

    private Future<Admitted> refused(GatewayError error) {
        return Future.succeededFuture(new Admitted(error, null, ListAnswers.of(List.of()), this));
    }
}
