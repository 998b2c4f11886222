package dev.toolgate.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.mcp.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Raw HTTP against an MCP endpoint, for the cases a well-behaved SDK client never produces (bad
 * headers, malformed bodies, wrong sessions). Uses the JDK's HTTP client.
 */
public final class McpHttp {

    public static final String ACCEPT_BOTH = "application/json, text/event-stream";
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1).build();

    private final URI endpoint;
    private final Map<String, String> always;
    private String sessionId;

    public McpHttp(URI endpoint) {
        this(endpoint, Map.of());
    }

    /** A client that sends {@code headers} (an API key, say) with every request. */
    public McpHttp(URI endpoint, Map<String, String> headers) {
        this.endpoint = endpoint;
        this.always = Map.copyOf(headers);
    }

    /** Sends {@code initialize} and keeps the session id; returns the response. */
    public Response initialize(String protocolVersion) {
        Response response = post("""
                {"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"%s","capabilities":{},
                 "clientInfo":{"name":"toolgate-tests","version":"1"}}}""".formatted(protocolVersion));
        sessionId = response.header("mcp-session-id");
        post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        return response;
    }

    public String sessionId() {
        return sessionId;
    }

    public void sessionId(String id) {
        this.sessionId = id;
    }

    /** POSTs a body with the standard headers (and the session, once there is one). */
    public Response post(String body) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("content-type", "application/json");
        headers.put("accept", ACCEPT_BOTH);
        if (sessionId != null) {
            headers.put("mcp-session-id", sessionId);
        }
        return send("POST", body, headers);
    }

    /** {@code tools/call} with the given arguments JSON; returns the JSON-RPC {@code result}. */
    public JsonNode call(String tool, String argumentsJson) {
        Response response = post("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\""
                + tool + "\",\"arguments\":" + argumentsJson + "}}");
        if (response.status() != 200 || !response.json().has("result")) {
            throw new AssertionError("tools/call " + tool + " failed: " + response);
        }
        return response.json().get("result");
    }

    /**
     * Any request with exactly these headers (and those the client always sends), plus {@code repeated}
     * name/value pairs (a name may repeat).
     */
    public Response send(String method, String body, Map<String, String> headers, String... repeated) {
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        always.forEach(request::header);
        headers.forEach(request::header);
        for (int i = 0; i + 1 < repeated.length; i += 2) {
            request.header(repeated[i], repeated[i + 1]);
        }
        try {
            HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body(), response);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** An HTTP response with helpers. */
    public record Response(int status, String body, HttpResponse<String> raw) {
        public String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }

        /** The body as JSON; for an SSE answer, the last event's data (the response, after any notifications). */
        public JsonNode json() {
            String type = header("content-type");
            String text = body;
            if (type != null && type.startsWith("text/event-stream")) {
                text = body.lines().filter(l -> l.startsWith("data:")).reduce((a, b) -> b)
                        .map(l -> l.substring(5).strip()).orElse("");
            }
            try {
                return Json.MAPPER.readTree(text);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }
}
