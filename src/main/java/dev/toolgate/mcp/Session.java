package dev.toolgate.mcp;

/**
 * A legacy-era MCP session: what {@code initialize} negotiated, bound to the endpoint that issued it
 * (a session id from one MCP endpoint is unknown on every other).
 *
 * @param id              the {@code Mcp-Session-Id}; null in a draft the store has not issued yet
 * @param endpoint        the endpoint (route id) that issued it
 * @param protocolVersion the negotiated protocol revision
 * @param clientName      {@code clientInfo.name} as the client sent it, for logs
 * @param clientVersion   {@code clientInfo.version} as the client sent it, for logs
 * @param capabilities    the client's {@code capabilities} as JSON text, or null
 * @param createdAtMillis when {@code initialize} was answered
 */
public record Session(String id, String endpoint, String protocolVersion, String clientName, String clientVersion,
                      String capabilities, long createdAtMillis) {

    /** The same session under the id its store issued. */
    public Session withId(String issued) {
        return new Session(issued, endpoint, protocolVersion, clientName, clientVersion, capabilities, createdAtMillis);
    }
}
