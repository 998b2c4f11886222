package dev.toolgate.http;

import dev.toolgate.config.Service;

/**
 * Where and how to connect upstream, taken from a service once at load time.
 *
 * @param service          the service name, for messages
 * @param tls              connect with TLS
 * @param host             host name or address
 * @param port             port
 * @param tlsVerify        verify the server certificate and host name
 * @param connectTimeoutMs connect timeout
 * @param readTimeoutMs    longest silence while waiting for the response
 * @param retries          Kong's {@code retries}: 0 sends no request twice; more lets a request that failed on
 *                         a stale pooled connection go once more on a new one ({@link StaleConnection})
 */
public record UpstreamTarget(String service, boolean tls, String host, int port, boolean tlsVerify,
                             int connectTimeoutMs, int readTimeoutMs, int retries) {

    public static UpstreamTarget of(Service service) {
        return new UpstreamTarget(service.name() == null ? service.id() : service.name(), service.tls(), service.host(),
                service.port(), service.tlsVerify(), service.connectTimeout(), service.readTimeout(),
                service.retries());
    }

    /** The value of the upstream {@code Host} header: the port is left out when it is the scheme's default. */
    public String hostHeader() {
        boolean defaultPort = tls ? port == 443 : port == 80;
        String name = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return defaultPort ? name : name + ":" + port;
    }
}
