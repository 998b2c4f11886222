package dev.toolgate.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.config.ConfigProblem;
import dev.toolgate.config.DeclarativeConfig;
import dev.toolgate.config.InvalidConfigException;
import dev.toolgate.config.Plugin;
import dev.toolgate.config.Route;
import dev.toolgate.error.ErrorCatalog;
import dev.toolgate.error.GatewayError;
import dev.toolgate.error.GatewayException;
import dev.toolgate.gateway.Version;
import dev.toolgate.http.ErrorResponses;
import dev.toolgate.http.Router;
import dev.toolgate.mcp.Json;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The Admin API, in Kong's shapes: {@code GET /status}, read-only {@code /services}, {@code /routes},
 * {@code /plugins}, {@code /consumers} (each also {@code /<kind>/{id or name}}), and db-less
 * {@code GET /config} (the configuration as a declarative document) and {@code POST /config}. Secrets never appear: credential fields are masked and values that came from
 * vault references are shown as the reference. Refusals are the {@link ErrorCatalog}'s, in Kong's
 * {@code {"message": ...}} shape.
 */
final class AdminApi {

    private static final Logger LOG = LoggerFactory.getLogger(AdminApi.class);
    /** What a resource that is read answers: RFC 9110 §9.3.2, a HEAD wherever a GET. */
    private static final String READS = "GET, HEAD";

    private final Vertx vertx;
    /** Entity listings rendered at once; more wait up to {@link #LISTING_WAIT_SECONDS}, then get 429. */
    static final int LISTINGS_AT_ONCE = 2;
    static final int LISTING_WAIT_SECONDS = 30;
    private final java.util.concurrent.Semaphore listings = new java.util.concurrent.Semaphore(LISTINGS_AT_ONCE);
    private final AdminView view;
    private final AdminHosts hosts;
    private final Dashboard dashboard;
    /** A {@code POST /config} is being read or applied. */
    private final AtomicBoolean loading = new AtomicBoolean();
    private final long uploadDeadlineMs;
    /** On the status listener: {@code /status} and {@code /status/ready}, nothing of the Admin API. */
    private final boolean statusOnly;

    /**
     * @param uploadDeadlineMs how long a {@code POST /config} may take to arrive whole: a stalled or dripping
     *                         upload holds the one turn, and is cut off at this deadline
     * @param statusOnly       serve the status endpoints alone (Kong's {@code status_listen})
     */
    AdminApi(Vertx vertx, AdminView view, AdminHosts hosts, long uploadDeadlineMs, boolean statusOnly) {
        this.uploadDeadlineMs = uploadDeadlineMs;
        this.statusOnly = statusOnly;
        this.vertx = vertx;
        this.view = view;
        this.hosts = hosts;
        this.dashboard = new Dashboard(vertx, view);
    }

    void handle(HttpServerRequest request) {
        String host = request.getHeader("host");
        // HTTP/2 names the listener in :authority, not Host: without it, an h2c request would skip the check
        String self = host != null || request.authority() == null ? host : request.authority().toString();
        if (!hosts.allows(self)) {
            // DNS rebinding: a page on evil.example whose name now points here must not read or replace the config
            send(request, Response.of(new GatewayError.MisdirectedHost(self)));
            return;
        }
        String path = Router.normalize(request.path());
        String[] parts = path.replaceAll("/+$", "").split("/");
        String kind = parts.length > 1 ? parts[1] : "";
        String id = parts.length > 2 ? parts[2] : null;
        if (parts.length > 3 && !kind.equals("dashboard") || statusOnly && !kind.equals("status") && !kind.equals("metrics")) {
            send(request, Response.of(new GatewayError.NotFound()));
            return;
        }
        String origin = request.getHeader("origin");
        if (!AdminOrigin.allows(origin, self, request.isSSL())) {
            // a web page, even one on another loopback port, must not drive the Admin API through the
            // operator's browser (POST /config)
            send(request, Response.of(new GatewayError.ForbiddenOrigin(origin)));
            return;
        }
        String site = request.getHeader("sec-fetch-site");
        if (AdminOrigin.refusesFetch(site, request.getHeader("sec-fetch-mode"), request.getHeader("sec-fetch-dest"),
                request.method().name(), path.equals("/dashboard/events"))) {
            // before the stream counts against its cap, and before a form's body is read
            send(request, Response.of(new GatewayError.CrossSiteRequest(site)));
            return;
        }
        // RFC 9110 §9.3.2: HEAD wherever GET, the same answer without its body (Vert.x leaves the body out)
        boolean get = request.method().name().equals("GET") || request.method().name().equals("HEAD");
        try {
            if (kind.equals("dashboard") && dashboard.serves(path)) {
                if (get) {
                    dashboard.handle(request, path);
                } else {
                    send(request, Response.of(new GatewayError.MethodNotAllowed(request.method().name(), READS)));
                }
                return;
            }
            switch (kind) {
                case "" -> allow(request, get, this::info);
                case "status" -> {
                    if (get && id == null) {
                        statusWithRedis(request);
                    } else {
                        allow(request, get, () -> status(id));
                    }
                }
                case "metrics" -> {
                    if (get && id == null) {
                        metrics(request);
                    } else if (!get) {
                        send(request, Response.of(new GatewayError.MethodNotAllowed(request.method().name(), READS)));
                    } else {
                        send(request, Response.of(new GatewayError.NotFound()));
                    }
                }
                case "services", "routes", "plugins", "consumers" -> {
                    if (get) {
                        offLoop(request, kind, () -> entities(kind, id));
                    } else {
                        allow(request, false, () -> null);
                    }
                }
                case "config" -> {
                    if (id != null) {
                        send(request, Response.of(new GatewayError.NotFound()));
                    } else if (request.method().name().equals("POST")) {
                        postConfig(request);
                    } else if (get) {
                        offLoop(request, "config", () -> new Response(200, ConfigExport.of(view.config())));
                    } else {
                        send(request, Response.of(new GatewayError.MethodNotAllowed(request.method().name(),
                                READS + ", POST")));
                    }
                }
                default -> send(request, Response.of(new GatewayError.NotFound()));
            }
        } catch (RuntimeException e) {
            String errorId = UUID.randomUUID().toString();
            LOG.error("admin {} {} failed (error id {})", request.method(), path, errorId, e);
            send(request, Response.of(new GatewayError.Internal(errorId)));
        }
    }

