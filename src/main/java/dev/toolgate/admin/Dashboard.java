package dev.toolgate.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.config.DeclarativeConfig;
import dev.toolgate.error.ErrorCatalog;
import dev.toolgate.error.GatewayError;
import dev.toolgate.http.ErrorResponses;
import dev.toolgate.mcp.Json;
import dev.toolgate.observe.McpEvent;
import dev.toolgate.observe.UpstreamHealth;
import dev.toolgate.observe.live.LiveFeed;
import dev.toolgate.observe.live.ToolStats;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.ref.WeakReference;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The live traffic page on the admin listener: {@code /dashboard} (the page: static files from the
 * jar, no build step, nothing from the network), {@code /dashboard/events} (server-sent events: each
 * MCP message as it finishes, read from the {@link LiveFeed} every 250 ms, up to 800 a second; past that
 * the page is told how many it skipped; each with its place in the feed as its {@code id}, from which a
 * reconnecting page resumes) and
 * {@code /dashboard/overview} (per-tool statistics, sessions, streams, upstream health, the served
 * routes and tools with their ACLs). Payloads appear only for routes that log them ({@code log_payloads}).
 * The overview's routes and tools are rendered once per configuration served, off the event loop, and sent as
 * those bytes, only to a page that does not have them yet ({@code routes_tag}): every open page reads the
 * overview every 2 s, and an openapi2mcp-generated configuration of 30,000 tools made each reading 2.4 MB of JSON
 * built on the admin listener's loop, ahead of its probes.
 */
final class Dashboard {

    private static final Logger LOG = LoggerFactory.getLogger(Dashboard.class);
    private static final long TICK_MS = 250;
    private static final int BACKLOG = 50;
    /** At most this many messages per tick (800 a second): past that a person reads nothing more, so the rest are skipped. */
    private static final int MAX_PER_TICK = 200;
    /**
     * At most this many characters per tick (4 Mi a second): 200 messages with payloads of 32 KiB each, escaped
     * as JSON, would otherwise be tens of megabytes written at once to a page that may not be reading.
     */
    static final int MAX_CHARS_PER_TICK = 1024 * 1024;
    /**
     * A page whose writes stay queued this long (its browser reads nothing: a stalled tab, a dead network) is
     * dropped: what it was sent is let go, the connection and the timer end, and the browser's EventSource
     * reconnects when it can, starting from the recent backlog. Skipping ticks alone kept it, and what was
     * queued for it, for ever.
     */
    static final long STALLED_MS = 5_000;
    /**
     * At most this many pages stream events at once: each has its own timer and renders the feed for itself
     * four times a second. A page of another site opening one through an {@code <img>} (no Origin is sent) is
     * refused by its {@code Sec-Fetch-Site} before it counts ({@link AdminOrigin}); a browser that sends neither
     * still meets this bound.
     */
    static final int MAX_STREAMS = 16;
    private final AtomicInteger streams = new AtomicInteger();
    private static final Map<String, String> TYPES = Map.of("index.html", "text/html; charset=utf-8",
            "app.js", "text/javascript; charset=utf-8", "style.css", "text/css; charset=utf-8");

    private final Vertx vertx;
    private final AdminView view;
    private final Map<String, Buffer> files;
    /** The overview's routes and tools, rendered (or being rendered) for the configuration they were read from. */
    private final AtomicReference<Rendering> rendering = new AtomicReference<>();
    /** Renderings so far: each names its own ({@code routes_tag}), a reload whose hash is unchanged included. */
    private final AtomicLong renderings = new AtomicLong();

    /**
     * The overview's routes of one configuration, rendered or being rendered.
     *
     * @param config the configuration served when the rendering began (a reload serves a new one), held weakly:
     *               a configuration no longer served is not kept for the page
     */
    private record Rendering(WeakReference<DeclarativeConfig> config, Future<RenderedRoutes> routes) {
    }

    /**
     * @param hash the configuration's hash
     * @param tag  names this rendering: a page that has it is not sent the routes again
     * @param json {@code ,"routes":[...]}, UTF-8
     */
    private record RenderedRoutes(String hash, String tag, Buffer json) {
    }

    Dashboard(Vertx vertx, AdminView view) {
        this.vertx = vertx;
        this.view = view;
        // read once at start (off the event loop): three small files
        this.files = Map.of("index.html", load("index.html"), "app.js", load("app.js"), "style.css", load("style.css"));
    }

    /** True when the path is the page's: a file of it, its events or its overview. */
    boolean serves(String path) {
        String rest = rest(path);
        return rest.equals("events") || rest.equals("overview") || files.containsKey(rest);
    }

    private static String rest(String path) {
        return path.equals("/dashboard") || path.equals("/dashboard/") ? "index.html"
                : path.substring("/dashboard/".length());
    }

