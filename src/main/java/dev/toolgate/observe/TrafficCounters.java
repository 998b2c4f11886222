package dev.toolgate.observe;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counts observed messages (for {@code GET /status}) and logs one line per message at debug level. */
public final class TrafficCounters implements McpTraffic {

    private static final Logger LOG = LoggerFactory.getLogger("dev.toolgate.traffic");

    private final ConcurrentHashMap<String, LongAdder> counts = new ConcurrentHashMap<>();

    @Override
    public void accept(McpEvent e) {
        count(e.direction() == McpEvent.Direction.CLIENT_TO_SERVER ? "client_to_server" : "server_to_client");
        count(e.kind().name().toLowerCase(java.util.Locale.ROOT));
        if (e.kind() == McpEvent.Kind.REQUEST && e.method() != null) {
            count("method." + e.method());
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

    private void count(String key) {
        counts.computeIfAbsent(key, k -> new LongAdder()).increment();
    }

    /** Counts so far, sorted by key. */
    public Map<String, Long> snapshot() {
        Map<String, Long> out = new TreeMap<>();
        counts.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }
}
