package dev.toolgate.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.config.DeclarativeConfig;
import dev.toolgate.error.GatewayError;
import dev.toolgate.gateway.Version;
import dev.toolgate.mcp.Json;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpServerRequest;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code GET /status} (what is served, how much of it, and the health of each Redis in use) and Kong's readiness
 * probe {@code GET /status/ready}: the endpoints the status listener serves as well. {@code GET /status} is built
 * on the event loop, so nothing in it grows with the configuration: a count of the load warnings and the first
 * {@value #WARNINGS_SHOWN} (90,000 of them made one answer 17 MB, and a burst of such answers kept readiness
 * probes waiting for seconds); {@code POST /config}'s answer and the log have every one.
 */
final class AdminStatus {

    /** Load warnings {@code GET /status} lists; it counts them all. */
    static final int WARNINGS_SHOWN = 20;
    /** A warning {@code GET /status} lists is cut past this many characters (a path may quote a long name). */
    static final int WARNING_CHARS = 1_000;

    private final AdminView view;
    /**
     * The Redis check under way: {@code GET /status} requests of the same configuration arriving while it runs
     * share it, so a burst of them sends one PING to each Redis, not one each.
     */
    private final AtomicReference<RedisCheck> checking = new AtomicReference<>();

    /**
     * A Redis check and the configuration whose Redis servers it checks: a request after a reload must not share
     * the check of the configuration before, which may name other servers (and hang on one no longer used).
     */
    private record RedisCheck(DeclarativeConfig config, Future<List<AdminView.RedisHealth>> health) {

        boolean sharedBy(DeclarativeConfig served) {
            return config == served && !health.isComplete();
        }
    }

    AdminStatus(AdminView view) {
        this.view = view;
    }

    /** {@code /status}, {@code /status/ready}, and nothing else under it. */
    AdminResponse of(String sub) {
        if (sub == null) {
            return report(WARNINGS_SHOWN);
        }
        return sub.equals("ready") ? readiness() : AdminResponse.of(new GatewayError.NotFound());
    }

    /** {@code GET /status} with the health and latency of each Redis in use, checked now. */
    void sendWithRedis(HttpServerRequest request) {
        redis().onComplete(checked -> {
            AdminResponse status = report(WARNINGS_SHOWN);
            ArrayNode redis = ((ObjectNode) status.body()).putArray("redis");
            if (checked.succeeded()) {
                Map<String, String> referenceBySecret = view.config().referenceBySecret();
                checked.result().forEach(h -> {
                    ObjectNode node = redis.addObject();
                    node.put("address", shownAddress(h.address(), referenceBySecret));
                    node.put("reachable", h.reachable());
                    node.put("latency_ms", h.latencyMs());
                    if (h.error() != null) {
                        node.put("error", h.error());
                    }
                });
            }
            status.send(request);
        });
    }

    /**
     * The check under way of the configuration served, or a new one, shared by the requests that arrive meanwhile.
     * Installed with compare-and-set, so that requests handled on two threads at once never both start one: the
     * PINGs are sent only by the request whose check was installed.
     */
    private Future<List<AdminView.RedisHealth>> redis() {
        DeclarativeConfig served = view.config();
        while (true) {
            RedisCheck running = checking.get();
            if (running != null && running.sharedBy(served)) {
                return running.health();
            }
            Promise<List<AdminView.RedisHealth>> health = Promise.promise();
            if (checking.compareAndSet(running, new RedisCheck(served, health.future()))) {
                view.redis().onComplete(health);
                return health.future();
            }
        }
    }

    /** What is served now, every load warning listed: the answer to a {@code POST /config} applied. */
    AdminResponse report() {
        return report(Integer.MAX_VALUE);
    }

    /** What is served now, without Redis, listing at most {@code shown} of the load warnings and counting them all. */
    private AdminResponse report(int shown) {
        DeclarativeConfig config = view.config();
        ObjectNode body = Json.object();
        body.put("configuration_hash", config.hash());
        body.put("version", Version.current());
        body.put("loaded_at", view.loadedAt().toString());
        ObjectNode counts = body.putObject("counts");
        counts.put("services", config.services().size());
        counts.put("routes", config.routes().size());
        counts.put("plugins", config.plugins().size());
        counts.put("consumers", config.consumers().size());
        counts.put("tools", view.toolCount());
        ObjectNode server = body.putObject("server");
        server.put("mcp_sessions", view.sessions());
        server.put("mcp_streams", view.streams());
        ObjectNode traffic = server.putObject("mcp_traffic");
        view.traffic().forEach(traffic::put);
        List<?> all = view.warnings();
        body.put("warning_count", all.size());
        ArrayNode warnings = body.putArray("warnings");
        all.stream().limit(shown).map(Object::toString).forEach(w -> warnings.add(shown == Integer.MAX_VALUE
                || w.length() <= WARNING_CHARS ? w : w.substring(0, WARNING_CHARS) + "…"));
        if (all.size() > shown) {
            body.put("warnings_note", "the first " + shown + " of " + all.size() + " warnings: POST /config's answer "
                    + "lists them all, and the gateway logs each when it loads the configuration");
        }
        return new AdminResponse(200, body);
    }

    /** Kong's readiness probe: 200 while serving, 503 once a graceful stop has begun (stop routing here). */
    private AdminResponse readiness() {
        return view.accepting() ? new AdminResponse(200, AdminResponse.message("ready"))
                : AdminResponse.of(new GatewayError.Stopping());
    }

    /**
     * A Redis address ({@code host:port/db} or {@code sentinel master NAME}) with a vault-resolved host or master
     * shown as its reference, as every listing shows such values.
     */
    private static String shownAddress(String address, Map<String, String> referenceBySecret) {
        String sentinel = "sentinel master ";
        int end = address.startsWith(sentinel) ? address.length() : address.lastIndexOf(':');
        int start = address.startsWith(sentinel) ? sentinel.length() : 0;
        String reference = end < start ? null : referenceBySecret.get(address.substring(start, end));
        return reference == null ? address : address.substring(0, start) + reference + address.substring(end);
    }
}