    /**
     * Answers a GET or a HEAD under {@code /dashboard}; false when the path is not the page's. A HEAD gets the
     * GET's status and headers without the body, and for the events, no stream (nor a place among them).
     */
    boolean handle(HttpServerRequest request, String path) {
        String rest = rest(path);
        boolean head = request.method().name().equals("HEAD");
        switch (rest) {
            case "events" -> {
                if (head) {
                    streamHead(request);
                } else {
                    stream(request);
                }
            }
            case "overview" -> overview(request);
            default -> {
                Buffer file = files.get(rest);
                if (file == null) {
                    return false;
                }
                request.response().putHeader("content-type", TYPES.get(rest)).putHeader("cache-control", "no-cache")
                        .putHeader("x-content-type-options", "nosniff")
                        .putHeader("content-security-policy", "default-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'self'")
                        .end(AdminResponse.body(request, file));
            }
        }
        return true;
    }

    /**
     * This process's feed, in every event id ({@code <epoch>-<place>}): places start again at 0 when the
     * gateway restarts, and a page reconnecting to the new process must not resume at, or skip as seen, a
     * place of the old one.
     */
    private static final String EPOCH = Long.toString(java.util.concurrent.ThreadLocalRandom.current().nextLong()
            & Long.MAX_VALUE, 36);

    /** What a GET of the events would be answered now, its headers alone: it takes no place and opens nothing. */
    private void streamHead(HttpServerRequest request) {
        if (streams.get() >= MAX_STREAMS) {
            refuseStream(request);
            return;
        }
        streamHeaders(request.response()).end();
    }

    private static HttpServerResponse streamHeaders(HttpServerResponse response) {
        return response.putHeader("content-type", "text/event-stream").putHeader("cache-control", "no-cache")
                .putHeader("x-accel-buffering", "no");
    }

    private static void refuseStream(HttpServerRequest request) {
        HttpServerResponse response = request.response();
        ErrorCatalog.Entry refused = ErrorCatalog.of(new GatewayError.TooManyDashboards(MAX_STREAMS));
        ErrorResponses.putHeaders(response, refused.headers());
        response.setStatusCode(refused.status()).putHeader("content-type", "application/json; charset=utf-8")
                .end(AdminResponse.body(request, Buffer.buffer(Json.bytes(ErrorResponses.message(refused)))));
    }

    private void stream(HttpServerRequest request) {
        HttpServerResponse response = request.response();
        if (streams.incrementAndGet() > MAX_STREAMS) {
            streams.decrementAndGet();
            refuseStream(request);
            return;
        }
        AtomicBoolean ended = new AtomicBoolean();
        Runnable end = () -> {
            if (ended.compareAndSet(false, true)) {
                streams.decrementAndGet();
            }
        };
        LiveFeed feed = view.telemetry().live();
        streamHeaders(response.setChunked(true));
        response.write("retry: 1000\n\n");
        long[] cursor = {start(feed, request.getHeader("last-event-id"))};
        LiveFilter filter = LiveFilter.of(request.params());
        long[] quiet = {0};
        long[] fullTicks = {0};
        long timer = vertx.setPeriodic(TICK_MS, id -> {
            if (response.writeQueueFull()) {
                // the browser is slow: skip this tick (the ring bounds what it may miss), and drop it when it
                // has read nothing for long
                if (++fullTicks[0] * TICK_MS >= STALLED_MS) {
                    vertx.cancelTimer(id);
                    end.run();
                    response.reset();
                }
                return;
            }
            fullTicks[0] = 0;
            // unfiltered, only the newest are read; filtered, everything kept is, so the cap applies to matches
            long from = filter.none() ? Math.max(cursor[0], feed.position() - MAX_PER_TICK) : cursor[0];
            LiveFeed.Page page = feed.since(from, filter.none() ? MAX_PER_TICK : LiveFeed.CAPACITY);
            long missed = from - cursor[0] + page.missed();
            long first = page.next() - page.events().size();
            List<McpEvent> events = page.events();
            int skip = 0;
            if (!filter.none()) {
                int matching = (int) events.stream().filter(filter::matches).count();
                skip = Math.max(0, matching - MAX_PER_TICK);
                missed += skip;
            }
            long position = page.next();
            StringBuilder out = new StringBuilder();
            if (missed > 0) {
                out.append("event: missed\ndata: ").append(missed).append("\n\n");
            }
            for (int i = 0; i < events.size(); i++) {
                McpEvent e = events.get(i);
                if (!filter.matches(e) || skip > 0 && skip-- > 0) {
                    continue;
                }
                if (out.length() >= MAX_CHARS_PER_TICK) {
                    // past this tick's budget: read from here next tick
                    position = first + i;
                    break;
                }
                // the id is the message's place in the feed: a reconnecting page resumes after it (Last-Event-ID)
                out.append("id: ").append(EPOCH).append('-').append(first + i).append("\ndata: ").append(Json.text(LiveJson.event(e))).append("\n\n");
            }
            cursor[0] = position;
            if (out.isEmpty() && ++quiet[0] % 60 == 0) {
                out.append(": keep-alive\n\n");
            }
            if (!out.isEmpty()) {
                quiet[0] = 0;
                response.write(out.toString());
            }
        });
        response.closeHandler(v -> {
            vertx.cancelTimer(timer);
            end.run();
        });
        response.exceptionHandler(t -> {
            vertx.cancelTimer(timer);
            end.run();
        });
    }

