package dev.toolgate.observe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Map;

/**
 * One HTTP exchange on an MCP route once its answer is complete: what Kong's log serializer reports
 * (request, response, latencies, route, service, consumer, client address) with its MCP messages and
 * ACL evaluations. Secrets are already out: credential headers and query arguments are masked.
 *
 * @param origin          route, service, caller and client
 * @param startedAtMillis when the request arrived (epoch milliseconds)
 * @param method          the HTTP method
 * @param uri             the request's path and query (credentials masked)
 * @param url             the full URL the client used (credentials masked)
 * @param requestBytes    bytes read from the client
 * @param requestHeaders  the request's headers, lower-case names (credentials masked; several values joined);
 *                        empty when no sink of the exchange reads headers ({@link TrafficSink#readsHeaders})
 * @param status          the answer's HTTP status
 * @param responseBytes   bytes written to the client
 * @param responseHeaders the answer's headers, lower-case names (empty likewise)
 * @param latencyNanos    from the request's arrival to the answer's end (Kong's {@code latencies.request})
 * @param upstreamNanos   time waiting for the upstream (Kong's {@code latencies.proxy}); -1 when none was called
 * @param upstreamStatus  the upstream's status (passthrough), or 0
 * @param session         the MCP session id (cut at {@value McpEvent#MAX_TEXT} characters), or null
 * @param rpc             the exchange's MCP messages, in the order they finished
 * @param audits          the ACL evaluations in Kong's {@code ai.mcp.audit[]} shape (with {@code log_audits})
 * @param upstreamUri     the path and query sent upstream (Kong's {@code upstream_uri}; secret arguments
 *                        masked): the proxied request's, or a tool call's REST request (a batch's first);
 *                        when none was sent, the route's (Kong's router's: the path it would have been sent
 *                        to, the client's query); null without either
 * @param receiveNanos    from the upstream's answer head to the answer's last byte (Kong's {@code latencies.receive}:
 *                        a stream's whole length, a tool call's REST body and its conversion); 0 when none came
 * @param upstreamAnswered the upstream answered (Kong's {@code source} is the service): false when the gateway did,
 *                        nothing having been proxied or no answer having come within the read timeout (the proxy
 *                        latency is then the time waited, beside nginx's 504)
 */
public record ExchangeEvent(Origin origin, long startedAtMillis, String method, String uri, String url,
                            long requestBytes, Map<String, String> requestHeaders, int status, long responseBytes,
                            Map<String, String> responseHeaders, long latencyNanos, long upstreamNanos,
                            int upstreamStatus, String session, List<McpEvent> rpc, List<ObjectNode> audits,
                            String upstreamUri, long receiveNanos, boolean upstreamAnswered) {

    /** An exchange whose answer's receiving is not known. */
    public ExchangeEvent(Origin origin, long startedAtMillis, String method, String uri, String url,
                         long requestBytes, Map<String, String> requestHeaders, int status, long responseBytes,
                         Map<String, String> responseHeaders, long latencyNanos, long upstreamNanos,
                         int upstreamStatus, String session, List<McpEvent> rpc, List<ObjectNode> audits,
                         String upstreamUri) {
        this(origin, startedAtMillis, method, uri, url, requestBytes, requestHeaders, status, responseBytes,
                responseHeaders, latencyNanos, upstreamNanos, upstreamStatus, session, rpc, audits, upstreamUri, 0,
                upstreamNanos >= 0);
    }

    /** An exchange nothing was sent upstream for. */
    public ExchangeEvent(Origin origin, long startedAtMillis, String method, String uri, String url,
                         long requestBytes, Map<String, String> requestHeaders, int status, long responseBytes,
                         Map<String, String> responseHeaders, long latencyNanos, long upstreamNanos,
                         int upstreamStatus, String session, List<McpEvent> rpc, List<ObjectNode> audits) {
        this(origin, startedAtMillis, method, uri, url, requestBytes, requestHeaders, status, responseBytes,
                responseHeaders, latencyNanos, upstreamNanos, upstreamStatus, session, rpc, audits, null, 0,
                upstreamNanos >= 0);
    }

    /** The same exchange with {@code rpc} as its messages: those finished after its answer ended, too. */
    public ExchangeEvent withRpc(List<McpEvent> rpc) {
        return new ExchangeEvent(origin, startedAtMillis, method, uri, url, requestBytes, requestHeaders, status,
                responseBytes, responseHeaders, latencyNanos, upstreamNanos, upstreamStatus, session, rpc, audits,
                upstreamUri, receiveNanos, upstreamAnswered);
    }

    public ExchangeEvent {
        // the client's Mcp-Session-Id header, up to the server's header limit: cut as each message's is
        session = McpEvent.bounded(session);
        rpc = List.copyOf(rpc);
        audits = List.copyOf(audits);
    }

    /**
     * About the bytes of this exchange's log entry: its texts, headers, messages and audits, and a share for
     * the fields (for {@code max_bytes}; the route's and service's entities are shared, not counted).
     */
    public int weight() {
        int weight = 400 + McpEvent.length(uri) + McpEvent.length(url) + McpEvent.length(session)
                + McpEvent.length(upstreamUri)
                + weight(requestHeaders) + weight(responseHeaders);
        for (ObjectNode audit : audits) {
            weight += weight(audit);
        }
        for (McpEvent e : rpc) {
            weight += e.weight();
        }
        return weight;
    }

    /** An audit entry's texts and a share for each field (a few flat fields and the consumer object). */
    private static int weight(JsonNode node) {
        int weight = 2;
        for (var field : node.properties()) {
            JsonNode value = field.getValue();
            weight += 6 + field.getKey().length() + (value.isContainerNode() ? weight(value) : value.asText().length());
        }
        return weight;
    }

    private static int weight(Map<String, String> headers) {
        if (headers instanceof MaskedHeaders masked) {
            return masked.weight();
        }
        int weight = 0;
        for (var header : headers.entrySet()) {
            weight += 6 + header.getKey().length() + header.getValue().length();
        }
        return weight;
    }

    /** Who answered: {@code upstream} when the upstream did, else {@code kong} (the gateway itself). */
    public String source() {
        return upstreamAnswered ? "upstream" : "kong";
    }
}
