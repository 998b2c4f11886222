package dev.toolgate.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.config.Consumer;
import dev.toolgate.error.ErrorCatalog;
import dev.toolgate.error.GatewayError;
import dev.toolgate.http.UpstreamTarget;
import dev.toolgate.mcp.Json;
import dev.toolgate.observe.ExchangeEvent;
import dev.toolgate.observe.McpEvent;
import dev.toolgate.observe.Origin;
import dev.toolgate.observe.RecurringText;
import dev.toolgate.observe.Redaction;
import dev.toolgate.observe.TraceIds;
import dev.toolgate.observe.Tracing;
import dev.toolgate.observe.TrafficSink;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The pipeline's emission point for one exchange: the mode opens an {@link RpcRecord} per JSON-RPC
 * message and finishes it with the answer; each finished message becomes one {@link McpEvent} for the
 * exchange's sinks (the route's log plugins for this caller, chosen by Kong's precedence, and the
 * sinks every route has); when the answer is complete, one {@link ExchangeEvent} goes to the log
 * plugins. A message the mode did not finish is finished then, with the exchange's outcome.
 *
 * <p>Confined to the exchange's event loop. Sinks are called there and must not block; one that throws
 * is logged and skipped, never the request's failure.
 */
public final class Observation {

    private static final Logger LOG = LoggerFactory.getLogger(Observation.class);
    /** The most messages of one exchange kept for its log entry (a batch may be long). */
    private static final int MAX_RPC = 128;

    static final Observation OFF = new Observation(null, null, null);

    private final Exchange exchange;
    private final ObservedRoute route;
    private final PolicyChain chain;
    private final long startedAtMillis;
    /** The route's log plugins for this caller, after the sinks every route has. */
    private ExchangeSinks sinks = ExchangeSinks.UNCHOSEN;
    private Origin origin;
    /** The messages opened, null until the first. */
    private OpenMessages open;
    private List<McpEvent> finished;
    private final ExchangeUpstream upstream = new ExchangeUpstream();
    private boolean ended;
    /** The protocol version of an {@code initialize}, which no header carries yet; or null. */
    private String offeredProtocol;
    /** An event of the answer's stream was too large to read: an answer may have gone out unseen. */
    private boolean unreadEvent;

    Observation(Exchange exchange, ObservedRoute route, PolicyChain chain) {
        this.exchange = exchange;
        this.route = route;
        this.chain = chain;
        this.startedAtMillis = exchange == null ? 0 : System.currentTimeMillis();
        if (route != null) {
            // the sinks it reports to stay open until it ends, whatever reloads come meanwhile
            route.generation().began();
        }
    }

    /** True when something observes this exchange. */
    public boolean on() {
        return route != null;
    }

    /** True when the route logs payloads ({@code log_payloads}). */
    public boolean payloads() {
        return route != null && route.facts().payloads();
    }

    /** Writes a message's trace context upstream in the route's formats; false when none is written. */
    boolean inject(TraceIds trace, MultiMap headers) {
        return sinks.tracing() != null && sinks.tracing().inject(trace, headers);
    }

    /** True when the route's tracing writes trace context upstream (in some format). */
    boolean injects() {
        return sinks.tracing() != null && sinks.tracing().injects();
    }

    /**
     * Opens the record of one message (a request, or a notification with a null id), once the exchange's
     * policies have admitted it.
     *
     * @param target          the prompt's name or the resource's URI ({@link McpEvent#target}), or null
     * @param requestBytes    its size, or -1 when unknown (an element of a batch)
     * @param metaTraceparent {@code params._meta.traceparent}, or null (the header's then applies)
     * @param metaTracestate  {@code params._meta.tracestate}, or null
     */
    public RpcRecord begin(JsonNode id, String method, String tool, String target, int requestBytes,
                           String metaTraceparent, String metaTracestate) {
        if (route == null) {
            return RpcRecord.NONE;
        }
        resolve();
        TraceIds trace = null;
        Tracing tracing = sinks.tracing();
        if (tracing != null) {
            trace = tracing.begin(metaTraceparent, metaTracestate, exchange.request().headers());
        }
        RpcRecord record = new RpcRecord(this, id, id == null ? null : Json.idText(id), RecurringText.method(method), tool,
                target, requestBytes, trace);
        if (trace != null) {
            record.metaTraceparent = metaTraceparent;
        }
        if (trace != null && tracing.responseHeader() != null && open == null) {
            exchange.answerHead().headers().set(tracing.responseHeader(), trace.traceId());
        }
        if (open == null) {
            open = new OpenMessages();
        }
        open.add(record);
        return record;
    }

