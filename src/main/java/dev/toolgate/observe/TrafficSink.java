package dev.toolgate.observe;

/**
 * What consumes the gateway's traffic: a Kong log plugin (prometheus, opentelemetry, http-log,
 * file-log), the live page, the {@code /status} counts. The pipeline emits; sinks only read.
 *
 * <p>Called on event loops, in the exchange's thread: an implementation MUST return at once, MUST NOT
 * block and MUST NOT do I/O there. A sink that sends or writes hands the event to an {@link Outbox}
 * (bounded: when it is full the event is dropped and counted, never waited for).
 */
public interface TrafficSink {

    /** One MCP message, when its outcome is known. */
    default void message(McpEvent event) {
    }

    /** One HTTP exchange on an MCP route, when its answer is complete (Kong's log phase). */
    default void exchange(ExchangeEvent event) {
    }

    /**
     * True when it reads an exchange's request and response headers (Kong's log entry does). When no
     * sink of a route's caller does, they are not gathered (nor masked) at all: prometheus alone
     * costs no header work.
     */
    default boolean readsHeaders() {
        return false;
    }

    /**
     * How this sink traces (the opentelemetry plugin), or null when it does not: the pipeline then
     * gives each message a {@link TraceIds} and sends its {@code traceparent} upstream.
     */
    default Tracing tracing() {
        return null;
    }

    /**
     * Lower-case names of the client's headers this sink removes from the upstream request (the
     * opentelemetry plugin's {@code propagation.clear}), after the request's transformers and before
     * the trace context is written: empty for none.
     */
    default java.util.Set<String> clearedHeaders() {
        return java.util.Set.of();
    }
}
