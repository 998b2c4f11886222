package dev.toolgate.mode.passthrough;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.error.GatewayError;
import dev.toolgate.error.GatewayException;
import dev.toolgate.mcp.Json;
import dev.toolgate.mcp.Session;

/**
 * The session a legacy client's {@code initialize} asks the legacy bridge for, before the route's store
 * issues it. Unlike a conversion session's, its capabilities are not kept for logs: every request of the
 * session carries them to the 2026-07-28 server (its {@code clientCapabilities}), which decides from them
 * what it may ask the client. So they are kept whole or not at all: capabilities past
 * {@link #MAX_CAPABILITIES} characters are refused with an error that says so, the most every store can
 * carry (the shared stores leave longer ones out of what they write, which dropped them silently and sent
 * the server empty capabilities; this process's store kept up to the body limit for each session's life).
 * The client's name and version are labels the server logs: one past {@link #MAX_TEXT} characters is cut.
 */
final class BridgedSessionDraft {

    /** The longest client name or version kept (as long as the logs show them). */
    static final int MAX_TEXT = 256;
    /** The longest capabilities kept, as JSON text: what a sealed or Redis session carries. */
    static final int MAX_CAPABILITIES = 2048;

    private BridgedSessionDraft() {
    }

    /**
     * @param id     the {@code initialize} request's id, which a refusal carries
     * @param params its params (an object)
     * @param owner  who opens it ({@link Session#owner}), or null
     * @throws GatewayException (invalid params) when the capabilities are too long to keep whole
     */
    static Session of(String endpoint, String version, JsonNode id, JsonNode params, long createdAtMillis,
                      String owner) {
        JsonNode client = params.path("clientInfo");
        JsonNode declared = params.get("capabilities");
        String capabilities = declared == null ? null : Json.text(declared);
        if (capabilities != null && capabilities.length() > MAX_CAPABILITIES) {
            throw new GatewayException(new GatewayError.InvalidParams(id, "params.capabilities is "
                    + capabilities.length() + " characters as JSON; a session bridged to a 2026-07-28 server carries "
                    + "at most " + MAX_CAPABILITIES + " to the server with each request"));
        }
        return new Session(null, endpoint, version, bounded(client.path("name").asText(null)),
                bounded(client.path("version").asText(null)), capabilities, createdAtMillis, owner);
    }

    private static String bounded(String text) {
        if (text == null || text.length() <= MAX_TEXT) {
            return text;
        }
        // not between the two halves of a surrogate pair
        return text.substring(0, Character.isHighSurrogate(text.charAt(MAX_TEXT - 1)) ? MAX_TEXT - 1 : MAX_TEXT);
    }
}
