package dev.toolgate.mode.passthrough;

import dev.toolgate.http.ForwardedHeaders;
import dev.toolgate.http.Router;
import dev.toolgate.http.UpstreamClient;
import dev.toolgate.http.UpstreamPath;
import dev.toolgate.http.UpstreamQuery;
import dev.toolgate.mcp.Session;
import dev.toolgate.pipeline.Exchange;
import dev.toolgate.pipeline.PolicyChain;
import dev.toolgate.pipeline.UpstreamCall;
import dev.toolgate.pipeline.UpstreamPolicy;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A request to the service as forwarding makes it, and the URI it goes to (split from {@link PassthroughProxy}):
 * one place for Kong's path rules, the headers and the route's transformers, so that what the era bridges send
 * ({@link #link}) goes where, and as, the exchange forwarded would.
 */
record ForwardedRequest(UpstreamCall call, String uri) {

    /** The path the exchange goes to on the service: Kong's rule for the route's prefix and the service path. */
    static String path(Exchange exchange, PassthroughProxy.Settings settings) {
        return UpstreamPath.of(settings.servicePath(), exchange.match().matchedPrefix(),
                Router.normalize(exchange.request().path()), settings.stripPath(), settings.pathHandling());
    }

    /**
     * The request to the service for an exchange: Kong's path, the query and headers without the consumed
     * credentials, the gateway's headers (the server's session id for {@code boundSession}), then the route's
     * transformers and opentelemetry's clear, as Kong orders them.
     */
    static ForwardedRequest of(Exchange exchange, PassthroughProxy.Settings settings, String method,
                               Session boundSession, Buffer body, List<UpstreamPolicy> transforms) {
        String query = UpstreamQuery.without(exchange.request().query(), exchange.credentials().query());
        Set<String> written = new HashSet<>();
        MultiMap headers = headers(exchange, settings, written);
        if (boundSession != null) {
            headers.set("mcp-session-id", boundSession.upstream());
            written.add("mcp-session-id");
        }
        UpstreamCall call = new UpstreamCall(method, path(exchange, settings), UpstreamQuery.decode(query, false),
                headers, written, body, false);
        transforms.forEach(p -> p.request(exchange, call));
        if (!transforms.isEmpty()) {
            // a header a transformer added has no client twin either
            ForwardedHeaders.dropClientTwins(call.headers(), call.writtenHeaders());
        }
        exchange.observation().clearedHeaders().forEach(call.headers()::remove);
        String sentQuery = call.isQueryChanged() ? UpstreamQuery.encode(call.query()) : query;
        // some servers read a backslash as a slash; encoded, it cannot climb out of the route's prefix
        String uri = (sentQuery == null ? call.path() : call.path() + "?" + sentQuery).replace("\\", "%5C");
        return new ForwardedRequest(call, uri);
    }

    /** The era bridge's link to the service for an exchange: the path, headers and transformers of forwarding. */
    static UpstreamLink link(Exchange exchange, PassthroughProxy.Settings settings, UpstreamClient client,
                             PolicyChain chain) {
        ForwardedRequest request = of(exchange, settings, "POST", null, null, chain.upstream(exchange));
        return new UpstreamLink(client, settings.target(), request.uri(), request.call().headers());
    }

    /** @param written gets the lower-case names of the headers the gateway set, its policies' */
    private static MultiMap headers(Exchange exchange, PassthroughProxy.Settings settings, Set<String> written) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        String authority = exchange.authority();
        ForwardedHeaders.copyForProxy(exchange.request().headers(), headers, exchange.credentials().headers(),
                settings.preserveHost() ? authority : null);
        ForwardedHeaders.addForwarding(headers, exchange.forwarding());
        if (exchange.hasUpstreamHeaders()) {
            MultiMap added = exchange.upstreamHeaders();
            added.names().forEach(name -> {
                headers.set(name, added.getAll(name));
                written.add(name.toLowerCase(Locale.ROOT));
            });
        }
        ForwardedHeaders.dropClientTwins(headers, written);
        return headers;
    }
}
