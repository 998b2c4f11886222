package dev.toolgate.openapi;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Fetches an OpenAPI document from a URL as a stream, stopping at the size cap: a server that sends a
 * gigabyte costs the cap's worth of memory, not the gigabyte. Runs at configuration load, never on an
 * event loop.
 */
final class SpecFetch {

    private SpecFetch() {
    }

    static byte[] fetch(String url, int maxBytes) {
        // redirects are not followed: the operator chose this URL, not wherever its server sends the gateway
        // next (an address inside the network, a metadata service)
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER).build();
        try {
            HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(30)).header("accept", "application/json, application/yaml, */*")
                    .build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
                if (response.statusCode() / 100 == 3) {
                    throw new OpenApiException("fetching " + url + " answered HTTP " + response.statusCode()
                            + ", a redirect, which Toolgate does not follow; give the URL it redirects to");
                }
                if (response.statusCode() != 200) {
                    throw new OpenApiException("fetching " + url + " answered HTTP " + response.statusCode());
                }
                long declared = response.headers().firstValueAsLong("content-length").orElse(-1);
                if (declared > maxBytes) {
                    throw new OpenApiException(url + " is larger than " + maxBytes + " bytes");
                }
                byte[] content = body.readNBytes(maxBytes + 1);
                if (content.length > maxBytes) {
                    throw new OpenApiException(url + " is larger than " + maxBytes + " bytes");
                }
                return content;
            }
        } catch (IOException e) {
            throw new OpenApiException("cannot fetch " + url + ": " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OpenApiException("interrupted while fetching " + url);
        } catch (IllegalArgumentException e) {
            throw new OpenApiException("'" + url + "' is not a valid URL");
        }
    }
}
