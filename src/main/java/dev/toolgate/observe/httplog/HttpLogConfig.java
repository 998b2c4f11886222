package dev.toolgate.observe.httplog;

import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import dev.toolgate.config.ConfigNode;
import dev.toolgate.config.HeaderFields;
import dev.toolgate.config.PluginSettings;
import dev.toolgate.config.Redacted;
import dev.toolgate.observe.QueueSettings;

import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * The {@code config} of Kong's {@code http-log} plugin, with Kong's names and defaults: each exchange
 * of the routes it applies to is sent, as Kong's log serializer shapes it (with the {@code ai.mcp}
 * section), to an HTTP endpoint; alone when {@code queue.max_batch_size} is 1, else batched as a JSON array.
 *
 * @param httpEndpoint required: where the entries go ({@code http} or {@code https}); a user and password
 *                     in it are sent as Basic authentication
 * @param method       {@code POST} (default), {@code PUT} or {@code PATCH}
 * @param contentType  {@code application/json} (default) or {@code application/json; charset=utf-8}
 * @param timeout      milliseconds to connect and to wait for the answer; default 10000
 * @param keepalive    milliseconds an idle connection to the endpoint is kept; default 60000
 * @param headers      headers sent with every batch (their values never appear anywhere else)
 * @param queue        batching and retries (Kong's {@code queue}; default batch size 1), with Kong's older
 *                     {@code queue_size} and {@code flush_timeout} converted as Kong converts them
 */
public record HttpLogConfig(@JsonSerialize(using = Redacted.class) String httpEndpoint, String method,
                            String contentType, long timeout, long keepalive,
                            @JsonSerialize(using = Redacted.class) Map<String, String> headers, QueueSettings queue)
        implements PluginSettings {

    /**
     * Headers Kong's http-log schema refuses in {@code headers} ("cannot contain 'Host' header"): the plugin sets
     * them itself (the endpoint's host, the body's length, {@code content_type}), so a configured one would never be
     * sent.
     */
    static final List<String> SET_BY_THE_PLUGIN = List.of("Host", "Content-Length", "Content-Type");

    public HttpLogConfig {
        headers = Map.copyOf(headers);
    }

    static HttpLogConfig read(ConfigNode node) {
        String endpoint = node.text("http_endpoint");
        URI uri = endpoint == null ? null : endpoint(node, endpoint);
        String method = node.oneOf("method", "POST", List.of("POST", "PUT", "PATCH"));
        String contentType = node.oneOf("content_type", "application/json",
                List.of("application/json", "application/json; charset=utf-8"));
        long timeout = node.integer("timeout", 10_000, 1, Integer.MAX_VALUE);
        long keepalive = node.integer("keepalive", 60_000, 1, Integer.MAX_VALUE);
        Map<String, String> headers = HeaderFields.read(node, "headers");
        HeaderFields.refuse(node, "headers", headers, SET_BY_THE_PLUGIN);
        if (uri != null && uri.getRawUserInfo() != null) {
            headers.keySet().stream().filter("Authorization"::equalsIgnoreCase).findFirst().ifPresent(name ->
                    node.problem("headers." + name, "specifying both an 'Authorization' header and user info in "
                            + "'http_endpoint' is not allowed"));
        }
        QueueSettings queue = node.object("queue").map(q -> QueueSettings.read(q, 1)).orElse(QueueSettings.defaults(1))
                .withLegacy(node, "queue_size", 1, "flush_timeout", 2);
        if (node.has("custom_fields_by_lua") && node.any("custom_fields_by_lua") != null) {
            node.problem("custom_fields_by_lua", "Toolgate runs no Lua; remove it");
        }
        // deprecated in Kong 3.x, and without effect there (the queue retries for max_retry_time)
        node.ignore("retry_count", "custom_fields_by_lua");
        return new HttpLogConfig(endpoint, method, contentType, timeout, keepalive, headers, queue);
    }

    /** The endpoint as a URL, or null with a problem when it is none an http-log can send to. */
    private static URI endpoint(ConfigNode node, String endpoint) {
        try {
            URI uri = URI.create(endpoint);
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                node.problem("http_endpoint", "must be an http or https URL with a host");
            } else if (uri.getPort() == 0 || uri.getPort() > 65_535) {
                node.problem("http_endpoint", "must have a port between 1 and 65535, or none");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            node.problem("http_endpoint", "is not a valid URL");
            return null;
        }
    }

    /** Its secrets masked: a message or log line that quotes it must not carry them. */
    @Override
    public String toString() {
        return Redacted.describe(this);
    }
}
