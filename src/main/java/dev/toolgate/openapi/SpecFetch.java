package dev.toolgate.openapi;

import dev.toolgate.config.Redacted;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Fetches an OpenAPI document from a URL as a stream, stopping at the size cap: a server that sends a
 * gigabyte costs the cap's worth of memory, not the gigabyte. Runs at configuration load, never on an
 * event loop.
 */
final class SpecFetch {

    private SpecFetch() {
    }

    /** The whole fetch, the body included. */
    static final Duration TOTAL = Duration.ofSeconds(30);

    static byte[] fetch(String url, int maxBytes) {
        return fetch(url, maxBytes, TOTAL);
    }

    /**
     * The document, or a refusal once {@code total} has passed. The request's own timeout ends when the
     * head arrives, and a server that then sends a byte now and then would hold the load (and every reload
     * queued behind it) for ever, so the body is read on a thread of its own and abandoned at the deadline.
     */
    static byte[] fetch(String url, int maxBytes, Duration total) {
        // redirects are not followed: the operator chose this URL, not wherever its server sends the gateway
        // next (an address inside the network, a metadata service)
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER).build();
        // the URL may carry credentials (https://ci:TOKEN@host/x?private_token=...): messages name it masked
        String shown = Redacted.url(url);
        CompletableFuture<byte[]> document = new CompletableFuture<>();
        Thread reader = Thread.ofVirtual().name("spec-fetch").start(() -> {
            try {
                document.complete(read(client, url, shown, maxBytes, total));
            } catch (Throwable t) {
                document.completeExceptionally(t);
            }
        });
        try {
            return document.get(total.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            reader.interrupt();
            client.shutdownNow();
            throw new OpenApiException("fetching " + shown + " took longer than " + total.toSeconds() + " s");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new OpenApiException("cannot fetch " + shown + ": " + e.getCause().getClass().getSimpleName());
        } catch (InterruptedException e) {
            reader.interrupt();
            client.shutdownNow();
            Thread.currentThread().interrupt();
            throw new OpenApiException("interrupted while fetching " + shown);
        } finally {
            client.close();
        }
    }

    private static byte[] read(HttpClient client, String url, String shown, int maxBytes, Duration total) {
        try {
            HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(total).header("accept", "application/json, application/yaml, */*")
                    .build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
                if (response.statusCode() / 100 == 3) {
                    throw new OpenApiException("fetching " + shown + " answered HTTP " + response.statusCode()
                            + ", a redirect, which Toolgate does not follow; give the URL it redirects to");
                }
                if (response.statusCode() != 200) {
                    throw new OpenApiException("fetching " + shown + " answered HTTP " + response.statusCode());
                }
                long declared = response.headers().firstValueAsLong("content-length").orElse(-1);
                if (declared > maxBytes) {
                    throw new OpenApiException(shown + " is larger than " + maxBytes + " bytes");
                }
                byte[] content = body.readNBytes(maxBytes + 1);
                if (content.length > maxBytes) {
                    throw new OpenApiException(shown + " is larger than " + maxBytes + " bytes");
                }
                return content;
            }
        } catch (IOException e) {
            throw new OpenApiException("cannot fetch " + shown + ": " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OpenApiException("interrupted while fetching " + shown);
        } catch (IllegalArgumentException e) {
            throw new OpenApiException("'" + shown + "' is not a valid URL");
        }
    }
}
