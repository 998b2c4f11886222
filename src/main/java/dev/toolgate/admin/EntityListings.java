package dev.toolgate.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.config.DeclarativeConfig;
import dev.toolgate.config.Plugin;
import dev.toolgate.config.Route;
import dev.toolgate.error.GatewayError;
import dev.toolgate.mcp.Json;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The read-only {@code /services}, {@code /routes}, {@code /plugins} and {@code /consumers} (each also
 * {@code /<kind>/{id or name}}) and the {@code GET /config} export, rendered on a virtual thread and a few at a
 * time: tens of thousands of consumers take a while to render and mask, and the admin listener's event loop
 * serves the dashboard and the probes meanwhile.
 */
final class EntityListings {

    private static final Logger LOG = LoggerFactory.getLogger(EntityListings.class);
    /** Entity listings rendered at once; more wait up to {@link #LISTING_WAIT_SECONDS}, then get 429. */
    static final int LISTINGS_AT_ONCE = 2;
    static final int LISTING_WAIT_SECONDS = 30;

    private final Vertx vertx;
    private final AdminView view;
    private final Semaphore listings = new Semaphore(LISTINGS_AT_ONCE);

    EntityListings(Vertx vertx, AdminView view) {
        this.vertx = vertx;
        this.view = view;
    }

    /** {@code GET /<kind>}, or {@code GET /<kind>/{key}} when {@code key} is given. */
    void list(HttpServerRequest request, String kind, String key) {
        inTurn(request, kind, () -> entities(kind, key));
    }

    /** {@code GET /config}: the configuration as a declarative document. */
    void export(HttpServerRequest request) {
        inTurn(request, "config", () -> new AdminResponse(200, ConfigExport.of(view.config())));
    }

    private void inTurn(HttpServerRequest request, String kind, Supplier<AdminResponse> rendering) {
        Context context = vertx.getOrCreateContext();
        Thread.ofVirtual().name("admin-entities").start(() -> {
            // each listing may hold a rendering of every consumer: they wait their turn (decK asks for several
            // kinds at once), and only a pile that would not clear in time is refused
            boolean turn;
            try {
                turn = listings.tryAcquire(LISTING_WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                turn = false;
            }
            if (!turn) {
                context.runOnContext(v -> AdminResponse.of(new GatewayError.ListingsInProgress()).send(request));
                return;
            }
            Runnable answer;
            try {
                // encoded while the turn is held: a listing's JSON is what the turns bound
                answer = rendering.get().encoded(request);
            } catch (RuntimeException e) {
                String errorId = UUID.randomUUID().toString();
                LOG.error("admin GET /{} failed (error id {})", kind, errorId, e);
                answer = AdminResponse.of(new GatewayError.Internal(errorId)).encoded(request);
            } finally {
                listings.release();
            }
            Runnable send = answer;
            context.runOnContext(v -> send.run());
        });
    }

    /**
     * The id or name a path segment names, percent-decoded as UTF-8 ({@code john%20doe}, {@code caf%C3%A9},
     * {@code a%2Fb}); the path was split on its raw {@code /} first, so an encoded one stays inside the name.
     * Null when the segment is not percent-encoded UTF-8 (a stray {@code %}, a cut or invalid escape).
     */
    static String key(String segment) {
        if (segment.indexOf('%') < 0) {
            return segment;
        }
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(segment.length());
        int i = 0;
        while (i < segment.length()) {
            int escape = segment.indexOf('%', i);
            int end = escape < 0 ? segment.length() : escape;
            bytes.writeBytes(segment.substring(i, end).getBytes(StandardCharsets.UTF_8));
            if (escape < 0) {
                break;
            }
            int high = escape + 2 < segment.length() ? Character.digit(segment.charAt(escape + 1), 16) : -1;
            int low = high < 0 ? -1 : Character.digit(segment.charAt(escape + 2), 16);
            if (low < 0) {
                return null;
            }
            bytes.write(high << 4 | low);
            i = escape + 3;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private AdminResponse entities(String kind, String key) {
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
            return new AdminResponse(200, page);
        }
        Optional<ObjectNode> one = all.stream().filter(e -> key.equals(e.path("id").asText())
                || key.equals(e.path("name").asText(null)) || key.equals(e.path("username").asText(null))).findFirst();
        return one.map(e -> new AdminResponse(200, e)).orElseGet(() -> AdminResponse.of(new GatewayError.NotFound()));
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
}
