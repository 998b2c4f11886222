package dev.toolgate.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.config.DeclarativeConfig;
import dev.toolgate.error.GatewayError;
import dev.toolgate.gateway.Version;
import dev.toolgate.mcp.Json;
import io.vertx.core.http.HttpServerRequest;

import java.util.Map;

/**
 * {@code GET /status} (what is served, how much of it, and the health of each Redis in use) and Kong's readiness
 * probe {@code GET /status/ready}: the endpoints the status listener serves as well.
 */
final class AdminStatus {

    private final AdminView view;

    AdminStatus(AdminView view) {
        this.view = view;
    }

    /** {@code /status}, {@code /status/ready}, and nothing else under it. */
    AdminResponse of(String sub) {
        if (sub == null) {
            return report();
        }
        return sub.equals("ready") ? readiness() : AdminResponse.of(new GatewayError.NotFound());
    }

    /** {@code GET /status} with the health and latency of each Redis in use, checked now. */
    void sendWithRedis(HttpServerRequest request) {
        view.redis().onComplete(checked -> {
            AdminResponse status = report();
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

    /** What is served now: the answer to {@code GET /status} without Redis, and to a {@code POST /config} applied. */
    AdminResponse report() {
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
        ArrayNode warnings = body.putArray("warnings");
        view.warnings().forEach(w -> warnings.add(w.toString()));
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
