package dev.toolgate.pipeline;

import dev.toolgate.error.GatewayError;
import dev.toolgate.http.UpstreamTarget;
import dev.toolgate.observe.McpEvent;
import dev.toolgate.observe.Redaction;
import dev.toolgate.observe.SentRequest;
import dev.toolgate.observe.UpstreamHttp;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/**
 * The exchange's own upstream call as its events report it (passthrough sends the exchange's request upstream and
 * tells it here; a tool call's REST request is its {@link RpcRecord}'s): when it started and answered, where it went,
 * and the path and query sent, Kong's {@code upstream_uri}. Confined to the exchange's event loop.
 */
public final class ExchangeUpstream {

    /** The exchange's observation, whose open messages the request carries. */
    private final Observation observation;
    /** When it started ({@link System#nanoTime()}), or -1 when nothing went upstream. */
    long started = -1;
    /** How long until its answer head, or -1 while none came. */
    long nanos = -1;
    /** When its answer head came ({@link System#nanoTime()}), or -1 while none did. */
    private long answeredAt = -1;
    /** Its answer's status; 0 for none (yet), -1 when nothing went upstream. */
    int status = -1;
    /** The service called. */
    String service;
    /**
     * The request had its connection and went out: a failure from then on, before the answer's head, ended a wait for
     * that answer (nginx's {@code upstream_response_time} beside its 502 or 504), not a connection never made.
     */
    private boolean connected;
    /** The host and port called. */
    String address;
    /** The path and query sent upstream: the proxied request's, or the first tool call's REST request. */
    String uri;
    /** The message whose own call ({@link RpcRecord#upstreamStarted}) went first, naming {@link #uri}; or null. */
    private RpcRecord firstCall;
    /** Where the proxied request went (passthrough), or null. */
    private UpstreamTarget target;
    /** The proxied request's method, or null. */
    private String method;
    /** The proxied request as its span shows it, once a recorded span asked for it. */
    private UpstreamHttp http;
    /**
     * The status of the last of its messages' own upstream calls to end (an era bridge sends each message itself,
     * on the link's event loop), as {@link #status} reads; -1 when none ended.
     */
    private volatile int bridgedStatus = -1;

    ExchangeUpstream(Observation observation) {
        this.observation = observation;
    }

