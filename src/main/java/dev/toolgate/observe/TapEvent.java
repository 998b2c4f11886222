package dev.toolgate.observe;

/**
 * One JSON-RPC message seen on the wire of a passthrough route, as {@link MessageTap} reads it: the raw
 * material of the passthrough's {@link McpEvent}s and of the {@code /status} counts.
 *
 * @param route         the route (label) it crossed
 * @param session       the {@code Mcp-Session-Id} it belonged to, or null before a session exists
 * @param direction     who sent it
 * @param kind          request, notification, response, or invalid
 * @param method        the method (for a response: the method of the request it answers, when known)
 * @param id            the JSON-RPC id as JSON text ({@code 7}, {@code "a"}), or null
 * @param tool          for {@code tools/call}: the tool's name
 * @param errorCode     for an error response: its JSON-RPC code
 * @param toolError     for a {@code tools/call} result: its {@code isError}
 * @param bytes         the message's size
 * @param latencyMicros for a response: microseconds since its request was seen; -1 when unknown
 */
public record TapEvent(String route, String session, Direction direction, Kind kind, String method, String id,
                       String tool, Integer errorCode, Boolean toolError, int bytes, long latencyMicros) {

    /** Who sent a message. */
    public enum Direction { CLIENT_TO_SERVER, SERVER_TO_CLIENT }

    /** What a message is. */
    public enum Kind { REQUEST, NOTIFICATION, RESPONSE, INVALID }
}
