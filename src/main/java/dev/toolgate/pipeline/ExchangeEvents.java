package dev.toolgate.pipeline;

import dev.toolgate.observe.ExchangeEvent;
import dev.toolgate.observe.McpEvent;
import dev.toolgate.observe.Origin;
import dev.toolgate.observe.Redaction;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Builds the {@link ExchangeEvent} of a finished exchange, with its credentials masked. */
final class ExchangeEvents {

    private ExchangeEvents() {
    }

    /** @param withHeaders false when no sink reads headers: the event carries none */
    static ExchangeEvent of(Exchange exchange, boolean withHeaders, Redaction redaction, Origin origin,
                            long startedAtMillis, long upstreamNanos, int upstreamStatus, List<McpEvent> rpc) {
        HttpServerRequest request = exchange.request();
        HttpServerResponse response = request.response();
        String query = redaction.query(request.query(), exchange.consumedQuery());
        String uri = query == null || query.isEmpty() ? request.path() : request.path() + "?" + query;
        String authority = exchange.authority();
        String url = (request.isSSL() ? "https" : "http") + "://" + (authority == null ? "" : authority) + uri;
        String session = exchange.sessionId();
        if (session == null) {
            session = response.headers().get("mcp-session-id");
        }
        return new ExchangeEvent(origin, startedAtMillis, request.method().name(), uri, url, request.bytesRead(),
                withHeaders ? headers(request.headers(), redaction, exchange.consumedHeaders()) : Map.of(),
                response.getStatusCode(), response.bytesWritten(),
                withHeaders ? headers(response.headers(), redaction, Set.of()) : Map.of(),
                System.nanoTime() - exchange.startedNanos(), upstreamNanos, upstreamStatus, session, rpc,
                origin.route().audits() ? exchange.audits() : List.of());
    }

    /** Headers by lower-case name, several values joined with {@code ", "}, secrets masked. */
    private static Map<String, String> headers(MultiMap headers, Redaction redaction, Set<String> consumed) {
        Map<String, String> joined = new LinkedHashMap<>(headers.size() * 2);
        for (Map.Entry<String, String> header : headers) {
            joined.merge(header.getKey().toLowerCase(Locale.ROOT), header.getValue(), (a, b) -> a + ", " + b);
        }
        joined.replaceAll((name, value) -> redaction.header(name, value, consumed));
        return joined;
    }
}
