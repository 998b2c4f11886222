package dev.toolgate.pipeline;

import dev.toolgate.config.Consumer;
import dev.toolgate.error.ErrorCatalog;
import dev.toolgate.error.GatewayError;
import dev.toolgate.observe.McpEvent;
import dev.toolgate.observe.Origin;
import dev.toolgate.observe.RecurringText;
import dev.toolgate.observe.Redaction;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

import java.util.Set;
import java.util.function.Supplier;

/**
 * How a message's event is finished: the mode finishes the {@link RpcRecord} its {@link Observation} opened with
 * the answer (read for its JSON-RPC error), a refusal, or what it observed of the answer, and the record becomes one
 * {@link McpEvent} for the exchange's sinks. What the record does not say of its upstream call, the exchange's own
 * ({@link ExchangeUpstream}) does. A record already finished, or {@link RpcRecord#NONE}, is left as it is.
 */
public final class MessageEvents {

    private MessageEvents() {
    }

    /**
     * Finishes a record with its answer as it will be sent (conversion): a JSON-RPC error is read from
     * it; a tool result's {@code isError} was noted where the result was made.
     */
    public static void answered(RpcRecord r, Buffer answer) {
        Observation observation = r.observation;
        if (observation == null || r.finished) {
            return;
        }
        boolean shown = observation.payloads();
        // one copy for both readers, and none of an answer too large for either (up to 16 MiB, on the event loop)
        byte[] bytes = answer.length() <= (shown ? Redaction.MAX_MASKED_PAYLOAD_BYTES : AnswerOutcome.MAX_INSPECTED)
                && (shown || r.toolError == null) ? answer.getBytes() : null;
        AnswerOutcome outcome = r.toolError == null && answer.length() <= AnswerOutcome.MAX_INSPECTED
                ? AnswerOutcome.read(bytes) : AnswerOutcome.known(Boolean.TRUE.equals(r.toolError));
        String payload = !shown ? null : bytes == null ? Redaction.tooLarge(answer.length())
                : observation.redaction().payload(bytes, 0, bytes.length, Set.of());
        finish(r, answer.length(), outcome.code(), outcome.message(), outcome.toolError(), payload);
    }

    /**
     * Finishes a record with a successful answer of {@code length} bytes that is not at hand as one buffer (a
     * {@code tools/list} page sent gzipped): its JSON is made only for a payload the logs show, bounded as above.
     */
    public static void answered(RpcRecord r, int length, Supplier<byte[]> json) {
        Observation observation = r.observation;
        if (observation == null || r.finished) {
            return;
        }
        String payload = !observation.payloads() ? null
                : length > Redaction.MAX_MASKED_PAYLOAD_BYTES ? Redaction.tooLarge(length)
                : observation.redaction().payload(json.get(), 0, length, Set.of());
        finish(r, length, null, null, false, payload);
    }

    /** Finishes a record refused by a policy or the mode, with the catalog's code and message. */
    public static void refused(RpcRecord r, GatewayError error) {
        if (r.observation != null && !r.finished) {
            ErrorCatalog.Entry entry = ErrorCatalog.of(error);
            finish(r, 0, entry.rpcCode(), entry.message(), false, null);
        }
    }

    /**
     * The upstream gave no answer to the message (unreachable, timed out, broken off) and the gateway answers it with
     * {@code error} (an era bridge answers each on its own; {@link ExchangeUpstream#failed} every open one): it is a
     * {@code transport_error}, as a converted tool's call its REST API gave no answer to, logged with the gateway's
     * message, not typed by the JSON-RPC code it carries. A refusal that is not the upstream's failure leaves the
     * record as it is. Returns {@code error}.
     */
    public static GatewayError upstreamFailed(RpcRecord r, GatewayError error) {
        if (error instanceof GatewayError.UpstreamUnavailable || error instanceof GatewayError.UpstreamTimeout) {
            r.transportFailed(ErrorCatalog.of(error).message());
        }
        return error;
    }

    /**
     * Finishes a record with what was observed of its answer (passthrough).
     *
     * @param payload the answer as the logs show it, or null
     */
    public static void finish(RpcRecord r, int responseBytes, Integer errorCode, String error, boolean toolError,
                              String payload) {
        Observation o = r.observation;
        if (o == null || r.finished) {
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
        Exchange exchange = o.exchange;
        ExchangeUpstream upstream = o.upstream;
        // read again on the log plugins' threads: shared instances there, where a fresh string is a miss
        boolean logged = o.sinks.logged();
        String session = recurring(logged, exchange.sessionIdOrAssigned());
        o.tell(new McpEvent(o.origin(), o.startedAtMillis, session, r.idText, r.method, r.tool, r.target,
                now - exchange.startedNanos(), r.upstreamNanos >= 0 ? r.upstreamNanos : upstream.nanos(now),
                r.upstreamStarted >= 0 ? r.upstreamStarted - exchange.startedNanos()
                        : upstream.started >= 0 ? upstream.started - exchange.startedNanos() : -1,
                r.upstreamStarted >= 0 ? r.upstreamStatus : upstream.status,
                r.upstream != null ? r.upstream : upstream.service,
                recurring(logged, r.upstreamAddress != null ? r.upstreamAddress : upstream.address),
                r.requestBytes >= 0 ? r.requestBytes : o.open.size() == 1 ? (int) exchange.request().bytesRead() : -1,
                responseBytes, errorCode, error, toolError, r.toolKnown, r.acl, r.rateLimit, r.trace,
                r.requestPayload, payload, r.upstreamStarted >= 0 ? r.upstreamHttp
                        : r.trace != null && r.trace.sampled() ? upstream.http(o.redaction()) : null));
    }

    /**
     * The exchange ended (its answer complete, or its client gone) with records the mode did not finish: each is
     * finished with the exchange's outcome ({@link AnswerOutcome#unanswered}); the answer's size is a lone message's.
     *
     * @param unreadEvent an event of the answer's stream was too large to read: an answer may have gone out unseen
     * @param later       the exchange was accepted (202) and those of its records whose answer follows on another
     *                    exchange ({@link RpcRecord#answerFollows}) stay open for it
     */
    static void leftOpen(OpenMessages open, HttpServerResponse response, boolean unreadEvent, boolean later) {
        String outcome = AnswerOutcome.unanswered(response, response.getStatusCode(), unreadEvent);
        for (RpcRecord r : open) {
            if (!r.finished && !(later && r.answerFollows != null)) {
                finish(r, open.size() == 1 ? (int) response.bytesWritten() : 0, null, outcome,
                        Boolean.TRUE.equals(r.toolError), null);
            }
        }
    }

    /**
     * Who called, through which route, as every event of {@code exchange} says: {@code offeredProtocol} is the
     * protocol version of an {@code initialize}, which no header carries yet.
     */
    static Origin origin(Exchange exchange, Origin.RouteFacts route, boolean logged, String offeredProtocol) {
        Consumer consumer = exchange.principal().consumer();
        Principal.Credential credential = exchange.principal().credential();
        return new Origin(route, consumer == null ? null : consumer.id(),
                consumer == null ? null : consumer.username(), consumer == null ? null : consumer.customId(),
                exchange.clientAddress(), recurring(logged, exchange.authority()),
                recurring(logged, exchange.protocolVersion() != null ? exchange.protocolVersion() : offeredProtocol),
                credential == null ? null : credential.entityId(),
                exchange.clientPort());
    }

    private static String recurring(boolean logged, String text) {
        return logged ? RecurringText.of(text) : text;
    }
}