    private interface Answer {
        Response get();
    }

    private record Response(int status, JsonNode body, Map<String, String> headers) {

        Response(int status, JsonNode body) {
            this(status, body, Map.of());
        }

        /** The catalog's answer for a refusal, in Kong's shape. */
        static Response of(GatewayError error) {
            ErrorCatalog.Entry entry = ErrorCatalog.of(error);
            return new Response(entry.status(), ErrorResponses.message(entry), entry.headers());
        }
    }

    private void allow(HttpServerRequest request, boolean get, Answer answer) {
        if (!get) {
            send(request, Response.of(new GatewayError.MethodNotAllowed(request.method().name(), READS)));
            return;
        }
        send(request, answer.get());
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
        return sub.equals("ready") ? readiness() : Response.of(new GatewayError.NotFound());
    }

    /** {@code GET /status} with the health and latency of each Redis in use, checked now. */
    private void statusWithRedis(HttpServerRequest request) {
        view.redis().onComplete(checked -> {
            Response status = status();
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
            send(request, status);
        });
    }

    /** Kong's readiness probe: 200 while serving, 503 once a graceful stop has begun (stop routing here). */
    private Response readiness() {
        return view.accepting() ? new Response(200, message("ready")) : Response.of(new GatewayError.Stopping());
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

    /**
     * An entity listing or the exported configuration, rendered on a virtual thread: tens of thousands of consumers
     * take a while to render and mask, and the admin listener's event loop serves the dashboard and the probes
     * meanwhile.
     */
    private void offLoop(HttpServerRequest request, String kind, Answer rendering) {
        Context context = vertx.getOrCreateContext();
        Thread.ofVirtual().name("admin-entities").start(() -> {
            // each listing may hold a rendering of every consumer: they wait their turn (decK asks for several
            // kinds at once), and only a pile that would not clear in time is refused
            boolean turn;
            try {
                turn = listings.tryAcquire(LISTING_WAIT_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                turn = false;
            }
            if (!turn) {
                context.runOnContext(v -> send(request, Response.of(new GatewayError.ListingsInProgress())));
                return;
            }
            Response response;
            try {
                response = rendering.get();
            } catch (RuntimeException e) {
                String errorId = UUID.randomUUID().toString();
                LOG.error("admin GET /{} failed (error id {})", kind, errorId, e);
                response = Response.of(new GatewayError.Internal(errorId));
            } finally {
                listings.release();
            }
            Response answer = response;
            context.runOnContext(v -> send(request, answer));
        });
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
        return one.map(e -> new Response(200, e)).orElseGet(() -> Response.of(new GatewayError.NotFound()));
    }

    private static ObjectNode route(Route route, DeclarativeConfig config) {
        ObjectNode node = AdminJson.render(route, config.referenceBySecret());
        reference(node, "service", route.serviceId());
        return node;
    }

    private static ObjectNode plugin(Plugin plugin, DeclarativeConfig config) {
        ObjectNode node = AdminJson.plugin(plugin, config.referenceBySecret());
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

    /**
     * Prometheus's text format: Kong's metrics (of the configured {@code prometheus} plugins), the JVM's
     * and the process's, and Toolgate's own. Rendered off the event loop (the JVM collectors read MXBeans), once
     * for all the scrapes, of this listener and the other, that ask while it is rendered.
     */
    private void metrics(HttpServerRequest request) {
        Context context = vertx.getOrCreateContext();
        view.telemetry().exposition().render().whenComplete((text, failure) -> context.runOnContext(v -> {
            if (failure != null) {
                String errorId = UUID.randomUUID().toString();
                Throwable cause = failure instanceof java.util.concurrent.CompletionException shared
                        && shared.getCause() != null ? shared.getCause() : failure;
                LOG.error("admin GET /metrics failed (error id {})", errorId, cause);
                send(request, Response.of(new GatewayError.Internal(errorId)));
                return;
            }
            request.response().setStatusCode(200)
                    .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8").end(body(request, Buffer.buffer(text)));
        }));
    }

    /** Kong db-less: the document as the body, as a {@code config} form field or upload, or as {"config": ...}. */
    private void postConfig(HttpServerRequest request) {
        // one at a time: each document may be 64 MiB, held whole and then parsed, and the listener takes hundreds
        // of connections; posting at once held that many. Another is refused while one is read or applied
        if (!view.accepting()) {
            send(request, Response.of(new GatewayError.ConfigWhileStopping()));
            return;
        }
        if (!loading.compareAndSet(false, true)) {
            send(request, Response.of(new GatewayError.ConfigLoadInProgress()));
            return;
        }
        // the turn is given back once: by the answer, or by the deadline that cuts off an upload still arriving
        AtomicBoolean turn = new AtomicBoolean(true);
        Runnable release = () -> {
            if (turn.compareAndSet(true, false)) {
                loading.set(false);
            }
        };
        long deadline = vertx.setTimer(uploadDeadlineMs, id -> {
            release.run();
            request.response().reset(); // HTTP/1.x: the connection is closed; HTTP/2: the stream
        });
        ConfigUpload.read(request, ConfigUpload.MAX_BYTES).onComplete(read -> {
            if (!vertx.cancelTimer(deadline)) {
                return; // cut off: the turn went to the next
            }
            if (read.failed()) {
                release.run();
                // too large, or in a coding the gateway does not read: the catalog's answer, not the error's name
                send(request, Response.of(read.cause() instanceof GatewayException refused ? refused.error()
                        : new GatewayError.UnreadableConfig(read.cause().getMessage())));
                return;
            }
            Context context = vertx.getOrCreateContext();
            Thread.ofVirtual().name("admin-config").start(() -> {
                Response response;
                try {
                    response = apply(read.result());
                } catch (GatewayException refused) {
                    response = Response.of(refused.error()); // inflated past the limit, or not gzip after all
                } catch (StackOverflowError | OutOfMemoryError e) {
                    // a document too deep or too large to build: answered, not left hanging
                    response = Response.of(new GatewayError.UnreadableConfig("the document is too deeply nested or "
                            + "too large to load"));
                } finally {
                    release.run();
                }
                Response answer = response;
                context.runOnContext(v -> send(request, answer));
            });
        });
    }

    private Response apply(ConfigUpload.Upload upload) {
        if (!view.accepting()) {
            return Response.of(new GatewayError.ConfigWhileStopping());
        }
        byte[] document = upload.document(); // inflated and unwrapped here, on this virtual thread
        try {
            view.apply(document);
            Response status = status();
            return new Response(200, status.body());
        } catch (InvalidConfigException e) {
            Response refused = Response.of(new GatewayError.InvalidConfiguration(e.problems().size()));
            ObjectNode body = Json.object();
            body.put("name", "invalid declarative configuration");
            body.setAll((ObjectNode) refused.body());
            ArrayNode problems = body.putArray("problems");
            e.problems().stream().map(ConfigProblem::toString).forEach(problems::add);
            return new Response(refused.status(), body, refused.headers());
        } catch (GatewayException refused) {
            return Response.of(refused.error()); // the stop began while it was read or built
        } catch (RuntimeException e) {
            String errorId = UUID.randomUUID().toString();
            LOG.error("applying a posted config failed (error id {})", errorId, e);
            return Response.of(new GatewayError.Internal(errorId));
        }
    }

    private static ObjectNode message(String text) {
        ObjectNode body = Json.object();
        body.put("message", text);
        return body;
    }

    private static void send(HttpServerRequest request, Response response) {
        ErrorResponses.putHeaders(request.response(), response.headers());
        request.response().setStatusCode(response.status()).putHeader("content-type", "application/json; charset=utf-8")
                .end(body(request, Buffer.buffer(Json.bytes(response.body()))));
    }

    /**
     * The body, or none for a HEAD with the length a GET's would have: Vert.x leaves a HEAD's body out, and
     * sets no Content-Length for it.
     */
    static Buffer body(HttpServerRequest request, Buffer body) {
        if (request.method().name().equals("HEAD")) {
            request.response().putHeader("content-length", Integer.toString(body.length()));
            return Buffer.buffer();
        }
        return body;
    }
}
