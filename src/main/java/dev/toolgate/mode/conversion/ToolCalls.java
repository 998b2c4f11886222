package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.error.GatewayError;
import dev.toolgate.http.AnswerBudget;
import dev.toolgate.mcp.Json;
import dev.toolgate.mcp.JsonRpcMessage;
import dev.toolgate.mcp.McpEnvelope;
import dev.toolgate.mcp.Session;
import dev.toolgate.observe.McpEvent;
import dev.toolgate.pipeline.Decision;
import dev.toolgate.pipeline.Exchange;
import dev.toolgate.pipeline.McpCall;
import dev.toolgate.pipeline.MessageEvents;
import dev.toolgate.pipeline.MessagePolicy;
import dev.toolgate.pipeline.Observation;
import dev.toolgate.pipeline.RpcRecord;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

import java.util.Optional;

/**
 * Answers an endpoint's request messages for one caller: each passes the endpoint's message
 * policies first (tool ACLs), then its method runs with what the caller may see. A
 * {@code tools/call} stays cancellable while it runs: by the client going away, or by
 * {@code notifications/cancelled} from the same session (the call is registered in {@link Sessions}
 * under its session and JSON-RPC id).
 */
final class ToolCalls {

    /**
     * The longest string request id a cancellation is acted on for. Longer ids are valid JSON-RPC, but no
     * client numbers its calls so; a call with one cannot be cancelled by notification, only by going away.
     */
    static final int MAX_CANCELLED_ID = 1024;

    private final McpMethods methods;
    private final Sessions sessions;
    private final MessagePolicy policies;
    private final ToolViews views;
    private final boolean aclsJudge;

    /**
     * @param policies  the endpoint's message policies in order, or null for none
     * @param views     what each caller may see of the tools
     * @param aclsJudge whether tool ACLs are among the policies (tool limits alone make no ACL decision)
     */
    ToolCalls(McpMethods methods, Sessions sessions, MessagePolicy policies, ToolViews views, boolean aclsJudge) {
        this.methods = methods;
        this.sessions = sessions;
        this.policies = policies;
        this.views = views;
        this.aclsJudge = aclsJudge;
    }

    /**
     * A request admitted by the message policies: its record and their decision.
     *
     * @param record   the request's record, to finish with its answer (never found again by id: a batch may
     *                 repeat one, and its answers would go to the wrong record)
     * @param decision go on, a refusal, or a tool result to answer with
     */
    record Admission(RpcRecord record, Decision decision) {

        /** True when the request goes on to its method. */
        boolean proceeds() {
            return decision instanceof Decision.Continue;
        }
    }

    /**
     * What the message policies say about a request: go on, a refusal, or a tool result to answer with.
     * The request's record opens here, for the events about it; a refusal or a policy's tool result
     * finishes it.
     */
    Future<Admission> admit(Exchange exchange, JsonRpcMessage.Request r) {
        String named = toolName(r);
        // the served name: Kong's name for a tool is an alias
        Optional<Tool> served = methods.tool(named);
        String tool = served.map(Tool::name).orElse(named);
        Observation observation = exchange.observation();
        String offered = r.method().equals("initialize") && r.params() != null
                ? r.params().path("protocolVersion").textValue() : null;
        if (offered != null && offered.length() <= McpEnvelope.MAX_PROTOCOL_VERSION) {
            observation.initializing(offered);
        }
        RpcRecord record = observation.begin(r.id(), r.method(), tool, null, -1, meta(r, "traceparent"),
                meta(r, "tracestate"));
        if (record.wantsPayload()) {
            observation.requestPayload(record, Json.bytes(r.raw()));
        }
        if (served.isPresent()) {
            record.toolKnown();
        }
        if (policies == null) {
            return Future.succeededFuture(new Admission(record, Decision.CONTINUE));
        }
        return policies.admit(new McpCall(exchange, r.id(), r.method(), tool, false, record, named)).map(decision -> {
            observe(record, decision, r, tool, served.isPresent());
            if (decision instanceof Decision.Continue c) {
                exchange.spent(r.id(), c.spent());
            }
            return new Admission(record, decision);
        });
    }

    private void observe(RpcRecord record, Decision decision, JsonRpcMessage.Request r, String tool, boolean served) {
        boolean toolCall = tool != null && r.method().equals("tools/call");
        // an ACL decision is noted only where tool ACLs exist, and only for a tool the endpoint serves: a name
        // it does not serve is refused for not existing, which no ACL decided (and counting it would let
        // made-up names into the ACL metrics); nor for a tool the listener hides, refused before any ACL ran
        boolean judged = aclsJudge && served && !record.hidden();
        switch (decision) {
            case Decision.Reject reject -> {
                // a tool ACL's denial, in either of its forms (acl_denial: unknown_tool answers it as unknown)
                if (judged && (reject.error() instanceof GatewayError.ToolDenied
                        || reject.error() instanceof GatewayError.UnknownTool)) {
                    record.acl(false);
                }
                MessageEvents.refused(record, reject.error());
            }
            case Decision.ToolResult result -> {
                // only a per-tool limit answers a call with a result of its own (it noted its decision)
                if (toolCall && judged) {
                    record.acl(true);
                }
                record.toolResult(true);
                MessageEvents.answered(record, instead(decision, r));
            }
            default -> {
                if (judged) {
                    record.acl(true);
                }
            }
        }
    }

