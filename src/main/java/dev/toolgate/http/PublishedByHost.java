package dev.toolgate.http;

import io.vertx.core.http.HttpServerRequest;

import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Documents of several hosts published at one path, each answered to requests for its own host: two
 * MCP endpoints at {@code /mcp} on {@code a.example} and {@code b.example} each have their Protected
 * Resource Metadata at {@code /.well-known/oauth-protected-resource/mcp}, and RFC 9728 has a client ask
 * the resource's own host for it. The host is the request's, or the first {@code X-Forwarded-Host}'s when a
 * trusted proxy ({@code --trusted-ips}) sent it, as for the challenge that names the document's URL. A
 * request for another host is routed as if nothing were published there.
 *
 * @param byHost       the documents by {@link Published#host()}
 * @param trustedProxy whether a peer address is a trusted proxy's
 */
public record PublishedByHost(Map<String, Published> byHost, Predicate<String> trustedProxy) implements Published {

    public PublishedByHost {
        byHost = Map.copyOf(byHost);
    }

    /** The document for the request's host, or null when none is published for it. */
    public Published choose(HttpServerRequest request) {
        String forwarded = request.getHeader("x-forwarded-host");
        if (forwarded != null && request.remoteAddress() != null
                && trustedProxy.test(request.remoteAddress().hostAddress())) {
            String first = hostOf(forwarded.split(",", 2)[0].trim());
            if (byHost.containsKey(first)) {
                return byHost.get(first);
            }
        }
        return request.authority() == null ? null : byHost.get(request.authority().host().toLowerCase(Locale.ROOT));
    }

    @Override
    public void answer(HttpServerRequest request) {
        Published chosen = choose(request);
        if (chosen == null) {
            request.response().setStatusCode(404).putHeader("content-type", "text/plain; charset=utf-8")
                    .end("Not Found: no document here for this host\n");
        } else {
            chosen.answer(request);
        }
    }

    /** {@code host[:port]} or {@code [v6]:port} without its port, lower-case. */
    private static String hostOf(String authority) {
        int colon = authority.lastIndexOf(':');
        String host = colon > authority.lastIndexOf(']') ? authority.substring(0, colon) : authority;
        return host.toLowerCase(Locale.ROOT);
    }
}
