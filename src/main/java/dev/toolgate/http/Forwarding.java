package dev.toolgate.http;

/**
 * What the upstream is told of the client's request: Kong's {@code X-Forwarded-*} and {@code X-Real-IP}.
 * From a trusted proxy ({@code --trusted-ips}) its {@code X-Forwarded-Proto}, {@code -Host}, {@code -Port},
 * {@code -Path} and {@code -Prefix} are passed on, each falling back to the gateway's own view when absent,
 * as Kong's runloop does; from anyone else the gateway's own view alone.
 *
 * @param forwardedFor  {@code X-Forwarded-For}: the chain a trusted proxy sent with the peer appended, or the peer
 * @param clientAddress {@code X-Real-IP}, or null
 * @param proto         {@code http} or {@code https}
 * @param host          {@code X-Forwarded-Host}, or null for none
 * @param port          {@code X-Forwarded-Port}
 * @param path          {@code X-Forwarded-Path}, or null for none
 * @param prefix        {@code X-Forwarded-Prefix}, or null for none
 */
public record Forwarding(String forwardedFor, String clientAddress, String proto, String host, String port,
                         String path, String prefix) {

    /** A client connected straight to the gateway over plain HTTP, addressing {@code authority}. */
    public static Forwarding direct(String forwardedFor, String clientAddress, String authority, int localPort) {
        return new Forwarding(forwardedFor, clientAddress, "http", authority == null ? null : Router.stripPort(authority),
                Integer.toString(localPort), null, null);
    }

    /**
     * Without {@code X-Forwarded-Path} and {@code -Prefix}: a tool call goes to a path of its own, which
     * the MCP endpoint's path and prefix do not describe.
     */
    public Forwarding withoutPath() {
        return new Forwarding(forwardedFor, clientAddress, proto, host, port, null, null);
    }
}
