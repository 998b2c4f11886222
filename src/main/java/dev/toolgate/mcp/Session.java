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
 * @param owner           who opened it: a digest of the caller's identity when the gateway authenticated
 *                        one, else null (anyone who holds the id may use it); another caller presenting
 *                        the id is told the session does not exist
 * @param upstream        the upstream server's own {@code Mcp-Session-Id} that a passthrough route stands this
 *                        session in for (its client sees only the store's id), else null
 */
public record Session(String id, String endpoint, String protocolVersion, String clientName, String clientVersion,
                      String capabilities, long createdAtMillis, String owner, String upstream) {

    /** A session the gateway serves itself: no upstream session stands behind it. */
    public Session(String id, String endpoint, String protocolVersion, String clientName, String clientVersion,
                   String capabilities, long createdAtMillis, String owner) {
        this(id, endpoint, protocolVersion, clientName, clientVersion, capabilities, createdAtMillis, owner, null);
    }

    /** The same session under the id its store issued. */
    public Session withId(String issued) {
        return new Session(issued, endpoint, protocolVersion, clientName, clientVersion, capabilities, createdAtMillis,
                owner, upstream);
    }

    /** True when {@code caller} (a digest as {@link #owner}, or null) may use this session. */
    public boolean usableBy(String caller) {
        return owner == null || owner.equals(caller);
    }
}
