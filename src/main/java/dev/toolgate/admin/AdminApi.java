package dev.toolgate.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.error.ErrorCatalog;
import dev.toolgate.error.GatewayError;
import dev.toolgate.gateway.Version;
import dev.toolgate.http.Router;
import dev.toolgate.mcp.Json;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;
import java.util.function.Supplier;

/**
 * The Admin API, in Kong's shapes: {@code GET /status} ({@link AdminStatus}), read-only {@code /services},
 * {@code /routes}, {@code /plugins}, {@code /consumers} and db-less {@code GET /config} ({@link EntityListings}),
 * {@code POST /config} ({@link ConfigLoad}), {@code /metrics} ({@link MetricsScrape}) and the {@link Dashboard}.
 * This class guards each request (its Host, Origin and fetch metadata) and routes it by path and method. Secrets
 * never appear: credential fields are masked and values that came from vault references are shown as the
 * reference. Refusals are the {@link ErrorCatalog}'s, in Kong's {@code {"message": ...}} shape.
 */
final class AdminApi {

    private static final Logger LOG = LoggerFactory.getLogger(AdminApi.class);
    /** What a resource that is read answers: RFC 9110 §9.3.2, a HEAD wherever a GET. */
    private static final String READS = "GET, HEAD";

    private final AdminHosts hosts;
    private final AdminStatus status;
    private final EntityListings listings;
    private final ConfigLoad load;
    private final MetricsScrape metrics;
    private final Dashboard dashboard;
    /** On the status listener: {@code /status} and {@code /status/ready}, nothing of the Admin API. */
    private final boolean statusOnly;

    /**
     * @param uploadDeadlineMs how long a {@code POST /config} may take to arrive whole (see {@link ConfigLoad})
     * @param statusOnly       serve the status endpoints alone (Kong's {@code status_listen})
     */
    AdminApi(Vertx vertx, AdminView view, AdminHosts hosts, long uploadDeadlineMs, boolean statusOnly) {
        this.hosts = hosts;
        this.statusOnly = statusOnly;
        this.status = new AdminStatus(view);
        this.listings = new EntityListings(vertx, view);
        this.load = new ConfigLoad(vertx, view, status, uploadDeadlineMs);
        this.metrics = new MetricsScrape(vertx, view);
        this.dashboard = new Dashboard(vertx, view);
    }

    void handle(HttpServerRequest request) {
        String host = request.getHeader("host");
        // HTTP/2 names the listener in :authority, not Host: without it, an h2c request would skip the check
        String self = host != null || request.authority() == null ? host : request.authority().toString();
        if (!hosts.allows(self)) {
            // DNS rebinding: a page on evil.example whose name now points here must not read or replace the config
            AdminResponse.of(new GatewayError.MisdirectedHost(self)).send(request);
            return;
        }
        String path = Router.normalize(request.path());
        String[] parts = path.replaceAll("/+$", "").split("/");
        String kind = parts.length > 1 ? parts[1] : "";
        String id = parts.length > 2 ? parts[2] : null;
        if (parts.length > 3 && !kind.equals("dashboard") || statusOnly && !kind.equals("status") && !kind.equals("metrics")) {
            AdminResponse.of(new GatewayError.NotFound()).send(request);
            return;
        }
        String origin = request.getHeader("origin");
        if (!AdminOrigin.allows(origin, self, request.isSSL())) {
            // a web page, even one on another loopback port, must not drive the Admin API through the
            // operator's browser (POST /config)
            AdminResponse.of(new GatewayError.ForbiddenOrigin(origin)).send(request);
            return;
        }
        String site = request.getHeader("sec-fetch-site");
        if (AdminOrigin.refusesFetch(site, request.getHeader("sec-fetch-mode"), request.getHeader("sec-fetch-dest"),
                request.method().name(), path.equals("/dashboard/events"))) {
            // before the stream counts against its cap, and before a form's body is read
            AdminResponse.of(new GatewayError.CrossSiteRequest(site)).send(request);
            return;
        }
        try {
            route(request, path, kind, id);
        } catch (RuntimeException e) {
            String errorId = UUID.randomUUID().toString();
            LOG.error("admin {} {} failed (error id {})", request.method(), path, errorId, e);
            AdminResponse.of(new GatewayError.Internal(errorId)).send(request);
        }
    }

    /** A guarded request, to the endpoint its path and method name. */
    private void route(HttpServerRequest request, String path, String kind, String id) {
        // RFC 9110 §9.3.2: HEAD wherever GET, the same answer without its body (Vert.x leaves the body out)
        boolean get = request.method().name().equals("GET") || request.method().name().equals("HEAD");
        if (kind.equals("dashboard") && dashboard.serves(path)) {
            if (get) {
                dashboard.handle(request, path);
            } else {
                notAllowed(request, READS);
            }
            return;
        }
        switch (kind) {
            case "" -> allow(request, get, AdminApi::info);
            case "status" -> {
                if (get && id == null) {
                    status.sendWithRedis(request);
                } else {
                    allow(request, get, () -> status.of(id));
                }
            }
            case "metrics" -> {
                if (get && id == null) {
                    metrics.send(request);
                } else if (!get) {
                    notAllowed(request, READS);
                } else {
                    AdminResponse.of(new GatewayError.NotFound()).send(request);
                }
            }
            case "services", "routes", "plugins", "consumers" -> {
                String key = id == null ? null : EntityListings.key(id);
                if (!get) {
                    notAllowed(request, READS);
                } else if (id != null && key == null) {
                    AdminResponse.of(new GatewayError.InvalidPath("the id or name in the path is not "
                            + "percent-encoded UTF-8 (write a '%' as %25)")).send(request);
                } else {
                    listings.list(request, kind, key);
                }
            }
            case "config" -> {
                if (id != null) {
                    AdminResponse.of(new GatewayError.NotFound()).send(request);
                } else if (request.method().name().equals("POST")) {
                    load.load(request);
                } else if (get) {
                    listings.export(request);
                } else {
                    notAllowed(request, READS + ", POST");
                }
            }
            default -> AdminResponse.of(new GatewayError.NotFound()).send(request);
        }
    }

    private static void allow(HttpServerRequest request, boolean get, Supplier<AdminResponse> answer) {
        if (!get) {
            notAllowed(request, READS);
            return;
        }
        answer.get().send(request);
    }

    private static void notAllowed(HttpServerRequest request, String allowed) {
        AdminResponse.of(new GatewayError.MethodNotAllowed(request.method().name(), allowed)).send(request);
    }

    /** {@code GET /}: Kong's welcome, with the version. */
    private static AdminResponse info() {
        ObjectNode body = Json.object();
        body.put("tagline", "Welcome to toolgate");
        body.put("version", Version.current());
        return new AdminResponse(200, body);
    }
}