    /**
     * The exchange is an {@code initialize} of protocol {@code version}: its events name it as their protocol
     * version, where later requests send the {@code MCP-Protocol-Version} header. Told the version the request
     * asks for ({@code params.protocolVersion}), then the one its answer settles on ({@code result.protocolVersion},
     * which a server that does not support the first names instead): the version used, as OpenTelemetry's MCP
     * conventions define {@code mcp.protocol.version}; the one asked for stays when no such answer came.
     */
    public void initializing(String version) {
        if (route != null && origin == null) {
            offeredProtocol = version;
        }
    }

    /** Finishes every open record with a refusal of the whole exchange (passthrough: nothing went upstream). */
    public void refusedAll(GatewayError error) {
        if (open != null) {
            for (RpcRecord r : open) {
                refused(r, error);
            }
        }
    }

    /**
     * The client's headers this exchange's log plugins clear from the upstream request (Kong's
     * {@code propagation.clear}), lower-case; empty when none or nothing observes the exchange.
     */
    public Set<String> clearedHeaders() {
        if (route == null) {
            return Set.of();
        }
        resolve();
        return sinks.cleared();
    }

    /**
     * Writes the exchange's trace context into its upstream request's headers: its first traced
     * message's ({@link RpcRecord#writeTraceContext}); nothing when untraced.
     */
    public void writeTraceContext(MultiMap headers) {
        if (open != null) {
            for (RpcRecord r : open) {
                if (r.writeTraceContext(headers)) {
                    return;
                }
            }
        }
    }

    /**
     * The forwarded body with the trace context of each traced message that carries {@code params._meta.traceparent}
     * made the gateway's upstream call's, as the headers say ({@link MetaTraceContext}); the body as it is when
     * none does, or no trace context is written upstream.
     */
    public Buffer writeTraceContext(Buffer body) {
        return open == null || !injects() ? body : MetaTraceContext.written(body, open.all());
    }

    /** A payload ({@code log_payloads}) as the logs show it: masked and bounded; null when payloads are off. */
    public String payload(byte[] bytes, int offset, int length) {
        return payloads() ? route.redaction().payload(bytes, offset, length, exchange.credentials().bodyFields()) : null;
    }

    /** Keeps a request's JSON as its payload ({@code log_payloads}), masked and bounded. */
    public void requestPayload(RpcRecord r, byte[] json) {
        if (r.observation != null && payloads()) {
            r.requestPayload = route.redaction().payload(json, 0, json.length, exchange.credentials().bodyFields());
        }
    }

    /** The open record of the request with this id (JSON text), or {@link RpcRecord#NONE}. */
    public RpcRecord record(String idText) {
        return open == null || idText == null ? RpcRecord.NONE : open.unfinished(idText);
    }

    /** The open record of the request with this id, or {@link RpcRecord#NONE}. */
    public RpcRecord record(JsonNode id) {
        // nothing open (nothing observes the exchange): the id is not even written out
        return id == null || open == null ? RpcRecord.NONE : record(Json.idText(id));
    }

    /** A notification: recorded and finished at once. */
    public void notification(String method, int bytes) {
        notification(method, bytes, null, null);
    }

    /**
     * A notification that may carry its trace context in {@code params._meta} (passthrough: the one forwarded),
     * recorded and finished at once.
     */
    public void notification(String method, int bytes, String metaTraceparent, String metaTracestate) {
        if (route != null) {
            finish(begin(null, method, null, null, bytes, metaTraceparent, metaTracestate), 0, null, null, false, null);
        }
    }

