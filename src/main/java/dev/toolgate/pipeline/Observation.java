package dev.toolgate.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.error.GatewayError;
import dev.toolgate.mcp.Json;
import dev.toolgate.observe.ExchangeEvent;
import dev.toolgate.observe.McpEvent;
import dev.toolgate.observe.Origin;
import dev.toolgate.observe.RecurringText;
import dev.toolgate.observe.Redaction;
import dev.toolgate.observe.TraceIds;
import dev.toolgate.observe.Tracing;
import dev.toolgate.observe.TrafficSink;
import io.vertx.core.http.HttpServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The pipeline's emission point for one exchange: the mode opens an {@link RpcRecord} per JSON-RPC
 * message here and finishes it with the answer ({@link MessageEvents}); each finished message becomes one
 * {@link McpEvent} for the exchange's sinks (the route's log plugins for this caller, chosen by Kong's precedence,
 * and the sinks every route has); when the answer is complete, one {@link ExchangeEvent} goes to the log
 * plugins. A message the mode did not finish is finished then, with the exchange's outcome. Passthrough tells
 * the exchange's own upstream request to its {@link #upstream()}.
 *
 * <p>Confined to the exchange's event loop. Sinks are called there and must not block; one that throws
 * is logged and skipped, never the request's failure.
 */
public final class Observation {

    private static final Logger LOG = LoggerFactory.getLogger(Observation.class);
    /** The most messages of one exchange kept for its log entry (a batch may be long). */
    private static final int MAX_RPC = 128;

    static final Observation OFF = new Observation(null, null, null);

    final Exchange exchange;
    private final ObservedRoute route;
    private final PolicyChain chain;
    final long startedAtMillis;
    /** The route's log plugins for this caller, after the sinks every route has. */
    ExchangeSinks sinks = ExchangeSinks.UNCHOSEN;
    private Origin origin;
    /** The messages opened, null until the first. */
    OpenMessages open;
    /** The events of the messages finished, for the log entry; null until the first a log plugin reports. */
    private List<McpEvent> finished;
    final ExchangeUpstream upstream = new ExchangeUpstream(this);
    private boolean ended;
    /** The protocol version of an {@code initialize}, which no header carries yet; or null. */
    private String offeredProtocol;
    /** An event of the answer's stream was too large to read: an answer may have gone out unseen. */
    private boolean unreadEvent;
    /**
     * The exchange's log event, made when its answer (a 202) ended and held while requests it accepted await their
     * answers on a legacy HTTP+SSE stream ({@link RpcRecord#answerFollows}); null otherwise.
     */
    private ExchangeEvent held;
    /** Requests the exchange's 202 accepted still await their answers on another exchange: it is not reported yet. */
    private boolean awaitingLater;
    /** A record's answer may follow on another exchange ({@link RpcRecord#answerFollows}): none on the modern path. */
    boolean answersMayFollow;

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

    /** The exchange's own upstream request (passthrough), as its events report it. */
    public ExchangeUpstream upstream() {
        return upstream;
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
                MessageEvents.refused(r, error);
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
            RpcRecord record = begin(null, method, null, null, bytes, metaTraceparent, metaTracestate);
            MessageEvents.finish(record, 0, null, null, false, null);
        }
    }

    /**
     * An event of the answer's stream was too large to observe and was relayed unread: a request left open
     * may have had its answer in it, so it is not counted as unanswered (as a JSON answer too large to read).
     */
    public void eventUnread() {
        unreadEvent = true;
    }

    /** What masks the secrets of this exchange's URLs for its spans. */
    Redaction redaction() {
        return route.redaction();
    }

    /** Tells the sinks of a finished message's event, and keeps it for the exchange's log entry. */
    void tell(McpEvent event) {
        sinks.tell(route.global(), event, TrafficSink::message);
        if (!sinks.logged()) {
            return;
        }
        if (finished == null) {
            finished = new ArrayList<>(2);
        }
        if (finished.size() < MAX_RPC) {
            finished.add(event);
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
            awaitingLater = false;
        } finally {
            if (!awaitingLater) {
                route.generation().ended();
            }
        }
    }

    private void report() {
        resolve();
        HttpServerResponse response = exchange.request().response();
        if (!response.ended()) {
            upstream.clientLeft();
        }
        // a legacy HTTP+SSE server accepts a POST with 202 and answers its requests on the session's stream: those are
        // finished when that answer comes (or the stream ends, or 10 minutes pass), and the entry waits for them
        awaitingLater = open != null && response.ended() && response.getStatusCode() == 202 && awaitsLater();
        if (answersMayFollow && !awaitingLater) {
            // not accepted (refused, answered in its own body, failed, its client gone): its requests stop awaiting
            // their answers elsewhere at once, so that a retry of their ids is paired and they hold no place there;
            // its outcome finishes those still open
            for (RpcRecord r : open) {
                if (r.answerFollows != null) {
                    r.answerFollows.run();
                }
            }
        }
        if (open != null) {
            MessageEvents.leftOpen(open, response, unreadEvent, awaitingLater);
        }
        if (sinks.logged()) {
            // made now: its HTTP fields (status, size, latencies) are the exchange's own, whenever its calls end
            ExchangeEvent event = ExchangeEvents.of(exchange, sinks.headers(), route, origin(), startedAtMillis,
                    upstream, open, finished == null ? List.of() : finished);
            if (awaitingLater) {
                held = event;
            } else {
                sinks.tell(route.global(), event, TrafficSink::exchange);
            }
        }
    }

    /** True when a request left open awaits its answer on another exchange ({@link RpcRecord#answerFollows}). */
    private boolean awaitsLater() {
        for (RpcRecord r : open) {
            if (r.answerFollows != null && !r.finished) {
                return true;
            }
        }
        return false;
    }

    /**
     * Finishes a request whose answer came on another exchange (a legacy HTTP+SSE session's stream), or never came
     * ({@code error} one of {@link McpEvent#unanswered}'s), on this exchange's event loop; once none of those the
     * exchange's 202 left open awaits, its log entry goes out, with them. A record already finished is left as it is.
     */
    public void answeredLater(RpcRecord r, int responseBytes, Integer errorCode, String error, boolean toolError,
                              String payload) {
        if (r.observation != this || r.finished) {
            return;
        }
        MessageEvents.finish(r, responseBytes, errorCode, error, toolError, payload);
        if (!awaitingLater || awaitsLater()) {
            return;
        }
        awaitingLater = false;
        try {
            if (held != null) {
                sinks.tell(route.global(), held.withRpc(finished == null ? List.of() : finished),
                        TrafficSink::exchange);
            }
        } catch (RuntimeException e) {
            LOG.error("the exchange could not be reported to its log plugins; the gateway goes on", e);
        } finally {
            held = null;
            route.generation().ended();
        }
    }

    /** The log plugins for this caller: chosen once, after authentication has run. */
    void resolve() {
        if (sinks == ExchangeSinks.UNCHOSEN) {
            sinks = ExchangeSinks.of(chain.loggers(exchange));
        }
    }

    /** Who called, through which route: the same for each of the exchange's events, made for the first. */
    Origin origin() {
        if (origin == null) {
            origin = MessageEvents.origin(exchange, route.facts(), sinks.logged(), offeredProtocol);
        }
        return origin;
    }
}
