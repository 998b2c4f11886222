package dev.toolgate.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.http.UpstreamTarget;
import dev.toolgate.observe.SentRequest;
import dev.toolgate.observe.TraceIds;
import dev.toolgate.observe.UpstreamHttp;
import io.vertx.core.MultiMap;

/**
 * One JSON-RPC message of an exchange while the mode handles it: what the {@link dev.toolgate.observe.McpEvent}
 * about it will say once it is answered (its ACL and rate-limit decisions, its upstream call, its trace).
 * Confined to the exchange's event loop.
 */
public final class RpcRecord {

    /** What observation returns when it is off: it records nothing. */
    public static final RpcRecord NONE = new RpcRecord(null, null, null, null, null, null, -1, null);

    final Observation observation;
    final JsonNode id;
    final String idText;
    final String method;
    String tool;
    /** The prompt's name or the resource's URI ({@link dev.toolgate.observe.McpEvent#target}), or null. */
    final String target;
    final int requestBytes;
    final TraceIds trace;
    /** {@code params._meta.traceparent} as the client sent it, when the message is traced; else null. */
    String metaTraceparent;
    String requestPayload;
    String acl;
    boolean toolKnown;
    /** The listener hides the tool from this caller ({@link #hiddenFromCaller}). */
    private boolean hidden;
    String rateLimit;
    long upstreamStarted = -1;
    long upstreamNanos = -1;
    /** When the upstream's (last) answer head arrived ({@link System#nanoTime()}), or -1 when none is known. */
    long upstreamHeadAt = -1;
    int upstreamStatus = -1;
    /** Its call gave no answer and the gateway had waited for one (nginx's upstream_response_time of its 502, 504). */
    boolean upstreamWaited;
    /**
     * nginx's {@code $upstream_status} of its call that gave no answer: the 502 or 504 nginx makes, or the status of an
     * answer whose head came before its body was refused or cut; 0 otherwise.
     */
    int upstreamFailedStatus;
    String upstream;
    String upstreamAddress;
    /** The REST request sent, as the call's span shows it; null when untraced or nothing was sent. */
    UpstreamHttp upstreamHttp;
    Boolean toolError;
    /**
     * The gateway's own answer's text when it made one because the upstream gave no answer (a converted tool's REST
     * API, a passthrough server); else null.
     */
    String transportError;
    boolean finished;
    /**
     * Its answer may come on another exchange, after its own ended with a 202 ({@link #answerFollows}): what stops it
     * awaiting there; null otherwise.
     */
    Runnable answerFollows;

    RpcRecord(Observation observation, JsonNode id, String idText, String method, String tool, String target,
              int requestBytes, TraceIds trace) {
        this.observation = observation;
        this.id = id;
        this.idText = idText;
        this.method = method;
        this.tool = tool;
        this.target = target;
        this.requestBytes = requestBytes;
        this.trace = trace;
    }

    /** Notes the tool ACL's decision. */
    public void acl(boolean allowed) {
        if (observation == null) {
            return;
        }
        acl = allowed ? "allow" : "deny";
    }

    /**
     * The called tool is one the listener hides from this caller, its owning route refusing the caller outright:
     * its refusal, answered as an unknown name's, is no tool ACL's decision, and is not counted as one.
     */
    public void hiddenFromCaller() {
        if (observation != null) {
            hidden = true;
        }
    }

    /** True when {@link #hiddenFromCaller} was noted. */
    public boolean hidden() {
        return hidden;
    }

    /**
     * The called tool is one the gateway knows exists (the configuration names it, or the server listed it),
     * not only a name the client sent: metrics may then give it a series of its own.
     */
    public void toolKnown() {
        if (observation != null) {
            toolKnown = true;
        }
    }

    /** A per-tool limit counted the call and let it through. */
    public static final String LIMIT_ALLOW = "allow";
    /** A per-tool limit counted the call and refused it: over the limit. */
    public static final String LIMIT_REJECT = "reject";
    /** A per-tool limit could not count the call (its counters were out of reach): let through or refused unchecked. */
    public static final String LIMIT_UNCHECKED = "unchecked";

    /** Notes the rate limit's decision ({@link #LIMIT_ALLOW}, {@link #LIMIT_REJECT} or {@link #LIMIT_UNCHECKED}). */
    public void rateLimit(String decision) {
        if (observation == null) {
            return;
        }
        rateLimit = decision;
    }

    /**
     * The upstream call for this message starts now.
     *
     * @param target   the service called
     * @param method   the HTTP method sent
     * @param uri      the path and query of the REST request sent (the exchange's {@code upstream_uri})
     * @param template the path's template ({@code /widgets/{id}}), or null when the path sent is not known to
     *                 follow one (a transformer rewrote it)
     */
    public void upstreamStarted(UpstreamTarget target, String method, String uri, String template) {
        if (observation != null) {
            upstreamStarted = System.nanoTime();
            upstream = target.service();
            upstreamAddress = target.host() + ":" + target.port();
            observation.upstream.toolCallSent(this, uri);
            if (trace != null && trace.sampled()) {
                upstreamHttp = new SentRequest(target.tls(), target.hostHeader(), method, uri, template)
                        .http(observation.redaction());
            }
        }
    }

    /**
     * True once this message's upstream call has started: a bridge sends one message as several upstream requests
     * (rounds of input, a stream resumed), and the call, its span, counts from the first.
     */
    public boolean upstreamCalled() {
        return upstreamStarted >= 0;
    }

