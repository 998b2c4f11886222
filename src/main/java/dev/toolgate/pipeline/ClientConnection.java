package dev.toolgate.pipeline;

import dev.toolgate.http.ClientAddresses;
import dev.toolgate.http.ForwardedHeaders;
import dev.toolgate.http.Forwarding;
import dev.toolgate.http.Router;
import io.vertx.core.http.HttpServerRequest;

/**
 * Who the client of one request is and how it reached the gateway: the connection's peer, what a trusted proxy in
 * front says of the client ({@link ClientAddresses}: a client's own claim is never taken as fact), the authority
 * it addressed, and what the upstream is told of all that ({@link Forwarding}).
 */
final class ClientConnection {

    private final HttpServerRequest request;
    private final ClientAddresses addresses;
    private final String peer;
    private final String clientAddress;
    private final String authority;

    ClientConnection(HttpServerRequest request, ClientAddresses addresses) {
        this.request = request;
        this.addresses = addresses;
        this.peer = request.remoteAddress() == null ? null : request.remoteAddress().hostAddress();
        // the header's lines are gathered only from a trusted proxy: any other peer's claim is ignored anyway
        boolean proxied = peer != null && addresses.isTrusted(peer);
        this.clientAddress = proxied
                ? addresses.resolve(peer, ForwardedHeaders.joined(request, addresses.header())) : peer;
        this.authority = ForwardedHeaders.authority(request);
    }

    /** The peer of the connection, or what a trusted proxy in front of the gateway says the client is. */
    String clientAddress() {
        return clientAddress;
    }

    /**
     * The client's port, or 0 when unknown: a trusted proxy's client came through a connection the gateway did
     * not see, and the proxy's own port would be no port of the {@link #clientAddress}.
     */
    int clientPort() {
        return peer == null || addresses.isTrusted(peer) || request.remoteAddress() == null ? 0
                : Math.max(request.remoteAddress().port(), 0);
    }

    /**
     * The upstream's {@code X-Forwarded-For}: the chain a trusted proxy sent with the peer appended,
     * or the peer alone (a client's own claim is never passed on as fact).
     */
    String forwardedFor() {
        if (peer == null || !addresses.isTrusted(peer)) {
            return peer;
        }
        String claimed = ForwardedHeaders.joined(request, "x-forwarded-for");
        return claimed != null ? claimed + ", " + peer : peer;
    }

    /** True when the connection's peer is a trusted proxy, whose forwarding headers are believed. */
    boolean fromTrustedProxy() {
        return addresses.isTrusted(peer);
    }

    /**
     * True when the request came over HTTPS: the listeners are plain HTTP, so when a {@code --trusted-ips}
     * proxy in front says {@code X-Forwarded-Proto: https} (as Kong reads it); from anyone else the header
     * is not believed.
     */
    boolean overHttps() {
        if (request.isSSL()) {
            return true;
        }
        String proto = fromTrustedProxy() ? request.getHeader("x-forwarded-proto") : null;
        return proto != null && proto.split(",", 2)[0].trim().equalsIgnoreCase("https");
    }

    /**
     * What the upstream is told of this request: a trusted proxy's {@code X-Forwarded-Host}, {@code -Port},
     * {@code -Path} and {@code -Prefix} when it sent them, else the gateway's own (the Host, the port the client
     * connected to, the request path, the route's matched prefix unless it is {@code /}); {@code https} whenever
     * {@link #overHttps()}.
     *
     * @param matched the route's matched prefix, or null
     */
    Forwarding forwarding(String matched) {
        boolean trusted = fromTrustedProxy();
        String host = trusted ? claimed("x-forwarded-host") : null;
        String port = trusted ? claimed("x-forwarded-port") : null;
        String path = trusted ? claimed("x-forwarded-path") : null;
        String prefix = trusted ? claimed("x-forwarded-prefix") : null;
        return new Forwarding(forwardedFor(), clientAddress, overHttps() ? "https" : "http",
                host != null ? host : authority == null ? null : Router.stripPort(authority),
                port != null && port.matches("\\d{1,5}") ? port : Integer.toString(localPort()),
                path != null ? path : request.path(),
                prefix != null ? prefix : matched == null || matched.equals("/") ? null : matched);
    }

    /** The authority the client addressed (Host, or :authority over HTTP/2); null when absent. */
    String authority() {
        return authority;
    }

    /** The port the client connected to. */
    int localPort() {
        return request.localAddress() == null ? 0 : request.localAddress().port();
    }

    /** A trusted proxy's forwarding header: its first line, trimmed; null when absent or empty. */
    private String claimed(String name) {
        String value = request.getHeader(name);
        return value == null || value.isBlank() ? null : value.trim();
    }
}