    /**
     * Where a page's stream starts: right after the last message it has (its EventSource sends that message's
     * id again when it reconnects; what fell out of the ring meanwhile is counted as missed), else the recent
     * backlog. An id the feed has not reached (a restarted gateway) counts as none.
     */
    private static long start(LiveFeed feed, String lastEventId) {
        long position = feed.position();
        String prefix = EPOCH + "-";
        if (lastEventId != null && lastEventId.trim().startsWith(prefix)) {
            try {
                long last = Long.parseLong(lastEventId.trim().substring(prefix.length()));
                if (last >= 0 && last < position) {
                    return last + 1;
                }
            } catch (NumberFormatException e) {
                // not a place in this feed: start as a new page does
            }
        }
        return Math.max(0, position - BACKLOG);
    }

    /**
     * The overview: its live part built now (small: tools with traffic, services), its routes as rendered, left
     * out when the page names the rendering it already has ({@code ?routes=<routes_tag>}).
     */
    private void overview(HttpServerRequest request) {
        Context context = vertx.getOrCreateContext();
        String known = request.getParam("routes");
        routes().onComplete(done -> context.runOnContext(v -> {
            if (done.failed()) {
                String errorId = UUID.randomUUID().toString();
                LOG.error("admin GET /dashboard/overview failed (error id {})", errorId, done.cause());
                AdminResponse.of(new GatewayError.Internal(errorId)).send(request);
                return;
            }
            RenderedRoutes routes = done.result();
            ObjectNode live = live();
            live.put("configuration_hash", routes.hash());
            live.put("routes_tag", routes.tag());
            Buffer body = Buffer.buffer(Json.bytes(live));
            if (!routes.tag().equals(known)) {
                // {live..., "routes": [...]}: the live object's closing brace gives way to the rendered member
                body = body.slice(0, body.length() - 1).copy().appendBuffer(routes.json()).appendByte((byte) '}');
            }
            request.response().putHeader("content-type", "application/json; charset=utf-8")
                    .putHeader("cache-control", "no-cache").end(AdminResponse.body(request, body));
        }));
    }

    /**
     * The routes of the configuration served now, rendered once for it on a virtual thread; readers arriving
     * meanwhile wait for that rendering.
     */
    private Future<RenderedRoutes> routes() {
        DeclarativeConfig config = view.config();
        Rendering current = rendering.get();
        if (current != null && current.config().get() == config) {
            return current.routes();
        }
        Promise<RenderedRoutes> routes = Promise.promise();
        Rendering next = new Rendering(new WeakReference<>(config), routes.future());
        if (!rendering.compareAndSet(current, next)) {
            return routes(); // another reader began it
        }
        String tag = config.hash() + "-" + renderings.incrementAndGet();
        Thread.ofVirtual().name("admin-overview").start(() -> {
            try {
                byte[] list = Json.bytes(view.mcpRoutes());
                LOG.debug("overview routes of configuration {} rendered: {} bytes", config.hash(), list.length);
                routes.complete(new RenderedRoutes(config.hash(), tag,
                        Buffer.buffer(",\"routes\":").appendBytes(list)));
            } catch (RuntimeException | Error e) {
                rendering.compareAndSet(next, null); // the next reader tries again
                routes.fail(e);
            }
        });
        return routes.future();
    }

    private ObjectNode live() {
        ObjectNode body = Json.object();
        body.put("window_seconds", LiveFeed.windowSeconds());
        body.put("sessions", view.sessions());
        body.put("streams", view.streams());
        ArrayNode stats = body.putArray("tools");
        for (ToolStats.Row row : view.telemetry().live().stats()) {
            stats.addObject().put("route", row.route()).put("name", row.name()).put("tool", row.tool())
                    .put("calls", row.calls()).put("errors", row.errors())
                    .put("error_ratio", row.calls() == 0 ? 0 : row.errors() / (double) row.calls())
                    .put("per_second", row.perSecond()).put("p50_ms", row.p50Ms()).put("p99_ms", row.p99Ms());
        }
        ArrayNode upstreams = body.putArray("upstreams");
        for (UpstreamHealth.State s : view.telemetry().health().states()) {
            upstreams.addObject().put("service", s.service()).put("address", s.address())
                    .put("state", s.healthy() ? "healthy" : "unhealthy").put("calls", s.calls())
                    .put("failures", s.failures()).put("last_seen", s.lastMillis());
        }
        return body;
    }

    private static Buffer load(String name) {
        try (InputStream in = Dashboard.class.getResourceAsStream("/dashboard/" + name)) {
            if (in == null) {
                throw new IllegalStateException("the jar lacks dashboard/" + name);
            }
            return Buffer.buffer(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
