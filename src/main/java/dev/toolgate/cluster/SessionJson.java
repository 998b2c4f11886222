package dev.toolgate.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.mcp.Json;
import dev.toolgate.mcp.Session;

import java.io.IOException;

/**
 * A session as the shared stores keep it (a Redis value, the sealed part of a session id): short
 * JSON keys, since it travels in a header with every request.
 */
final class SessionJson {

    private SessionJson() {
    }

    static byte[] write(Session session, long expiresAtMillis) {
        return write(session, expiresAtMillis, null);
    }

    /**
     * With the client address whose count holds the session ({@code a}; a Redis value only, never the sealed
     * id): renewing and ending the session reach that count through it.
     */
    static byte[] write(Session session, long expiresAtMillis, String client) {
        ObjectNode node = Json.object();
        node.put("e", session.endpoint());
        node.put("v", session.protocolVersion());
        if (session.clientName() != null) {
            node.put("n", session.clientName());
        }
        if (session.clientVersion() != null) {
            node.put("cv", session.clientVersion());
        }
        // kept whole: its writers bound it (a client's capabilities, 2,048 characters; a bridge round's state,
        // BridgeState.MAX_BYTES), and a round's state dropped here would fail its retry
        if (session.capabilities() != null) {
            node.put("c", session.capabilities());
        }
        node.put("t", session.createdAtMillis());
        if (session.owner() != null) {
            node.put("o", session.owner());
        }
        if (session.upstream() != null) {
            node.put("u", session.upstream());
        }
        node.put("x", expiresAtMillis);
        if (client != null) {
            node.put("a", client);
        }
        return Json.bytes(node);
    }

    /** The session, or null when the bytes are not one. */
    static Session read(String id, byte[] bytes) {
        try {
            return session(id, Json.parse(bytes));
        } catch (IOException e) {
            return null;
        }
    }

    /** The session, or null when the bytes are not one or it expired by {@code nowMillis}: parsed once. */
    static Session readUnexpired(String id, byte[] bytes, long nowMillis) {
        try {
            JsonNode node = Json.parse(bytes);
            return node != null && node.path("x").asLong(0) > nowMillis ? session(id, node) : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static Session session(String id, JsonNode node) {
        if (node == null || !node.path("e").isTextual() || !node.path("v").isTextual()) {
            return null;
        }
        return new Session(id, node.get("e").asText(), node.get("v").asText(), node.path("n").asText(null),
                node.path("cv").asText(null), node.path("c").asText(null), node.path("t").asLong(),
                node.path("o").asText(null), node.path("u").asText(null));
    }

    /** When a written session expires, or 0 when the bytes do not say. */
    static long expiresAt(byte[] bytes) {
        try {
            return Json.parse(bytes).path("x").asLong(0);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
