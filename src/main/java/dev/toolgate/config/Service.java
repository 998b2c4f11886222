package dev.toolgate.config;

import com.fasterxml.jackson.annotation.JsonIgnore;

import java.util.List;

/**
 * A Kong Service: the upstream that its routes' requests and tool calls go to.
 *
 * @param id             UUID; derived from the name when the file gives none (stable across reloads)
 * @param name           unique name; routes and plugins refer to it
 * @param protocol       {@code http} or {@code https} (from {@code url} or {@code protocol}); default {@code http}
 * @param host           upstream host name or address
 * @param port           upstream port; default 80, or 443 for {@code https}
 * @param path           path prefix on the upstream, or null for none
 * @param retries        Kong's retry count; 0 sends no request twice, more lets an idempotent request that failed on
 *                       a stale pooled connection go once more on a new one (never more than once)
 * @param connectTimeout milliseconds to establish the upstream connection; default 60000
 * @param writeTimeout   milliseconds between two writes to the upstream; default 60000
 * @param readTimeout    milliseconds between two reads from the upstream; default 60000
 * @param tags           free-form labels
 * @param enabled        when false, the service's routes do not match; default true
 * @param tlsVerify      verify the upstream's TLS certificate; default true (Kong's default is off)
 * @param source         where the entity is in the file, e.g. {@code services[0]}
 */
public record Service(String id, String name, String protocol, String host, int port, String path, int retries,
                      int connectTimeout, int writeTimeout, int readTimeout, List<String> tags, boolean enabled,
                      boolean tlsVerify, @JsonIgnore String source) {

    public Service {
        tags = List.copyOf(tags);
    }

    /** True for {@code https}. */
    public boolean tls() {
        return "https".equals(protocol);
    }

    /** The service as one URL, for messages. */
    public String url() {
        return protocol + "://" + host + ":" + port + (path == null ? "" : path);
    }
}
