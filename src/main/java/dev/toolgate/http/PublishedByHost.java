package dev.toolgate.http;

import io.vertx.core.http.HttpServerRequest;

import java.util.Locale;
import java.util.Map;

/**
 * Documents of several hosts published at one path, each answered to requests for its own host: two
 * MCP endpoints at {@code /mcp} on {@code a.example} and {@code b.example} each have their Protected
 * Resource Metadata at {@code /.well-known/oauth-protected-resource/mcp}, and RFC 9728 has a client ask
 * the resource's own host for it. A request for another host gets 404.
 *
 * @param byHost the documents by {@link Published#host()}
 */
public record PublishedByHost(Map<String, Published> byHost) implements Published {

    public PublishedByHost {
        byHost = Map.copyOf(byHost);
    }

    @Override
    public void answer(HttpServerRequest request) {
        String host = request.authority() == null ? null : request.authority().host().toLowerCase(Locale.ROOT);
        Published chosen = host == null ? null : byHost.get(host);
        if (chosen == null) {
            request.response().setStatusCode(404).putHeader("content-type", "text/plain; charset=utf-8")
                    .end("Not Found: no document here for this host\n");
        } else {
            chosen.answer(request);
        }
    }
}
