package dev.toolgate.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.config.Consumer;
import dev.toolgate.error.ErrorCatalog;
import dev.toolgate.error.GatewayError;
import dev.toolgate.http.UpstreamTarget;
import dev.toolgate.mcp.Json;
import dev.toolgate.mcp.McpEnvelope;
import dev.toolgate.mcp.MediaTypes;
import dev.toolgate.observe.ExchangeEvent;
import dev.toolgate.observe.McpEvent;
import dev.toolgate.observe.Redaction;
import dev.toolgate.observe.Origin;
import dev.toolgate.observe.RecurringText;
import dev.toolgate.observe.TrafficSink;
import dev.toolgate.observe.TraceIds;
import dev.toolgate.observe.Tracing;
import dev.toolgate.observe.UpstreamHttp;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
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
    /** Answers up to this size are read for their JSON-RPC error; larger ones are results. */
    private static final int MAX_INSPECTED = 64 * 1024;

    static final Observation OFF = new Observation(null, null, null);

    private final Exchange exchange;
    private final ObservedRoute route;
    private final PolicyChain chain;
    private final long startedAtMillis;
    /** The route's log plugins for this caller, after the sinks every route has; null until chosen. */
    private List<TrafficSink> loggerSinks;
    /** Whether a chosen sink reads the exchange's headers (a Kong log entry); else they are not gathered. */
    private boolean headers;
    private Tracing tracing;
    /** The client headers the route's tracing plugins clear (lower-case); empty for none. */
    private Set<String> cleared = Set.of();
    private Origin origin;
    private List<RpcRecord> open;
    /**
     * The open records by id, once a batch has more than {@link #SCANNED} of them: each element's
     * answer looks its record up, and a scan per element made a 20,000-element batch quadratic.
     */
    private Map<String, ArrayDeque<RpcRecord>> openById;
    private static final int SCANNED = 8;
    private List<McpEvent> finished;
    private long upstreamStarted = -1;
    private long upstreamNanos = -1;
    private int upstreamStatus = -1;
    private String upstream;
    private String upstreamAddress;
    /** The path and query sent upstream: the proxied request's, or the first tool call's REST request. */
    private String upstreamUri;
    /** The proxied request as its span shows it (passthrough); null when untraced. */
    private UpstreamHttp upstreamHttp;
    private boolean ended;
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
        return tracing != null && tracing.inject(trace, headers);
    }

    /** True when the route's tracing writes trace context upstream (in some format). */
    boolean injects() {
        return tracing != null && tracing.injects();
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
        if (tracing != null) {
            trace = tracing.begin(metaTraceparent, metaTracestate, exchange.request().headers());
        }
        RpcRecord record = new RpcRecord(this, id, id == null ? null : Json.idText(id), shared(method), tool,
                target, requestBytes, trace);
        if (trace != null) {
            record.metaTraceparent = metaTraceparent;
        }
        if (trace != null && tracing.responseHeader() != null && open == null) {
            exchange.answerHead().headers().set(tracing.responseHeader(), trace.traceId());
        }
        if (open == null) {
            open = new ArrayList<>(2);
        }
        open.add(record);
        if (openById != null) {
            index(record);
        } else if (open.size() > SCANNED) {
            openById = new HashMap<>();
            open.forEach(this::index);
        }
        return record;
    }

    private void index(RpcRecord record) {
        if (record.idText != null) {
            openById.computeIfAbsent(record.idText, k -> new ArrayDeque<>(1)).add(record);
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
        return cleared;
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
        return open == null || tracing == null || !tracing.injects() ? body : MetaTraceContext.written(body, open);
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
        if (open == null || idText == null) {
            return RpcRecord.NONE;
        }
        if (openById != null) {
            ArrayDeque<RpcRecord> same = openById.get(idText);
            while (same != null && !same.isEmpty() && same.peekFirst().finished) {
                same.pollFirst();
            }
            return same == null || same.isEmpty() ? RpcRecord.NONE : same.peekFirst();
        }
        for (RpcRecord r : open) {
            if (!r.finished && idText.equals(r.idText)) {
                return r;
            }
        }
        return RpcRecord.NONE;
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
        Integer code = null;
        String message = null;
        boolean toolError = r.toolError != null && r.toolError;
        boolean shown = payloads();
        // one copy for both readers, and none of an answer too large for either (up to 16 MiB, on the event loop)
        byte[] bytes = answer.length() <= (shown ? Redaction.MAX_MASKED_PAYLOAD_BYTES : MAX_INSPECTED)
                && (shown || r.toolError == null) ? answer.getBytes() : null;
        if (r.toolError == null && answer.length() <= MAX_INSPECTED) {
            try {
                List<McpEnvelope> read = McpEnvelope.readAll(bytes, 0, bytes.length);
                if (read.size() == 1 && read.getFirst().error()) {
                    code = read.getFirst().errorCode();
                    message = errorMessage(answer);
                }
                toolError = read.size() == 1 && Boolean.TRUE.equals(read.getFirst().toolError());
            } catch (IOException e) {
                message = "the answer is not JSON";
            }
        }
        String payload = !shown ? null : bytes == null ? Redaction.tooLarge(answer.length())
                : route.redaction().payload(bytes, 0, bytes.length, java.util.Set.of());
        finish(r, answer.length(), code, message, toolError, payload);
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
        long now = System.nanoTime();
        // read again on the log plugins' threads: shared instances there, where a fresh string is a miss
        boolean logged = !loggerSinks.isEmpty();
        String session = recurring(logged, exchange.sessionIdOrAssigned());
        McpEvent event = new McpEvent(origin(), startedAtMillis, session, r.idText, r.method, r.tool, r.target,
                now - exchange.startedNanos(), r.upstreamNanos >= 0 ? r.upstreamNanos : upstreamOf(now),
                r.upstreamStarted >= 0 ? r.upstreamStarted - exchange.startedNanos()
                        : upstreamStarted >= 0 ? upstreamStarted - exchange.startedNanos() : -1,
                r.upstreamStarted >= 0 ? r.upstreamStatus : upstreamStatus,
                r.upstream != null ? r.upstream : upstream,
                recurring(logged, r.upstreamAddress != null ? r.upstreamAddress : upstreamAddress),
                r.requestBytes >= 0 ? r.requestBytes : open.size() == 1 ? (int) exchange.request().bytesRead() : -1,
                responseBytes, errorCode, error, toolError, r.toolKnown, r.acl, r.rateLimit, r.trace,
                r.requestPayload, payload, r.upstreamStarted >= 0 ? r.upstreamHttp
                        : r.trace != null && r.trace.sampled() ? upstreamHttp : null);
        tell(route.global(), event, TrafficSink::message);
        tell(loggerSinks, event, TrafficSink::message);
        if (!loggerSinks.isEmpty() && finished == null) {
            finished = new ArrayList<>(2);
        }
        if (!loggerSinks.isEmpty() && finished.size() < MAX_RPC) {
            finished.add(event);
        }
    }

    /**
     * Kong's {@code upstream_status} is nginx's {@code $upstream_status}: for an upstream that gave no answer
     * (refused, reset, timed out) nginx records the 502 or 504 it answered; one the client left before it
     * answered, or none started, records nothing. The events keep 0 there: their readers tell "no answer" apart.
     */
    private int loggedUpstreamStatus(int answered) {
        return upstreamStarted >= 0 && upstreamStatus == 0 && (answered == 502 || answered == 504) ? answered
                : Math.max(upstreamStatus, 0);
    }

    private long upstreamOf(long now) {
        return upstreamStarted < 0 ? -1 : upstreamNanos >= 0 ? upstreamNanos : now - upstreamStarted;
    }

    /**
     * The exchange's request goes upstream now, to {@code target} (passthrough).
     *
     * @param method the HTTP method sent
     * @param uri    the path and query sent (Kong's {@code upstream_uri})
     */
    public void upstreamStarted(UpstreamTarget target, String method, String uri) {
        if (route != null) {
            upstreamStarted = System.nanoTime();
            upstream = target.service();
            upstreamAddress = target.host() + ":" + target.port();
            upstreamStatus = 0;
            upstreamUri = uri;
            resolve();
            if (tracing != null) {
                // an MCP endpoint's path is one per route: no template is needed to keep it low-cardinality
                upstreamHttp = upstreamHttp(target, method, uri, null);
            }
        }
    }

    /**
     * An upstream request as its span shows it: the URL sent, its secret query arguments masked as the logs'
     * {@code upstream_uri} is (a transformer or a tool's fixed query may add a key there).
     */
    UpstreamHttp upstreamHttp(UpstreamTarget target, String method, String uri, String template) {
        String url = (target.tls() ? "https://" : "http://") + target.hostHeader()
                + ExchangeEvents.upstreamUri(uri, route.redaction());
        return new UpstreamHttp(method, url, template);
    }

    /** A tool call's REST request goes upstream with {@code uri}: the exchange's {@code upstream_uri} if the first. */
    void toolCallSent(String uri) {
        if (upstreamUri == null) {
            upstreamUri = uri;
        }
    }

    /** The upstream's answer head arrived now (passthrough): Kong's proxy latency ends here. */
    public void upstreamAnswered(int status) {
        if (upstreamStarted >= 0) {
            upstreamNanos = System.nanoTime() - upstreamStarted;
            upstreamStatus = status;
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
        if (!response.ended() && upstreamStarted >= 0 && upstreamNanos < 0) {
            // the client went away before the upstream answered: the gateway stopped waiting; the upstream did not fail
            upstreamStatus = McpEvent.UPSTREAM_ABANDONED;
        }
        if (open != null) {
            String outcome = unansweredOutcome(response, status, unreadEvent);
            for (RpcRecord r : open) {
                if (!r.finished) {
                    finish(r, open.size() == 1 ? (int) response.bytesWritten() : 0, null, outcome,
                            Boolean.TRUE.equals(r.toolError), null);
                }
            }
        }
        if (!loggerSinks.isEmpty()) {
            long upstream = upstreamStarted < 0 ? -1 : upstreamOf(System.nanoTime());
            if (upstream < 0 && finished != null) {
                // tool calls: the exchange waited for its longest call (a batch's calls run at once)
                for (McpEvent e : finished) {
                    upstream = Math.max(upstream, e.upstreamNanos());
                }
            }
            ExchangeEvent event = ExchangeEvents.of(exchange, headers, route.redaction(), origin(), startedAtMillis,
                    upstream, loggedUpstreamStatus(status), finished == null ? List.of() : finished, upstreamUri,
                    route.servicePath());
            tell(route.global(), event, TrafficSink::exchange);
            tell(loggerSinks, event, TrafficSink::exchange);
        }
    }

    /**
     * What a request the mode did not finish gets as its error: none when the answer went out but was not read
     * (a JSON body or an SSE event too large to observe, another content type), the HTTP status when that failed, and
     * {@code unanswered} when the client cannot have had its answer: the connection closed first, or the SSE
     * stream that was to carry it ended. An unanswered call is not a success (made-up names must not become
     * labels, nor the page read {@code ok}).
     */
    private static String unansweredOutcome(HttpServerResponse response, int status, boolean unreadEvent) {
        if (!response.ended()) {
            return McpEvent.CLIENT_CLOSED;
        }
        if (status >= 400) {
            return "HTTP " + status;
        }
        return !unreadEvent && MediaTypes.isEventStream(response.headers().get("content-type"))
                ? McpEvent.STREAM_ENDED : null;
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
        if (loggerSinks != null) {
            return;
        }
        loggerSinks = chain.loggers(exchange);
        for (TrafficSink sink : loggerSinks) {
            if (tracing == null) {
                tracing = sink.tracing();
            }
            cleared = PolicyChain.bothCleared(cleared, sink.clearedHeaders());
            headers |= sink.readsHeaders();
        }
    }

    /** Tells each sink in turn; one that throws is logged and skipped, never the exchange's failure. */
    private static <E> void tell(List<TrafficSink> sinks, E event, BiConsumer<TrafficSink, E> call) {
        for (TrafficSink sink : sinks) {
            try {
                call.accept(sink, event);
            } catch (RuntimeException e) {
                LOG.error("a traffic sink failed on {}; the gateway goes on", event.getClass().getSimpleName(), e);
            }
        }
    }

    /**
     * One long-lived string for each of MCP's common methods: the log plugins' threads read an event's
     * method on another core, where a string every event shares stays cached and the one just parsed is
     * a miss (tool names are the catalog's already).
     */
    private static String shared(String method) {
        return switch (method) {
            case "tools/call" -> "tools/call";
            case "tools/list" -> "tools/list";
            case "initialize" -> "initialize";
            case "notifications/initialized" -> "notifications/initialized";
            case "ping" -> "ping";
            case "resources/list" -> "resources/list";
            case "resources/read" -> "resources/read";
            case "prompts/list" -> "prompts/list";
            case "prompts/get" -> "prompts/get";
            case null, default -> method;
        };
    }

    private Origin origin() {
        if (origin == null) {
            Consumer consumer = exchange.principal().consumer();
            Principal.Credential credential = exchange.principal().credential();
            boolean logged = !loggerSinks.isEmpty();
            origin = new Origin(route.facts(), consumer == null ? null : consumer.id(),
                    consumer == null ? null : consumer.username(), consumer == null ? null : consumer.customId(),
                    exchange.clientAddress(), recurring(logged, exchange.authority()),
                    recurring(logged, exchange.protocolVersion()), credential == null ? null : credential.entityId(),
                    exchange.clientPort());
        }
        return origin;
    }

    private static String recurring(boolean logged, String text) {
        return logged ? RecurringText.of(text) : text;
    }

    private static String errorMessage(Buffer answer) {
        try {
            JsonNode tree = dev.toolgate.mcp.Json.parse(answer.getBytes());
            JsonNode message = tree.path("error").path("message");
            return message.isTextual() ? message.asText() : null;
        } catch (IOException e) {
            return null;
        }
    }
}
