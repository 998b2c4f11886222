package dev.toolgate.pipeline;

import dev.toolgate.observe.TraceIds;
import dev.toolgate.observe.Tracing;
import dev.toolgate.observe.TrafficSink;
import io.vertx.core.MultiMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The sinks one exchange reports to beside those every route has: the route's log plugins for its caller, chosen
 * once after authentication has run (Kong's precedence), and what they ask of the exchange.
 *
 * @param loggers the route's log plugins for this caller
 * @param tracing the first one's tracing, or null when none traces
 * @param cleared the client headers their tracing clears (lower-case); empty for none
 * @param headers whether one reads the exchange's headers (a Kong log entry); else they are not gathered
 */
record ExchangeSinks(List<TrafficSink> loggers, Tracing tracing, Set<String> cleared, boolean headers) {

    private static final Logger LOG = LoggerFactory.getLogger(ExchangeSinks.class);

    /** Before the caller is known: no log plugin yet (told apart from a choice of none by identity). */
    static final ExchangeSinks UNCHOSEN = new ExchangeSinks(List.of(), null, Set.of(), false);

    static ExchangeSinks of(List<TrafficSink> loggers) {
        Tracing tracing = null;
        Set<String> cleared = Set.of();
        boolean headers = false;
        for (TrafficSink sink : loggers) {
            if (tracing == null) {
                tracing = sink.tracing();
            }
            cleared = PolicyChain.bothCleared(cleared, sink.clearedHeaders());
            headers |= sink.readsHeaders();
        }
        return new ExchangeSinks(loggers, tracing, cleared, headers);
    }

    /** Writes a message's trace context upstream in the route's formats; false when none is written. */
    boolean inject(TraceIds trace, MultiMap headers) {
        return tracing != null && tracing.inject(trace, headers);
    }

    /** True when the route's tracing writes trace context upstream (in some format). */
    boolean injects() {
        return tracing != null && tracing.injects();
    }

    /** True when a log plugin reports this exchange. */
    boolean logged() {
        return !loggers.isEmpty();
    }

    /** Tells the sinks every route has, then the log plugins. */
    <E> void tell(List<TrafficSink> everyRoute, E event, BiConsumer<TrafficSink, E> call) {
        tell(everyRoute, call, event);
        tell(loggers, call, event);
    }

    /** Tells each sink in turn; one that throws is logged and skipped, never the exchange's failure. */
    private static <E> void tell(List<TrafficSink> sinks, BiConsumer<TrafficSink, E> call, E event) {
        for (TrafficSink sink : sinks) {
            try {
                call.accept(sink, event);
            } catch (RuntimeException e) {
                LOG.error("a traffic sink failed on {}; the gateway goes on", event.getClass().getSimpleName(), e);
            }
        }
    }
}
