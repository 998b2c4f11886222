package dev.toolgate.observe;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.toolgate.mcp.Json;

/**
 * One MCP message the gateway handled, in any mode, once its outcome is known: a request with its
 * answer, or a notification. What metrics, traces, log plugins and the live page are made of. Built
 * once, never changed; sinks may keep it and read it on other threads.
 *
 * @param origin          route, service, caller and client of the exchange it came in
 * @param startedAtMillis when the exchange began (epoch milliseconds)
 * @param session         the MCP session id, or null
 * @param id              the JSON-RPC id as JSON text ({@code 7}, {@code "a"}); null for a notification
 * @param method          the JSON-RPC method
 * @param tool            for {@code tools/call}: the tool's name; otherwise null
 * @param target          for {@code prompts/get}: the prompt's name; for {@code resources/read},
 *                        {@code resources/subscribe} and {@code resources/unsubscribe}: the resource's URI; otherwise
 *                        null (passthrough only: conversion serves tools alone)
 * @param latencyNanos    the gateway's whole time for the message: from the request's arrival to its answer
 * @param upstreamNanos   the time spent waiting for the upstream (the REST call, or the MCP server); -1 when
 *                        nothing was sent upstream
 * @param upstreamOffsetNanos when the upstream call began, counted from the message's arrival; -1 when none
 * @param upstreamStatus  the upstream's HTTP status; 0 when it gave none (unreachable, timed out); -1 when
 *                        nothing was sent upstream; {@link #UPSTREAM_ABANDONED} when the client went away (or
 *                        cancelled) before the upstream answered
 * @param upstream        the service called (its name), or null
 * @param upstreamAddress the service's {@code host:port}, or null
 * @param requestBytes    the request's size in bytes; -1 when unknown (an element of a batch)
 * @param responseBytes   the answer's size in bytes; 0 when there is none (a notification, a request left
 *                        {@linkplain #unanswered() unanswered}, whatever of its stream went out before)
 * @param errorCode       the JSON-RPC error code of the answer, or null
 * @param error           what went wrong, in words (the JSON-RPC error's message, the HTTP status when the
 *                        answer was not JSON-RPC, or the gateway's tool result when a converted tool's REST API gave
 *                        no answer: a {@code transport_error}), or null
 * @param toolError       the answer is a tool result with {@code isError: true} by the tool's own word (not one the
 *                        gateway made because the REST API gave no answer: that is an {@code error})
 * @param toolKnown       the gateway knows the tool exists: the route's configuration names it, or its MCP server
 *                        listed it in a {@code tools/list} answer (false for a name a client may have made up)
 * @param acl             the tool ACL's decision ({@code allow} or {@code deny}), or null when no ACL applied
 * @param rateLimit       the per-tool limit's decision ({@code allow}, {@code reject}, or {@code unchecked} when
 *                        its counters could not be reached), or null when no limit checked the message (none
 *                        applies, or something refused it first)
 * @param trace           the trace the message belongs to, or null when it is not traced
 * @param requestPayload  the request as JSON text, only with {@code log_payloads} (bounded), else null
 * @param responsePayload the answer as JSON text, only with {@code log_payloads} (bounded), else null
 * @param upstreamHttp    the HTTP request of the upstream call, for its span; null when nothing went upstream or
 *                        the trace is not recorded
 */
