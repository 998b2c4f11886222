package dev.toolgate.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.mcp.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** The live traffic page's feed ({@code /dashboard/events}) as a test reads it. */
public final class LiveFeed {

    private LiveFeed() {
    }

    /**
     * The lines the feed at {@code pathAndQuery} (under the admin listener) sends within {@code wait}, with these
     * request headers.
     */
    public static java.util.List<String> lines(TestGateway gateway, String pathAndQuery, java.util.Map<String, String> headers,
                                               java.time.Duration wait) {
        HttpClient client = HttpClient.newHttpClient();
        java.util.List<String> read = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(gateway.admin(pathAndQuery));
            headers.forEach(request::header);
            Thread reader = Thread.ofPlatform().daemon().start(() -> {
                try {
                    client.send(request.build(), HttpResponse.BodyHandlers.ofLines()).body().forEach(read::add);
                } catch (Exception e) {
                    // the client was shut down: reading ends
                }
            });
            Thread.sleep(wait.toMillis());
            client.shutdownNow();
            reader.join(2_000);
            synchronized (read) {
                return java.util.List.copyOf(read);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } finally {
            client.shutdownNow();
        }
    }

    /** The first message event (the recent backlog included) that {@code wanted} accepts, within 5 s. */
    public static JsonNode event(TestGateway gateway, Predicate<JsonNode> wanted) {
        HttpClient client = HttpClient.newHttpClient();
        try {
            var lines = client.send(HttpRequest.newBuilder(gateway.admin("/dashboard/events")).build(),
                    HttpResponse.BodyHandlers.ofLines()).body();
            return CompletableFuture.supplyAsync(() -> lines.filter(line -> line.startsWith("data: {")).map(line -> {
                try {
                    return Json.parse(line.substring(6));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).filter(wanted).findFirst().orElseThrow()).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("no such event on the live feed within 5 s", e);
        } finally {
            client.shutdownNow();
        }
    }
}
