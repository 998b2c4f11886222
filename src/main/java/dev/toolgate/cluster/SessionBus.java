package dev.toolgate.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.mcp.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Consumer;

/**
 * What instances tell each other about sessions, over Redis pub/sub (the Redis of every endpoint
 * whose sessions are shared): a session ended (close its GET stream wherever it is open), a call was
 * cancelled ({@code notifications/cancelled} landed on another instance than the call), an
 * endpoint's tools changed (tell the open streams). Delivery is best effort, as pub/sub is; without
 * Redis, nothing leaves the instance.
 */
public final class SessionBus {

    private static final Logger LOG = LoggerFactory.getLogger(SessionBus.class);
    static final String CHANNEL = "toolgate:mcp-sessions";

    /**
     * One message.
     *
     * @param kind     {@code ended}, {@code cancelled} or {@code tools}
     * @param endpoint the endpoint (route id)
     * @param session  the session id ({@code ended}, {@code cancelled}), or null
     * @param detail   the request id as JSON ({@code cancelled}), the tool list's version ({@code tools})
     */
    public record Event(String kind, String endpoint, String session, String detail) {
    }

    private final String instance = UUID.randomUUID().toString();
    private final Set<RedisLink> links = new CopyOnWriteArraySet<>();
    private final List<Consumer<Event>> listeners = new CopyOnWriteArrayList<>();

    /** Hears the other instances' events (on the side loop, or a Redis client thread without Vert.x). */
    public void listen(Consumer<Event> listener) {
        listeners.add(listener);
    }

    /**
     * Tells and hears through exactly these Redis servers, those whose sessions the serving configuration
     * shares: one still named only for something else (rate limiting) is left, its subscription ended.
     */
    void share(Collection<RedisLink> shared) {
        for (RedisLink link : links) {
            if (!shared.contains(link)) {
                leave(link);
            }
        }
        shared.forEach(this::join);
    }

    private void join(RedisLink link) {
        if (links.add(link)) {
            link.subscribe(CHANNEL, this::received);
        }
    }

    /** Stops telling and hearing through a Redis: no longer named (its link is closed), or no longer shared. */
    void leave(RedisLink link) {
        if (links.remove(link)) {
            link.unsubscribe(CHANNEL);
        }
    }

    /** Tells every instance that shares a Redis with this one. */
    public void publish(Event event) {
        if (links.isEmpty()) {
            return;
        }
        ObjectNode message = Json.object();
        message.put("i", instance);
        message.put("k", event.kind());
        message.put("e", event.endpoint());
        message.put("s", event.session());
        message.put("d", event.detail());
        byte[] bytes = Json.bytes(message);
        links.forEach(link -> link.publish(CHANNEL, bytes)
                .onFailure(t -> LOG.debug("cannot publish {} on Redis {}: {}", event.kind(), link.address(), t.toString())));
    }

    private void received(byte[] bytes) {
        try {
            JsonNode message = Json.parse(bytes);
            if (instance.equals(message.path("i").asText())) {
                return;
            }
            Event event = new Event(message.path("k").asText(), message.path("e").asText(),
                    message.path("s").asText(null), message.path("d").asText(null));
            listeners.forEach(l -> l.accept(event));
        } catch (IOException | RuntimeException e) {
            LOG.debug("ignoring a malformed session event", e);
        }
    }
}