public record McpEvent(Origin origin, long startedAtMillis, String session, String id, String method, String tool,
                       String target, long latencyNanos, long upstreamNanos, long upstreamOffsetNanos, int upstreamStatus, String upstream,
                       String upstreamAddress, int requestBytes, int responseBytes, Integer errorCode,
                       String error, boolean toolError, boolean toolKnown, String acl, String rateLimit, TraceIds trace,
                       String requestPayload, String responsePayload, UpstreamHttp upstreamHttp) {

    /**
     * The longest id, method, tool name, target, session id or error kept: each comes from a client or an upstream and
     * may be as long as a body (a megabyte); a log queue holds thousands of events.
     */
    public static final int MAX_TEXT = 256;

    /**
     * The {@code upstreamStatus} of a call the gateway stopped waiting for because its client went away or
     * cancelled it first: nothing is known of the upstream, which neither failed nor answered (a client with a
     * short timeout must not make a slow service read as down).
     */
    public static final int UPSTREAM_ABANDONED = -2;

    /**
     * The {@code error} of a request whose answer never reached its client: the connection closed first (the
     * client hung up or reset, Kong's 499), or the upstream's SSE stream ended without it. Its
     * {@link #errorType()} is {@code unanswered}; nothing proves the method or tool it named is real.
     */
    public static final String CLIENT_CLOSED = "unanswered: the connection closed before the answer";
    /** The {@code error} of a request the upstream's answer stream ended without answering ({@link #CLIENT_CLOSED}). */
    public static final String STREAM_ENDED = "unanswered: the answer stream ended without it";
    /**
     * The {@code error} of a request its client cancelled with {@code notifications/cancelled} before the answer
     * (conversion, the legacy bridge): left unanswered, as MCP asks of the receiver of a cancellation ({@link #CLIENT_CLOSED}).
     */
    public static final String CANCELLED = "unanswered: the client cancelled it";
    /**
     * The {@code error} of a request a legacy HTTP+SSE server accepted (202) and did not answer on its stream within
     * 10 minutes, the stream still open ({@link #CLIENT_CLOSED}).
     */
    public static final String NOT_ANSWERED_IN_TIME = "unanswered: no answer on the session's stream within 10 minutes";
    /**
     * The {@code error} of a request whose batch repeated its id: the server's answers carry nothing but the id, and
     * may come in any order, so which one was its own is not known. Its {@link #errorType()} is {@code unattributed}.
     */
    public static final String UNATTRIBUTED = "unattributed: its batch repeated its id, so which answer was its own is not known";

    /** An event without its upstream call's HTTP request: one no span describes (made by tests and benchmarks). */
    public McpEvent(Origin origin, long startedAtMillis, String session, String id, String method, String tool,
                    String target, long latencyNanos, long upstreamNanos, long upstreamOffsetNanos, int upstreamStatus,
                    String upstream, String upstreamAddress, int requestBytes, int responseBytes, Integer errorCode,
                    String error, boolean toolError, boolean toolKnown, String acl, String rateLimit, TraceIds trace,
                    String requestPayload, String responsePayload) {
        this(origin, startedAtMillis, session, id, method, tool, target, latencyNanos, upstreamNanos,
                upstreamOffsetNanos, upstreamStatus, upstream, upstreamAddress, requestBytes, responseBytes, errorCode,
                error, toolError, toolKnown, acl, rateLimit, trace, requestPayload, responsePayload, null);
    }

    public McpEvent {
        session = bounded(session);
        id = id != null && id.length() > MAX_TEXT && id.startsWith("\"")
                ? id.substring(0, MAX_TEXT) + "…\"" : bounded(id);
        method = bounded(method);
        tool = bounded(tool);
        target = bounded(target);
        error = bounded(error);
        if (unanswered(errorCode, error)) {
            // what went out was not its answer (the progress notifications of a call its client left)
            responseBytes = 0;
        }
    }

    /** The text cut at {@link #MAX_TEXT} characters (and marked so), or as it is. */
    public static String bounded(String text) {
        return text == null || text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT) + "…";
    }

    /** About the bytes of this event's log entry: its texts and a share for its fields (for {@code max_bytes}). */
    public int weight() {
        return 160 + length(session) + length(id) + length(method) + length(tool) + length(target)
                + length(error)
                + length(requestPayload) + length(responsePayload);
    }

    static int length(String text) {
        return text == null ? 0 : text.length();
    }

    /** True for a notification (no id, no answer). */
    public boolean notification() {
        return id == null;
    }

    /**
     * The id as logs and spans show it: a number as it is, a string without its quotes and unescaped
     * ({@code "a\"b"} shows as {@code a"b}); null for a notification.
     */
    public String idValue() {
        if (id == null || !id.startsWith("\"")) {
            return id;
        }
        // most ids have nothing escaped, and this runs for every message: parse only those that do
        if (id.indexOf('\\') < 0) {
            return id.substring(1, id.length() - 1);
        }
        try {
            return Json.MAPPER.readValue(id, String.class);
        } catch (JsonProcessingException e) {
            // a long id cut short (see the constructor) may end inside an escape: show it as it is
            return id.substring(1, id.length() - 1);
        }
    }

    /**
     * True for a request whose answer never reached its client ({@link #CLIENT_CLOSED}, {@link #STREAM_ENDED},
     * {@link #CANCELLED}, {@link #NOT_ANSWERED_IN_TIME}).
     */
    public boolean unanswered() {
        return unanswered(errorCode, error);
    }

    /** {@link #unanswered()} of an event still being made, from its JSON-RPC error code and error. */
    public static boolean unanswered(Integer errorCode, String error) {
        return errorCode == null && (CLIENT_CLOSED.equals(error) || STREAM_ENDED.equals(error)
                || CANCELLED.equals(error) || NOT_ANSWERED_IN_TIME.equals(error));
    }

    /**
     * True when the answer is an error: a JSON-RPC error, a refusal, a tool result with isError, or no answer at
     * all.
     */
    public boolean failed() {
        return errorCode != null || error != null || toolError;
    }

    /**
     * The error's {@code error.type} as the OpenTelemetry MCP conventions give it, on spans and on every
     * OpenTelemetry metric alike: a JSON-RPC error's code as text ({@code "-32602"}), {@code tool_error} for
     * {@code isError}, else as {@link #errorType()}; null when nothing failed.
     */
    public String otelErrorType() {
        return errorCode != null ? Integer.toString(errorCode) : errorType();
    }

    /** The error's type as Kong's Prometheus metrics and the live feed label it (a JSON-RPC error by name), or null. */
    public String errorType() {
        if (errorCode != null) {
            return ErrorTypes.name(errorCode);
        }
        if (toolError) {
            return "tool_error";
        }
        if (unanswered()) {
            return "unanswered";
        }
        if (errorCode == null && UNATTRIBUTED.equals(error)) {
            return "unattributed";
        }
        return error != null ? "transport_error" : null;
    }

    /** {@code gen_ai.operation.name}: {@code execute_tool} for a tool call, else null. */
    public String operation() {
        return "tools/call".equals(method) ? "execute_tool" : null;
    }

    /** True when the upstream failed as a server: unreachable, timed out, or a 5xx answer. */
    public boolean upstreamFailed() {
        return upstreamStatus == 0 || upstreamStatus >= 500;
    }

    /** Latency in whole milliseconds, as Kong logs it. */
    public long latencyMillis() {
        return latencyNanos / 1_000_000;
    }
}
