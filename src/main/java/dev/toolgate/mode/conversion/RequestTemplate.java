package dev.toolgate.mode.conversion;

import dev.toolgate.config.Redacted;
import dev.toolgate.http.UpstreamTarget;
import dev.toolgate.mode.ParameterSpec;
import io.vertx.core.http.HttpMethod;

import java.util.List;
import java.util.Map;

/**
 * Everything needed to turn a tool's arguments into an upstream request, prepared at load. Only
 * arguments fill placeholders, query, header and cookie values and the body: the target, method and
 * path around them come from configuration.
 *
 * @param target               the service to call
 * @param method               HTTP method
 * @param path                 upstream path (service path and Kong's strip rules already applied)
 * @param parameters           argument bindings
 * @param body                 how {@code body} is encoded
 * @param bodyType             the {@code Content-Type} of a JSON body, as the tool declares it
 * @param bodyFields           per-property encoding of form and multipart bodies
 * @param fixedHeaders         headers from the tool config
 * @param fixedQuery           query arguments from the tool config
 * @param timeoutMs            {@code server.timeout}
 * @param forwardClientHeaders {@code server.forward_client_headers}
 * @param preserveHost         the route's {@code preserve_host}: send the tool's {@code host}, else the MCP
 *                             client's Host header, instead of the service's host
 * @param host                 the tool's {@code host}, null when it names none: Kong replays the call through its
 *                             router with this Host, which a {@code preserve_host} route passes on to the service
 */
public record RequestTemplate(UpstreamTarget target, HttpMethod method, PathTemplate path,
                              List<ParameterSpec> parameters, BodyEncoding body, String bodyType,
                              Map<String, FieldEncoding> bodyFields,
                              Map<String, List<String>> fixedHeaders, Map<String, List<String>> fixedQuery,
                              long timeoutMs, boolean forwardClientHeaders, boolean preserveHost,
                              String host) {

    public RequestTemplate {
        parameters = List.copyOf(parameters);
        bodyFields = Map.copyOf(bodyFields);
        fixedHeaders = Map.copyOf(fixedHeaders);
        fixedQuery = Map.copyOf(fixedQuery);
    }

    /** Its secrets masked: a message or log line that quotes it must not carry them. */
    @Override
    public String toString() {
        return Redacted.describe(this, "fixedHeaders", "fixedQuery");
    }
}