    /**
     * Finishes a record with its answer as it will be sent (conversion): a JSON-RPC error is read from
     * it; a tool result's {@code isError} was noted where the result was made.
     */
    public void answered(RpcRecord r, Buffer answer) {
        if (r.observation == null || r.finished) {
            return;
        }
        boolean shown = payloads();
        // one copy for both readers, and none of an answer too large for either (up to 16 MiB, on the event loop)
        byte[] bytes = answer.length() <= (shown ? Redaction.MAX_MASKED_PAYLOAD_BYTES : AnswerOutcome.MAX_INSPECTED)
                && (shown || r.toolError == null) ? answer.getBytes() : null;
        AnswerOutcome outcome = r.toolError == null && answer.length() <= AnswerOutcome.MAX_INSPECTED
                ? AnswerOutcome.read(bytes) : AnswerOutcome.known(Boolean.TRUE.equals(r.toolError));
        String payload = !shown ? null : bytes == null ? Redaction.tooLarge(answer.length())
                : route.redaction().payload(bytes, 0, bytes.length, Set.of());
        finish(r, answer.length(), outcome.code(), outcome.message(), outcome.toolError(), payload);
    }

    /**
     * Finishes a record with a successful answer of {@code length} bytes that is not at hand as one buffer (a
     * {@code tools/list} page sent gzipped): its JSON is made only for a payload the logs show, bounded as above.
     */
    public void answered(RpcRecord r, int length, Supplier<byte[]> json) {
        if (r.observation == null || r.finished) {
            return;
        }
        String payload = !payloads() ? null : length > Redaction.MAX_MASKED_PAYLOAD_BYTES ? Redaction.tooLarge(length)
                : route.redaction().payload(json.get(), 0, length, Set.of());
        finish(r, length, null, null, false, payload);
    }

    /**
     * The upstream gave no answer to the exchange (unreachable, timed out, broken off) and the gateway answers every
     * open message with {@code error} (passthrough): each is a {@code transport_error}, as a converted tool's call
     * its REST API gave no answer to, logged with the gateway's message, not typed by the JSON-RPC code it carries.
     * When its request had gone out, or {@code waited} (a connect timeout), the time waited is Kong's proxy latency,
     * as nginx's {@code upstream_response_time} of its 502 or 504 is; not when the failure is {@code unconnected}
     * (a new connection for a request sent again after a stale pooled one was refused: nothing was proxied).
     */
    public void upstreamFailed(GatewayError error, boolean waited, boolean unconnected) {
        upstream.gaveNoAnswer(waited, unconnected);
        if (open != null) {
            for (RpcRecord r : open) {
                upstreamFailed(r, error);
            }
        }
    }

    /**
     * As {@link #upstreamFailed(GatewayError, boolean, boolean)}, for one message (an era bridge answers each on its own); a refusal
     * that is not the upstream's failure leaves the record as it is. Returns {@code error}.
     */
    public GatewayError upstreamFailed(RpcRecord r, GatewayError error) {
        if (error instanceof GatewayError.UpstreamUnavailable || error instanceof GatewayError.UpstreamTimeout) {
            r.transportFailed(ErrorCatalog.of(error).message());
        }
        return error;
    }

    /** Finishes a record refused by a policy or the mode, with the catalog's code and message. */
    public void refused(RpcRecord r, GatewayError error) {
        if (r.observation != null && !r.finished) {
            ErrorCatalog.Entry entry = ErrorCatalog.of(error);
            finish(r, 0, entry.rpcCode(), entry.message(), false, null);
        }
    }