    /**
     * The upstream call answered with {@code status} now; 0 when it gave no answer (unreachable, timed out),
     * {@link dev.toolgate.observe.McpEvent#UPSTREAM_ABANDONED} when its client cancelled it first.
     */
    public void upstreamEnded(int status) {
        if (observation != null && upstreamStarted >= 0) {
            upstreamNanos = System.nanoTime() - upstreamStarted;
            upstreamStatus = status;
        }
    }

    /**
     * The upstream call gave no answer ({@link #upstreamEnded} with 0): nginx would record {@code status} (its 502 or
     * 504, or the status of a head that came before the body failed) as {@code $upstream_status}, and when {@code waited} (a connect timeout, a request that went out and got
     * no answer's head) the time waited as its {@code upstream_response_time}.
     */
    public void upstreamGaveNoAnswer(int status, boolean waited) {
        if (observation != null && upstreamStarted >= 0) {
            upstreamFailedStatus = status;
            upstreamWaited = waited;
        }
    }

    /**
     * As {@link #upstreamEnded}, for a message an era bridge sends upstream itself: its exchange proxied nothing of
     * its own, so the exchange's {@code upstream_status} is the last such call's (as a proxied request's is).
     */
    public void bridgedCallEnded(int status) {
        if (observation != null && upstreamStarted >= 0) {
            upstreamEnded(status);
            observation.upstream.bridgedCallEnded(status);
        }
    }

    /**
     * As {@link #bridgedCallEnded} for a call that gave no answer (0), whose answer's head came with {@code headStatus}
     * before the gateway refused or lost its body (too large, cut by read_timeout): nginx keeps that status as its
     * {@code $upstream_status} once it read the header, and so does the exchange.
     */
    public void bridgedAnswerCut(int headStatus) {
        if (observation != null && upstreamStarted >= 0) {
            upstreamEnded(0);
            upstreamFailedStatus = headStatus;
            observation.upstream.bridgedCallEnded(headStatus);
        }
    }

    /**
     * The upstream's answer head arrived at {@code nanoTime} ({@link System#nanoTime()}): what follows, to the
     * exchange's last byte, is Kong's {@code latencies.receive}; a bridge's later round moves it on.
     */
    public void upstreamHead(long nanoTime) {
        if (observation != null && upstreamStarted >= 0 && nanoTime >= 0) {
            upstreamHeadAt = nanoTime;
        }
    }

    /** The tool result's {@code isError}, known where the result is made (conversion). */
    public void toolResult(boolean isError) {
        if (observation == null) {
            return;
        }
        toolError = isError;
    }

    /**
     * The upstream gave no answer (unreachable, timed out, broken off, too large) and the gateway answers with one of
     * its own saying so (a tool result, a JSON-RPC error): the message failed in transport, not by the tool's or the
     * server's word, and {@code message} (the answer's text, the error id in it) is its error.
     */
    public void transportFailed(String message) {
        if (observation != null) {
            transportError = message;
        }
    }

    /**
     * Writes this message's trace context into the upstream request's headers, when it is traced, in
     * each format the route's tracing injects (the upstream call's span as the parent). In W3C, the
     * client's {@code tracestate} goes with a {@code traceparent} that continues the client's trace; one
     * that came without a valid {@code traceparent} is removed (W3C: invalid, and it belongs to no trace
     * the upstream will see).
     *
     * @return true when trace context was written
     */
    public boolean writeTraceContext(MultiMap headers) {
        return trace != null && observation.sinks.inject(trace, headers);
    }

    /**
     * Writes this message's trace context into the {@code params._meta} of the MCP message a bridge sends for it,
     * where the MCP semantic conventions carry it: {@code traceparent} names the upstream call's span (W3C, as the
     * header does), {@code tracestate} is the trace's (removed when the trace has none: W3C, it belongs to its
     * traceparent). Nothing when the message is untraced or the route's tracing writes no context upstream.
     */
    public void writeTraceContext(ObjectNode meta) {
        if (trace != null && observation.sinks.injects()) {
            meta.put("traceparent", trace.upstreamTraceparent());
            String state = trace.traceState();
            if (state != null) {
                meta.put("tracestate", state);
            } else {
                meta.remove("tracestate");
            }
        }
    }

    /**
     * Its answer may come on another exchange, after its own ended: a legacy HTTP+SSE server accepts the POST with
     * 202 and answers on the session's stream. An exchange answered 202 then leaves it open, and the mode finishes it
     * with {@link Observation#answeredLater}; answered otherwise (the server refused it, the gateway failed it, the
     * client left), {@code notAccepted} runs at once, on the exchange's event loop, and the exchange's outcome
     * finishes it as before.
     */
    public void answerFollows(Runnable notAccepted) {
        if (observation != null) {
            answerFollows = notAccepted;
            observation.answersMayFollow = true;
        }
    }

    /** Its JSON-RPC id as JSON text; null for a notification, or when nothing observes it. */
    public String idText() {
        return idText;
    }

    /** The exchange this message came in, for {@link Observation#answeredLater}; null when nothing observes it. */
    public Observation observation() {
        return observation;
    }

    /** True when the request is kept as a payload for the logs ({@code log_payloads}). */
    public boolean wantsPayload() {
        return observation != null && observation.payloads();
    }

}
