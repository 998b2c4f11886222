package dev.toolgate.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.config.ConfigProblem;
import dev.toolgate.config.DeclarativeConfig;
import dev.toolgate.config.InvalidConfigException;
import dev.toolgate.config.Plugin;
import dev.toolgate.config.Route;
import dev.toolgate.gateway.Version;
import dev.toolgate.http.OriginPolicy;
import dev.toolgate.http.Router;
import dev.toolgate.mcp.Json;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The Admin API, in Kong's shapes: {@code GET /status}, read-only {@code /services}, {@code /routes},
 * {@code /plugins}, {@code /consumers} (each also {@code /<kind>/{id or name}}), and db-less
 * {@code POST /config}. Secrets never appear: credential fields are masked and values that came from
 * vault references are shown as the reference.
 */
final class AdminApi {

    private static final Logger LOG = LoggerFactory.getLogger(AdminApi.class);
    private static final long MAX_CONFIG_BYTES = 64L * 1024 * 1024;
    private static final OriginPolicy LOOPBACK = new OriginPolicy(List.of());

    private final Vertx vertx;
    private final AdminView view;
    private final AdminHosts hosts;

    AdminApi(Vertx vertx, AdminView view, AdminHosts hosts) {
        this.vertx = vertx;
        this.view = view;
        this.hosts = hosts;
    }

    void handle(HttpServerRequest request) {
        String host = request.getHeader("host");
        if (!hosts.allows(host)) {
            // DNS rebinding: a page on evil.example whose name now points here must not read or replace the config
            send(request, 421, message("Misdirected Request: the Admin API does not answer for Host '" + host
                    + "' (use an IP address or localhost, or list the name with --admin-hostname)"));
            return;
        }
        String path = Router.normalize(request.path());
        String[] parts = path.replaceAll("/+$", "").split("/");
        String kind = parts.length > 1 ? parts[1] : "";
        String id = parts.length > 2 ? parts[2] : null;
        if (parts.length > 3) {
            send(request, 404, message("Not found"));
            return;
        }
        String origin = request.getHeader("origin");
        if (origin != null && !LOOPBACK.allows(origin)) {
            // a web page must not drive the Admin API through the operator's browser (POST /config)
            send(request, 403, message("Forbidden: Origin '" + origin + "' may not call the Admin API"));
            return;
        }
        boolean get = request.method().name().equals("GET");
        try {
            switch (kind) {
                case "" -> allow(request, get, this::info);
                case "status" -> allow(request, get, () -> status(id));
                case "services", "routes", "plugins", "consumers" -> allow(request, get, () -> entities(kind, id));
                case "config" -> {
                    if (request.method().name().equals("POST") && id == null) {
                        postConfig(request);
                    } else {
                        send(request, 405, message("Method not allowed"));
                    }
                }
                default -> send(request, 404, message("Not found"));
            }
        } catch (RuntimeException e) {
            String errorId = UUID.randomUUID().toString();
            LOG.error("admin {} {} failed (error id {})", request.method(), path, errorId, e);
            send(request, 500, message("An unexpected error occurred (error id " + errorId + ")"));
        }
    }

    private interface Answer {
        Response get();
    }

    private record Response(int status, JsonNode body) {
    }

    private void allow(HttpServerRequest request, boolean get, Answer answer) {
        if (!get) {
            send(request, 405, message("Method not allowed"));
            return;
        }
        Response response = answer.get();
        send(request, response.status(), response.body());
    }

    private Response info() {
        ObjectNode body = Json.object();
        body.put("tagline", "Welcome to toolgate");
        body.put("version", Version.current());
        return new Response(200, body);
    }

    /** {@code /status}, {@code /status/ready}, and nothing else under it. */
    private Response status(String sub) {
        if (sub == null) {
            return status();
        }
        return sub.equals("ready") ? readiness() : new Response(404, message("Not found"));
    }

    /** Kong's readiness probe: 200 while serving, 503 once a graceful stop has begun (stop routing here). */
    private Response readiness() {
        return view.accepting() ? new Response(200, message("ready"))
                : new Response(503, message("stopping: new connections are refused while calls in flight finish"));
    }

    private Response status() {
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
        return new Response(200, body);
    }

    private Response entities(String kind, String key) {
        DeclarativeConfig config = view.config();
        List<ObjectNode> all = switch (kind) {
            case "services" -> config.services().stream().map(s -> AdminJson.render(s, config.referenceBySecret())).toList();
            case "routes" -> config.routes().stream().map(r -> route(r, config)).toList();
            case "plugins" -> config.plugins().stream().map(p -> plugin(p, config)).toList();
            default -> config.consumers().stream().map(c -> AdminJson.render(c, config.referenceBySecret())).toList();
        };
        if (key == null) {
            ObjectNode page = Json.object();
            page.putArray("data").addAll(all);
            page.putNull("next");
            return new Response(200, page);
        }
        Optional<ObjectNode> one = all.stream().filter(e -> key.equals(e.path("id").asText())
                || key.equals(e.path("name").asText(null)) || key.equals(e.path("username").asText(null))).findFirst();
        return one.map(e -> new Response(200, e)).orElseGet(() -> new Response(404, message("Not found")));
    }

    private static ObjectNode route(Route route, DeclarativeConfig config) {
        ObjectNode node = AdminJson.render(route, config.referenceBySecret());
        reference(node, "service", route.serviceId());
        return node;
    }

    private static ObjectNode plugin(Plugin plugin, DeclarativeConfig config) {
        ObjectNode node = AdminJson.render(plugin, config.referenceBySecret());
        reference(node, "route", plugin.routeId());
        reference(node, "service", plugin.serviceId());
        reference(node, "consumer", plugin.consumerId());
        reference(node, "consumer_group", plugin.consumerGroupId());
        return node;
    }

    private static void reference(ObjectNode node, String field, String id) {
        if (id == null) {
            node.putNull(field);
        } else {
            node.putObject(field).put("id", id);
        }
    }

    /** Kong db-less: the document as the body, as a {@code config} form field or upload, or as {"config": ...}. */
    private void postConfig(HttpServerRequest request) {
        ConfigUpload.read(request, MAX_CONFIG_BYTES).onComplete(read -> {
            if (read.failed()) {
                send(request, 400, message("cannot read the declarative config: " + read.cause().getMessage()));
                return;
            }
            Context context = vertx.getOrCreateContext();
            Thread.ofVirtual().name("admin-config").start(() -> {
                Response response = apply(read.result());
                context.runOnContext(v -> send(request, response.status(), response.body()));
            });
        });
    }

    private Response apply(byte[] document) {
        try {
            view.apply(document);
            Response status = status();
            return new Response(200, status.body());
        } catch (InvalidConfigException e) {
            ObjectNode body = Json.object();
            body.put("name", "invalid declarative configuration");
            body.put("message", "declarative config is invalid: " + e.problems().size() + " problem(s)");
            ArrayNode problems = body.putArray("problems");
            e.problems().stream().map(ConfigProblem::toString).forEach(problems::add);
            return new Response(400, body);
        } catch (RuntimeException e) {
            String errorId = UUID.randomUUID().toString();
            LOG.error("applying a posted config failed (error id {})", errorId, e);
            return new Response(500, message("An unexpected error occurred (error id " + errorId + ")"));
        }
    }

    private static ObjectNode message(String text) {
        ObjectNode body = Json.object();
        body.put("message", text);
        return body;
    }

    private static void send(HttpServerRequest request, int status, JsonNode body) {
        request.response().setStatusCode(status).putHeader("content-type", "application/json; charset=utf-8")
                .end(Buffer.buffer(Json.bytes(body)));
    }
}
