package dev.toolgate.http;

import io.vertx.core.MultiMap;

import java.util.Locale;
import java.util.Set;

/**
 * Which client headers may travel upstream. Never: hop-by-hop headers (and those named in
 * {@code Connection}), {@code Host}, {@code Content-Length}, headers that describe the MCP exchange
 * rather than the upstream call, client-supplied forwarding headers (the gateway sets its own), and
 * credentials the gateway consumed (MCP forbids passing a client's token through).
 */
public final class ForwardedHeaders {

    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade");
    private static final Set<String> NEVER_FORWARDED = Set.of("host", "content-length", "content-type", "accept",
            "accept-encoding", "expect", "mcp-session-id", "mcp-protocol-version", "last-event-id",
            "forwarded", "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "x-forwarded-port",
            "x-forwarded-path", "x-forwarded-prefix", "x-real-ip");

    private ForwardedHeaders() {
    }

    /**
     * Copies forwardable client headers into {@code upstream}.
     *
     * @param consumed lower-case names of credential headers the gateway's own authentication consumed
     */
    public static void copy(MultiMap client, MultiMap upstream, Set<String> consumed) {
        Set<String> named = connectionTokens(client.get("connection"));
        for (var entry : client) {
            String name = entry.getKey().toLowerCase(Locale.ROOT);
            if (!HOP_BY_HOP.contains(name) && !NEVER_FORWARDED.contains(name) && !named.contains(name)
                    && !consumed.contains(name)) {
                upstream.add(entry.getKey(), entry.getValue());
            }
        }
    }

    /** Sets the gateway's own {@code X-Forwarded-*} headers. */
    public static void addForwarding(MultiMap upstream, String clientAddress, String scheme, String host, int port) {
        if (clientAddress != null) {
            upstream.set("X-Forwarded-For", clientAddress);
            upstream.set("X-Real-IP", clientAddress);
        }
        upstream.set("X-Forwarded-Proto", scheme);
        if (host != null) {
            upstream.set("X-Forwarded-Host", stripPort(host));
        }
        upstream.set("X-Forwarded-Port", Integer.toString(port));
    }

    private static Set<String> connectionTokens(String connection) {
        if (connection == null) {
            return Set.of();
        }
        java.util.HashSet<String> tokens = new java.util.HashSet<>();
        for (String token : connection.split(",")) {
            tokens.add(token.trim().toLowerCase(Locale.ROOT));
        }
        return tokens;
    }

    private static String stripPort(String host) {
        int colon = host.lastIndexOf(':');
        return colon > 0 && !host.endsWith("]") ? host.substring(0, colon) : host;
    }
}
