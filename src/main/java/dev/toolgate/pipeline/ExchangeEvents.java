package dev.toolgate.pipeline;

import dev.toolgate.http.ProxyServer;
import dev.toolgate.http.RouteMatch;
import dev.toolgate.http.Router;
import dev.toolgate.http.UpstreamPath;
import dev.toolgate.observe.ExchangeEvent;
import dev.toolgate.observe.MaskedHeaders;
import dev.toolgate.observe.McpEvent;
import dev.toolgate.observe.Origin;
import dev.toolgate.observe.RecurringText;
import dev.toolgate.observe.Redaction;
import dev.toolgate.observe.SentRequest;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** Builds the {@link ExchangeEvent} of a finished exchange; its headers are masked when read ({@link MaskedHeaders}). */
final class ExchangeEvents {

    private ExchangeEvents() {
    }

    /**
     * The event of an exchange that ended now: Kong's proxy and receive latencies, {@code source} and
     * {@code upstream_status} are those of the request it proxied ({@code upstream}), or, when it proxied none, of
     * its messages' own calls ({@link CallTimes}).
     *
     * @param withHeaders false when no sink reads headers: the event carries none
     * @param messages    the messages it opened, or null for none
     * @param rpc         the events of its messages its log entry keeps
     */
    static ExchangeEvent of(Exchange exchange, boolean withHeaders, ObservedRoute route, Origin origin,
                            long startedAtMillis, ExchangeUpstream upstream, OpenMessages messages,
                            List<McpEvent> rpc) {
        long now = System.nanoTime();
        long upstreamNanos = upstream.proxyNanos();
        long receiveNanos = upstream.receiveNanos(now);
        int upstreamStatus = upstream.loggedStatus(exchange.request().response().getStatusCode());
        boolean upstreamAnswered = upstream.answered();
        if (upstreamNanos < 0 && messages != null) {
            CallTimes calls = CallTimes.of(messages, now);
            upstreamNanos = calls.waited();
            receiveNanos = calls.receive();
            upstreamAnswered = calls.answered();
            if (upstreamStatus == 0) {
                // Kong logs the proxied request's status: the call upstream_uri names, or nginx's 502 or 504
                upstreamStatus = upstream.firstCallStatus();
            }
        }
        return of(exchange, withHeaders, route.redaction(), origin, startedAtMillis, upstreamNanos, upstreamStatus,
                upstreamAnswered, rpc, upstream.uri, route.servicePath(), receiveNanos);
    }

    /**
     * @param withHeaders  false when no sink reads headers: the event carries none
     * @param receiveNanos from the upstream's answer head to the exchange's last byte (Kong's {@code receive})
     */
    private static ExchangeEvent of(Exchange exchange, boolean withHeaders, Redaction redaction, Origin origin,
                                    long startedAtMillis, long upstreamNanos, int upstreamStatus,
                                    boolean upstreamAnswered, List<McpEvent> rpc, String upstreamUri,
                                    String servicePath, long receiveNanos) {
        HttpServerRequest request = exchange.request();
        HttpServerResponse response = request.response();
        String query = redaction.query(request.query(), exchange.credentials().query());
        // the log plugins read these on their own threads: shared instances, cached there (RecurringText)
        String uri = RecurringText.of(query == null || query.isEmpty() ? request.path() : request.path() + "?" + query);
        String authority = exchange.authority();
        String url = RecurringText.of(ProxyServer.SCHEME + "://" + (authority == null ? "" : authority) + uri);
        String session = RecurringText.of(exchange.sessionIdOrAssigned());
        return new ExchangeEvent(origin, startedAtMillis, request.method().name(), uri, url, request.bytesRead(),
                withHeaders ? headers(request.headers(), redaction, exchange.credentials().headers()) : Map.of(),
                status(response), response.bytesWritten(),
                withHeaders ? headers(response.headers(), redaction, Set.of()) : Map.of(),
                System.nanoTime() - exchange.startedNanos(), upstreamNanos, upstreamStatus, session, rpc,
                origin.route().audits() ? exchange.audits() : List.of(),
                upstreamUri != null ? SentRequest.maskedUri(upstreamUri, redaction) : routed(exchange, servicePath, query),
                receiveNanos, upstreamAnswered);
    }

    /**
     * The status the exchange answered; nginx's 499 when the client closed the connection (or reset its stream)
     * before any answer's head went out, which Kong logs and counts as such (the response object still holds its
     * default 200).
     */
    private static int status(HttpServerResponse response) {
        return response.headWritten() ? response.getStatusCode() : CLIENT_CLOSED;
    }

    /** nginx's status for a request whose client closed the connection before the answer. */
    static final int CLIENT_CLOSED = 499;

    /**
     * Kong's {@code upstream_uri} when nothing went upstream (a key-auth 401, a rate limit's 429): its router
     * sets it from the route and service before any plugin runs, so Kong logs the path the request would have
     * been sent to (strip_path, the service's path; no transformer), with the client's query; "" without a route.
     */
    private static String routed(Exchange exchange, String servicePath, String query) {
        RouteMatch match = exchange.match();
        if (match == null) {
            return null;
        }
        String path = UpstreamPath.of(servicePath, match.matchedPrefix(), Router.normalize(exchange.request().path()),
                match.route().stripPath(), match.route().pathHandling());
        return RecurringText.of(query == null || query.isEmpty() ? path : path + "?" + query);
    }

    /**
     * The headers as they came; lower-cased, joined and masked on the log plugin's thread. Walked with
     * {@code forEach}: the server's headers hand each pair over as it is, where their iterator wraps
     * each in an entry object.
     */
    private static Map<String, String> headers(MultiMap headers, Redaction redaction, Set<String> consumed) {
        MaskedHeaders.Gathering gathering = new MaskedHeaders.Gathering();
        headers.forEach(gathering::add);
        return gathering.masked(redaction, consumed);
    }
}