    /**
     * Finishes a record with what was observed of its answer (passthrough).
     *
     * @param payload the answer as the logs show it, or null
     */
    public void finish(RpcRecord r, int responseBytes, Integer errorCode, String error, boolean toolError,
                       String payload) {
        if (r.observation == null || r.finished) {
            return;
        }
        r.finished = true;
        if (r.transportError != null && !McpEvent.unanswered(errorCode, error)) {
            // the gateway's own answer for an upstream that gave none: a transport failure, not a JSON-RPC error's
            // or the tool's, whatever code the gateway's answer carries (an answer its client never got stays so)
            errorCode = null;
            error = r.transportError;
            toolError = false;
        }
        long now = System.nanoTime();
        // read again on the log plugins' threads: shared instances there, where a fresh string is a miss
        boolean logged = sinks.logged();
        String session = recurring(logged, exchange.sessionIdOrAssigned());
        McpEvent event = new McpEvent(origin(), startedAtMillis, session, r.idText, r.method, r.tool, r.target,
                now - exchange.startedNanos(), r.upstreamNanos >= 0 ? r.upstreamNanos : upstream.nanos(now),
                r.upstreamStarted >= 0 ? r.upstreamStarted - exchange.startedNanos()
                        : upstream.started >= 0 ? upstream.started - exchange.startedNanos() : -1,
                r.upstreamStarted >= 0 ? r.upstreamStatus : upstream.status,
                r.upstream != null ? r.upstream : upstream.service,
                recurring(logged, r.upstreamAddress != null ? r.upstreamAddress : upstream.address),
                r.requestBytes >= 0 ? r.requestBytes : open.size() == 1 ? (int) exchange.request().bytesRead() : -1,
                responseBytes, errorCode, error, toolError, r.toolKnown, r.acl, r.rateLimit, r.trace,
                r.requestPayload, payload, r.upstreamStarted >= 0 ? r.upstreamHttp
                        : r.trace != null && r.trace.sampled() ? upstream.http(route.redaction()) : null);
        sinks.tell(route.global(), event, TrafficSink::message);
        if (logged && finished == null) {
            finished = new ArrayList<>(2);
        }
        if (logged && finished.size() < MAX_RPC) {
            finished.add(event);
        }
    }

    /**
     * The exchange's request goes upstream now, to {@code target} (passthrough).
     *
     * @param method the HTTP method sent
     * @param uri    the path and query sent (Kong's {@code upstream_uri})
     */
    public void upstreamStarted(UpstreamTarget target, String method, String uri) {
        if (route != null) {
            resolve();
            upstream.started(target, method, uri);
        }
    }

    /** What masks the secrets of this exchange's URLs for its spans. */
    Redaction redaction() {
        return route.redaction();
    }

    /**
     * A message's own REST request (a bridge's, a tool call's) goes upstream with {@code uri}: the exchange's
     * {@code upstream_uri} if the first.
     */
    void toolCallSent(RpcRecord call, String uri) {
        upstream.toolCallSent(call, uri);
    }

    /** The exchange's request has its connection and goes out now (passthrough). */
    public void upstreamConnected() {
        upstream.connected();
    }

    /** The upstream's answer head arrived now (passthrough): Kong's proxy latency ends here. */
    public void upstreamAnswered(int status) {
        upstream.answered(status);
    }

    /** A message's own upstream call, an era bridge's, ended with {@code status} ({@link RpcRecord#bridgedCallEnded}). */
    void bridgedCallEnded(int status) {
        if (route != null) {
            upstream.bridgedCallEnded(status);
        }
    }

    /** The answer is complete (or the client went away): finishes what is open and reports the exchange. */
    void end() {
        if (route == null || ended) {
            return;
        }
        ended = true;
        try {
            report();
        } catch (RuntimeException e) {
            // this runs inside the response's end: a fault here must not become the exchange's
            LOG.error("the exchange could not be reported to its log plugins; the gateway goes on", e);
        } finally {
            route.generation().ended();
        }
    }

