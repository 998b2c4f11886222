package dev.toolgate.mode.conversion;

import dev.toolgate.config.Redacted;
import dev.toolgate.http.Router;
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
 * @param preserveHost         the route's {@code preserve_host}: send the {@link #replayHost} instead of the
 *                             service's host
 * @param host                 the tool's {@code host}, null when it names none: Kong replays the call through its
 *                             router with this Host, which a {@code preserve_host} route passes on to the service
 * @param routeHosts           the tool's route's {@code hosts}, where a tool without a {@code host} takes it from
 * @param replayed             served by a {@code listener} on another route: the MCP client reached the listener,
 *                             never the tool's route, so nothing of its request stands for that route's
 */
public record RequestTemplate(UpstreamTarget target, HttpMethod method, PathTemplate path,
                              List<ParameterSpec> parameters, BodyEncoding body, String bodyType,
                              Map<String, FieldEncoding> bodyFields,
                              Map<String, List<String>> fixedHeaders, Map<String, List<String>> fixedQuery,
                              long timeoutMs, boolean forwardClientHeaders, boolean preserveHost,
                              String host, List<String> routeHosts, boolean replayed) {

    public RequestTemplate {
        routeHosts = List.copyOf(routeHosts);
        parameters = List.copyOf(parameters);
        bodyFields = Map.copyOf(bodyFields);
        fixedHeaders = Map.copyOf(fixedHeaders);
        fixedQuery = Map.copyOf(fixedQuery);
    }

    /**
     * The Host the call carries under {@code preserve_host}, as Kong's replay through its router would, or null
     * for the service's: the tool's {@code host}; else, on the tool's own route, the MCP client's when the route's
     * hosts admit it or name none (the client reached the route itself); else the route's first host that is no
     * wildcard; else the service's. A listener's client reached another route: its Host never stands for this
     * one (on a virtual-host upstream it would choose the site or tenant the call reaches).
     */
    String replayHost(String clientHost) {
        if (host != null) {
            return host;
        }
        if (!replayed && (routeHosts.isEmpty() || Router.hostMatches(routeHosts, clientHost))) {
            return clientHost;
        }
        return namedRouteHost();
    }

    /** The route's first host that is no wildcard, or null when it names none. */
    String namedRouteHost() {
        return routeHosts.stream().filter(h -> !h.startsWith("*.") && !h.endsWith(".*")).findFirst().orElse(null);
    }

    /** This template replayed from a listener, with its timeout and forwarding rule, for the calls it serves. */
    RequestTemplate servedWith(long timeoutMs, boolean forwardClientHeaders) {
        return new RequestTemplate(target, method, path, parameters, body, bodyType, bodyFields, fixedHeaders,
                fixedQuery, timeoutMs, forwardClientHeaders, preserveHost, host, routeHosts, true);
    }

    /** Its secrets masked: a message or log line that quotes it must not carry them. */
    @Override
    public String toString() {
        return Redacted.describe(this, "fixedHeaders", "fixedQuery");
    }
}
