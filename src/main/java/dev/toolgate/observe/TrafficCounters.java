package dev.toolgate.observe;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts MCP messages for {@code GET /status}, by direction, kind and method: those read on the wire
 * of passthrough routes ({@link TapSink}, also logged at debug level) and those Toolgate's own
 * endpoints answer ({@link TrafficSink}).
 */
public final class TrafficCounters implements TapSink, TrafficSink {

    private static final Logger LOG = LoggerFactory.getLogger("dev.toolgate.traffic");

    private final ConcurrentHashMap<String, LongAdder> counts = new ConcurrentHashMap<>();
    private static final int MAX_METHODS = 256;

    private final ConcurrentHashMap<String, LongAdder> methods = new ConcurrentHashMap<>();

    @Override
    public void accept(TapEvent e) {
        count(e.direction() == TapEvent.Direction.CLIENT_TO_SERVER ? "client_to_server" : "server_to_client");
        count(e.kind().name().toLowerCase(java.util.Locale.ROOT));
        if (e.kind() == TapEvent.Kind.REQUEST && e.method() != null) {
            countMethod(e.method());
        }
        if (e.errorCode() != null) {
            count("errors");
        }
        if (Boolean.TRUE.equals(e.toolError())) {
            count("tool_errors");
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug("mcp route={} session={} dir={} kind={} method={} id={} tool={} error={} is_error={} bytes={} latency_us={}",
                    e.route(), e.session(), e.direction(), e.kind(), e.method(), e.id(), e.tool(), e.errorCode(),
                    e.toolError(), e.bytes(), e.latencyMicros());
        }
    }

    @Override
    public void message(McpEvent e) {
        if ("passthrough-listener".equals(e.origin().route().mode())) {
            return;
        }
        count("client_to_server");
        count(e.notification() ? "notification" : "request");
        countMethod(e.method());
        if (!e.notification()) {
            count("server_to_client");
            count("response");
            if (e.errorCode() != null) {
                count("errors");
            }
            if (e.toolError()) {
                count("tool_errors");
            }
        }
    }

    private void countMethod(String named) {
        // as an event keeps it: a passthrough client's method may be as long as its body, and a key is kept
        // for the process's life (256 of a megabyte each held 256 MB and made GET /status never answer)
        String method = named.length() <= McpEvent.MAX_TEXT ? named : named.substring(0, McpEvent.MAX_TEXT) + "…";
        LongAdder count = methods.get(method);
        if (count == null) {
            // method names come from clients: past a bound, new ones share one count
            count = methods.size() >= MAX_METHODS ? methods.computeIfAbsent("(other)", k -> new LongAdder())
                    : methods.computeIfAbsent(method, k -> new LongAdder());
        }
        count.increment();
    }

    private void count(String key) {
        counts.computeIfAbsent(key, k -> new LongAdder()).increment();
    }

    /** Counts so far, sorted by key. */
    public Map<String, Long> snapshot() {
        Map<String, Long> out = new TreeMap<>();
        counts.forEach((k, v) -> out.put(k, v.sum()));
        methods.forEach((k, v) -> out.put("method." + k, v.sum()));
        return out;
    }
}