    private void report() {
        resolve();
        HttpServerResponse response = exchange.request().response();
        int status = response.getStatusCode();
        if (!response.ended()) {
            upstream.clientLeft();
        }
        if (open != null) {
            String outcome = AnswerOutcome.unanswered(response, status, unreadEvent);
            for (RpcRecord r : open) {
                if (!r.finished) {
                    finish(r, open.size() == 1 ? (int) response.bytesWritten() : 0, null, outcome,
                            Boolean.TRUE.equals(r.toolError), null);
                }
            }
        }
        if (sinks.logged()) {
            long now = System.nanoTime();
            long upstreamNanos = upstream.proxyNanos();
            long receiveNanos = upstream.receiveNanos(now);
            int upstreamStatus = upstream.loggedStatus(status);
            boolean upstreamAnswered = upstream.answered();
            if (upstreamNanos < 0 && open != null) {
                CallTimes calls = callTimes(now);
                upstreamNanos = calls.waited();
                receiveNanos = calls.receive();
                upstreamAnswered = calls.answered();
                if (upstreamStatus == 0) {
                    // Kong logs the proxied request's status: the call upstream_uri names, or nginx's 502 or 504
                    upstreamStatus = upstream.firstCallStatus();
                }
            }
            ExchangeEvent event = ExchangeEvents.of(exchange, sinks.headers(), route.redaction(), origin(), startedAtMillis,
                    upstreamNanos, upstreamStatus, upstreamAnswered, finished == null ? List.of() : finished,
                    upstream.uri, route.servicePath(), receiveNanos);
            sinks.tell(route.global(), event, TrafficSink::exchange);
        }
    }

    /**
     * Kong's proxy and receive latencies of an exchange whose messages made calls of their own (tool calls, a
     * bridge's).
     *
     * @param waited   the wait for the longest call's answer head (a batch's calls run at once), a call the gateway
     *                 waited on in vain included (nginx's wait before its 502 or 504: a connect timeout, a request that
     *                 went out and got no head), and one whose head came before its body failed (to that head); -1
     *                 when none was answered or waited for: a call refused its connection proxied nothing, as nginx's
     *                 does
     * @param receive  from the last head to the exchange's end; 0 when none came
     * @param answered some call's upstream answered (or its client left first): Kong's {@code source} is then the
     *                 service
     */
    private record CallTimes(long waited, long receive, boolean answered) {
    }

    private CallTimes callTimes(long now) {
        long waited = -1;
        long lastHead = -1;
        boolean answered = false;
        for (RpcRecord r : open) {
            if (r.upstreamStarted < 0 || r.upstreamNanos < 0) {
                continue;
            }
            if (r.upstreamStatus == 0) {
                if (r.upstreamHeadAt >= 0) {
                    // its head came, its body was refused or cut: nginx's wait ended at the head, the rest was receiving
                    waited = Math.max(waited, r.upstreamHeadAt - r.upstreamStarted);
                    lastHead = Math.max(lastHead, r.upstreamHeadAt);
                } else if (r.upstreamWaited) {
                    waited = Math.max(waited, r.upstreamNanos);
                }
                continue;
            }
            answered = true;
            waited = Math.max(waited, r.upstreamHeadAt >= 0 ? r.upstreamHeadAt - r.upstreamStarted : r.upstreamNanos);
            lastHead = Math.max(lastHead, r.upstreamHeadAt);
        }
        return new CallTimes(waited, lastHead < 0 ? 0 : now - lastHead, answered);
    }

    /**
     * An event of the answer's stream was too large to observe and was relayed unread: a request left open
     * may have had its answer in it, so it is not counted as unanswered (as a JSON answer too large to read).
     */
    public void eventUnread() {
        unreadEvent = true;
    }

    /** The log plugins for this caller: chosen once, after authentication has run. */
    private void resolve() {
        if (sinks == ExchangeSinks.UNCHOSEN) {
            sinks = ExchangeSinks.of(chain.loggers(exchange));
        }
    }

    private Origin origin() {
        if (origin == null) {
            Consumer consumer = exchange.principal().consumer();
            Principal.Credential credential = exchange.principal().credential();
            boolean logged = sinks.logged();
            origin = new Origin(route.facts(), consumer == null ? null : consumer.id(),
                    consumer == null ? null : consumer.username(), consumer == null ? null : consumer.customId(),
                    exchange.clientAddress(), recurring(logged, exchange.authority()),
                    recurring(logged, exchange.protocolVersion() != null ? exchange.protocolVersion() : offeredProtocol),
                    credential == null ? null : credential.entityId(),
                    exchange.clientPort());
        }
        return origin;
    }

    private static String recurring(boolean logged, String text) {
        return logged ? RecurringText.of(text) : text;
    }
}