    /**
     * Writes the exchange's trace context into its upstream request's headers: its first traced
     * message's ({@link RpcRecord#writeTraceContext}); nothing when untraced.
     */
    public void writeTraceContext(MultiMap headers) {
        if (observation.open != null) {
            for (RpcRecord r : observation.open) {
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
        return observation.open == null || !observation.sinks.injects() ? body
                : MetaTraceContext.written(body, observation.open.all());
    }

    /**
     * The exchange's request goes upstream now, to {@code target}.
     *
     * @param method the HTTP method sent
     * @param uri    the path and query sent (Kong's {@code upstream_uri})
     */
    public void started(UpstreamTarget target, String method, String uri) {
        if (!observation.on()) {
            return;
        }
        observation.resolve();
        started = System.nanoTime();
        service = target.service();
        address = target.host() + ":" + target.port();
        status = 0;
        this.uri = uri;
        this.target = target;
        this.method = method;
    }

    /**
     * The proxied request as its span shows it, its URL's secret query arguments masked by {@code redaction}; null
     * when none went upstream. Made on the first recorded span's demand, not when the request goes: an unsampled
     * trace's call (most, at a low sampling rate) never pays for the URL.
     */
    UpstreamHttp http(Redaction redaction) {
        if (http == null && target != null) {
            // an MCP endpoint's path is one per route: no template is needed to keep it low-cardinality
            http = new SentRequest(target.tls(), target.hostHeader(), method, uri, null).http(redaction);
        }
        return http;
    }

    /** {@code call}'s own request goes upstream with {@code uri}: the exchange's {@code upstream_uri} if the first. */
    void toolCallSent(RpcRecord call, String uri) {
        if (this.uri == null) {
            this.uri = uri;
            firstCall = call;
        }
    }

    /**
     * nginx's {@code $upstream_status} of the first message's own call, the one {@link #uri} names: its answer's
     * status, or the 502 or 504 nginx would have made when it gave none; 0 while it runs, when its client left first,
     * or when none was made.
     */
    int firstCallStatus() {
        if (firstCall == null) {
            return 0;
        }
        int status = firstCall.upstreamStatus;
        return status > 0 ? status : status == 0 ? firstCall.upstreamFailedStatus : 0;
    }

    /** The upstream's answer head arrived now: Kong's proxy latency ends here. */
    public void answered(int status) {
        if (started >= 0) {
            answeredAt = System.nanoTime();
            nanos = answeredAt - started;
            this.status = status;
        }
    }

    /** The request has its connection and goes out now. */
    public void connected() {
        // an unobserved exchange's is one shared instance (Observation.OFF): every loop writing it would pass its
        // cache line between cores on each call, for a flag nothing reads while started is -1
        if (started >= 0) {
            connected = true;
        }
    }

    /**
     * The upstream gave no answer head (unreachable, timed out, closed, reset) and the gateway answers every open
     * message with {@code error}: each is a {@code transport_error} ({@link MessageEvents#upstreamFailed}). When the
     * request had gone out ({@link #connected}) or {@code waited} (its connection took connect_timeout), Kong's proxy
     * latency is the time waited, as nginx's {@code upstream_response_time} of its 502 or 504 is; else nothing was
     * proxied. An {@code unconnected} failure is of a connection never made: the request sent again after its pooled
     * connection turned out stale was refused a new one, and proxied nothing whatever the stale attempt did.
     */
    public void failed(GatewayError error, boolean waited, boolean unconnected) {
        if (started >= 0 && answeredAt < 0 && nanos < 0 && (connected && !unconnected || waited)) {
            nanos = System.nanoTime() - started;
        }
        if (observation.open != null) {
            for (RpcRecord r : observation.open) {
                MessageEvents.upstreamFailed(r, error);
            }
        }
    }

    /** True when the upstream's answer head arrived: Kong's {@code source} is then the service. */
    boolean answered() {
        return answeredAt >= 0;
    }

    /** One of its messages' own upstream calls (an era bridge's) ended with {@code status}, as {@link #status}. */
    void bridgedCallEnded(int status) {
        bridgedStatus = status;
    }

    /** The client went away: an upstream that had not answered by then did not fail, the gateway stopped waiting. */
    void clientLeft() {
        if (started >= 0 && nanos < 0) {
            status = McpEvent.UPSTREAM_ABANDONED;
        }
    }

    /**
     * Kong's {@code latencies.receive}: from the answer's head to its last byte, {@code now} (the exchange's end: a
     * stream relayed for as long as it lasted); 0 when no answer came.
     */
    long receiveNanos(long now) {
        return answeredAt < 0 ? 0 : now - answeredAt;
    }

    /**
     * Kong's {@code latencies.proxy} of the exchange: the wait for the answer head, or for none when the request went
     * out and the wait ended unanswered ({@link #failed}); -1 when nothing was proxied (refused, or the client
     * left first). Either way without a head the exchange counts as the gateway's own ({@code source} kong), as a tool
     * call's unanswered REST request does.
     */
    long proxyNanos() {
        return nanos;
    }

    /** How long the call took, or has taken by {@code now} while unanswered; -1 when nothing went upstream. */
    long nanos(long now) {
        return started < 0 ? -1 : nanos >= 0 ? nanos : now - started;
    }

    /**
     * Kong's {@code upstream_status} is nginx's {@code $upstream_status}: for an upstream that gave no answer
     * (refused, reset, timed out) nginx records the 502 or 504 it answered; one the client left before it
     * answered, or none started, records nothing. The events keep 0 there: their readers tell "no answer" apart.
     * Where an era bridge sent the messages instead, the last of their calls is the proxied one.
     */
    int loggedStatus(int answered) {
        int called = started >= 0 ? status : bridgedStatus;
        return called == 0 && (answered == 502 || answered == 504) ? answered : Math.max(called, 0);
    }
}
