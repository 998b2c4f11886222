package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.mcp.Json;
import dev.toolgate.mcp.Session;

/**
 * The session an {@code initialize} asks a conversion endpoint for, before its store issues it. The
 * client's name, version and capabilities are kept for logs only (nothing here reads them back), yet a
 * store in this process holds them for every live session, up to a thousand per client address, and a
 * {@code client} session carries them in its id. So they are kept within bounds: a name or version past
 * {@link #MAX_TEXT} characters is cut, capabilities past {@link #MAX_CAPABILITIES} characters are left
 * out (as the shared stores leave them out of what they write). Kept whole, an {@code initialize} with a
 * megabyte of capabilities kept a megabyte for the session's life: 450 of them filled a 512 MB heap.
 */
final class SessionDraft {

    /** The longest client name or version kept (as long as the logs show them). */
    static final int MAX_TEXT = 256;
    /** The longest capabilities kept, as JSON text. */
    static final int MAX_CAPABILITIES = 2048;

    private SessionDraft() {
    }

    /**
     * @param params the {@code initialize} request's params (an object)
     * @param owner  who opens it ({@link Session#owner}), or null
     */
    static Session of(String endpoint, String version, JsonNode params, long createdAtMillis, String owner) {
        JsonNode client = params.path("clientInfo");
        JsonNode declared = params.get("capabilities");
        String capabilities = declared == null ? null : Json.text(declared);
        return new Session(null, endpoint, version, bounded(client.path("name").asText(null)),
                bounded(client.path("version").asText(null)),
                capabilities == null || capabilities.length() > MAX_CAPABILITIES ? null : capabilities,
                createdAtMillis, owner);
    }

    private static String bounded(String text) {
        if (text == null || text.length() <= MAX_TEXT) {
            return text;
        }
        // not between the two halves of a surrogate pair
        return text.substring(0, Character.isHighSurrogate(text.charAt(MAX_TEXT - 1)) ? MAX_TEXT - 1 : MAX_TEXT);
    }
}
