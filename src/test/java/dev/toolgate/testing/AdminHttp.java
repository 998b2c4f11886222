package dev.toolgate.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.mcp.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** The Admin API of a {@link TestGateway}, over the JDK HTTP client. */
public final class AdminHttp {

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1).build();

    private final TestGateway gateway;

    public AdminHttp(TestGateway gateway) {
        this.gateway = gateway;
    }

    /** A response: status, raw body text, parsed JSON. */
    public record Response(int status, String body, String contentType) {
        public JsonNode json() {
            try {
                return Json.MAPPER.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    public Response get(String path) {
        return send(HttpRequest.newBuilder(gateway.admin(path)).GET());
    }

    /** Any method with an optional body and content type. */
    public Response send(String method, String path, String contentType, byte[] body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(gateway.admin(path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("content-type", contentType);
        }
        return send(request);
    }

    /**
     * A POST sent with {@code Expect: 100-continue}: an answer the gateway gives before reading (a 413 for what
     * {@code Content-Length} declares) reaches the client, instead of racing the close against a body still
     * being sent.
     */
    public Response postExpectingContinue(String path, String contentType, byte[] body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(gateway.admin(path)).expectContinue(true)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("content-type", contentType);
        }
        return send(request);
    }

    /** Any method with extra headers (an {@code Origin}, say) and an optional body. */
    public Response sendWithHeaders(String method, String path, java.util.Map<String, String> headers, byte[] body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(gateway.admin(path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        return send(request);
    }

    /** The events a log or trace sink dropped so far, as {@code /metrics} counts them. */
    public double dropped(String sink) {
        return get("/metrics").body().lines().filter(l -> l.startsWith("toolgate_observe_dropped_total{sink=\"" + sink + "\"}"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    /** POST /config with the document as the raw body. */
    public Response postConfig(String document) {
        return send("POST", "/config", null, document.getBytes(StandardCharsets.UTF_8));
    }

    /** The configuration hash /status reports. */
    public String hash() {
        return get("/status").json().get("configuration_hash").asText();
    }

    private static Response send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = CLIENT.send(request.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body(),
                    response.headers().firstValue("content-type").orElse(null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@code URI} of a path on the admin listener. */
    public URI uri(String path) {
        return gateway.admin(path);
    }
}