    /**
     * The answer to a request the policies did not let through, serialized as in a batch: the
     * refusal's JSON-RPC error, or the tool result; null when it goes on.
     */
    static Buffer instead(Decision decision, JsonRpcMessage.Request r) {
        return switch (decision) {
            case Decision.Reject reject -> McpMethods.error(reject.error(), r.id());
            case Decision.ToolResult tool -> McpMethods.result(r.id(), Json.bytes(tool.result()));
            case Decision.Continue c -> null;
            case Decision.Respond ignored -> throw new IllegalStateException("a message policy answered an exchange");
        };
    }

    /** What the exchange's caller may see of the tools. */
    ToolView view(Exchange exchange) {
        return views.of(exchange);
    }

    /** {@code params._meta.traceparent} or {@code .tracestate}: the trace context MCP carries in the message itself. */
    private static String meta(JsonRpcMessage.Request r, String name) {
        JsonNode value = r.params() == null ? null : r.params().path("_meta").get(name);
        return value != null && value.isTextual() ? value.asText() : null;
    }

    /** A {@code tools/list} answer compressed with gzip, when the caller's page is ready compressed. */
    Optional<GzippedList> gzippedList(Exchange exchange, JsonRpcMessage.Request r) {
        return methods.gzippedList(r, views.of(exchange));
    }

    /**
     * The serialized response to {@code r}, admitted with {@code record}, which it finishes; a call is cancelled
     * when {@code disconnected} completes. Null for a call its client cancelled with {@code notifications/cancelled}:
     * MCP's receiver of a cancellation does not respond to the request it names.
     */
    Future<Buffer> answer(Exchange exchange, JsonRpcMessage.Request r, RpcRecord record, Session session,
                          Future<Void> disconnected) {
        return answer(exchange, r, record, session, disconnected, null);
    }

    /** Like the above; a call's answer also takes its bytes from {@code share}, its batch's, as they arrive. */
    Future<Buffer> answer(Exchange exchange, JsonRpcMessage.Request r, RpcRecord record, Session session,
                          Future<Void> disconnected, AnswerBudget.Share share) {
        if (!r.method().equals("tools/call")) {
            // only a list depends on who asks: the view is worked out for lists alone
            ToolView view = r.method().equals("tools/list") ? views.of(exchange) : ToolView.ALL;
            return methods.answer(r, view, null, null, null, null).onSuccess(out -> MessageEvents.answered(record, out));
        }
        Promise<Void> cancel = Promise.promise();
        disconnected.onComplete(v -> cancel.tryComplete());
        // without sessions, ids are not unique across clients: only a disconnect can cancel
        String key = session == null ? null : callKey(session, r.id());
        // completed by the client's notifications/cancelled alone: such a call is left unanswered
        Promise<Void> cancelledByClient = Promise.promise();
        if (key != null) {
            cancelledByClient.future().onComplete(v -> cancel.tryComplete());
            sessions.calls().started(key, cancelledByClient);
        }
        return methods.answer(r, ToolView.ALL, exchange, record, cancel.future(), share).onComplete(done -> {
            if (key != null) {
                sessions.calls().finished(key, cancelledByClient);
            }
        }).map(answer -> {
            if (cancelledByClient.future().isComplete()) {
                // nobody failed: the upstream call was stopped for the client, whose answer it no longer waits for
                MessageEvents.finish(record, 0, null, McpEvent.CANCELLED, false, null);
                return null;
            }
            MessageEvents.answered(record, answer);
            return answer;
        });
    }

    /**
     * Acts on a client notification; only {@code notifications/cancelled} does anything: it stops the
     * call here, or on the instance that runs it. A {@code requestId} that no call can have is ignored (a
     * notification gets no answer): it would otherwise go to every instance over Redis, as large as the body.
     */
    void onNotification(Session session, JsonRpcMessage.Notification n) {
        if (session != null && n.method().equals("notifications/cancelled") && n.params() != null
                && callId(n.params().get("requestId"))) {
            sessions.cancel(session.endpoint(), session.id(), Json.text(n.params().get("requestId")));
        }
    }

    /** Whether {@code id} could name a call: a string of bounded length, or an integer (as calls' ids are). */
    private static boolean callId(JsonNode id) {
        return id != null && (id.isTextual() && id.textValue().length() <= MAX_CANCELLED_ID
                || id.isIntegralNumber() && id.canConvertToLong());
    }

    /**
     * Completes when the client goes away. One per HTTP request: a response keeps a single close
     * handler, so every call of a batch shares it.
     */
    static Future<Void> disconnection(HttpServerRequest request) {
        Promise<Void> disconnected = Promise.promise();
        request.response().closeHandler(v -> disconnected.tryComplete());
        return disconnected.future();
    }

    private static String toolName(JsonRpcMessage.Request r) {
        if (!r.method().equals("tools/call") || r.params() == null) {
            return null;
        }
        JsonNode name = r.params().get("name");
        return name != null && name.isTextual() ? name.asText() : null;
    }

    private static String callKey(Session session, JsonNode id) {
        return callKey(session.id(), Json.text(id));
    }

    /** The key of a call in flight: its session and its JSON-RPC id (as JSON). */
    static String callKey(String sessionId, String requestId) {
        return sessionId + "\u0000" + requestId;
    }
}
