package dev.toolgate.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.RSAKey;
import dev.toolgate.mcp.Json;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.util.Base64;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A real OAuth 2.1 / OpenID authorization server ({@code oidc-provider} from npm, two issuers) run
 * with the pinned Node by {@code src/test/node/authorization-server.mjs}; see the script for its
 * clients and tokens. Skips the calling test when {@code npm ci} has not run.
 */
public final class AuthorizationServer implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Process process;
    private final JsonNode started;

    private AuthorizationServer(Process process, JsonNode started) {
        this.process = process;
        this.started = started;
    }

    public static AuthorizationServer start() {
        NodeClients node = NodeClients.require();
        try {
            Path log = Files.createTempFile("authorization-server", ".log");
            Process process = new ProcessBuilder(node.node().toString(),
                    node.root().resolve("src/test/node/authorization-server.mjs").toString())
                    .directory(node.root().toFile()).redirectError(log.toFile()).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String line = CompletableFuture.supplyAsync(() -> {
                try {
                    return out.readLine();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).get(30, TimeUnit.SECONDS);
            if (line == null) {
                process.destroyForcibly();
                throw new AssertionError("the authorization server did not start: " + Files.readString(log));
            }
            return new AuthorizationServer(process, Json.MAPPER.readTree(line));
        } catch (Exception e) {
            throw new AssertionError("cannot start the authorization server", e);
        }
    }

    /** The trusted issuer (its discovery documents are at the usual well-known paths). */
    public String issuer() {
        return started.get("issuer").asText();
    }

    /** Another issuer with its own keys, which no test trusts. */
    public String otherIssuer() {
        return started.get("otherIssuer").asText();
    }

    /** The trusted issuer's signing key, private part included, for forging tokens it would not issue. */
    public RSAKey signingKey() {
        try {
            return RSAKey.parse(started.get("signingKey").toString());
        } catch (ParseException e) {
            throw new AssertionError(e);
        }
    }

    /** How many token exchanges the trusted issuer performed. */
    public int exchanges() {
        return get(URI.create(started.get("exchanges").asText())).get("exchanges").asInt();
    }

    /** How many introspection requests the trusted issuer received. */
    public int introspections() {
        return get(URI.create(started.get("exchanges").asText())).get("introspections").asInt();
    }

    /** Rotates the trusted issuer's signing key: it signs with a new one and publishes only that; its key id. */
    public String rotateKey() {
        return send(HttpRequest.newBuilder(URI.create(issuer() + "/test/rotate"))
                .POST(HttpRequest.BodyPublishers.noBody()).build()).get("kid").asText();
    }

    /**
     * Makes the trusted issuer fail every request with 503 (discovery, keys, tokens) until {@link #up()}:
     * an outage that keeps its address and keys, so the gateway can be seen to recover.
     */
    public void down() {
        post("/test/down");
    }

    /** Ends the outage {@link #down()} began. */
    public void up() {
        post("/test/up");
    }

    /** Makes the trusted issuer answer each request for its key set {@code delay} late (zero: at once again). */
    public void slowKeys(Duration delay) {
        post("/test/slow-keys?ms=" + delay.toMillis());
    }

    /** Has the trusted issuer answer the next {@code count} requests for its key set a byte every 200 ms, never whole. */
    public void trickleKeys(int count) {
        post("/test/trickle-keys?count=" + count);
    }

    /**
     * Has the trusted issuer answer the next request for its key set {@code delay} late, with the keys it published
     * when that request came in: a key rotated in meanwhile is not in the answer.
     */
    public void lateKeys(Duration delay) {
        post("/test/late-keys?ms=" + delay.toMillis());
    }

    /** How many times the trusted issuer's key set was asked for, during an outage too. */
    public int jwksRequests() {
        return get(URI.create(issuer() + "/test/jwks-requests")).get("jwksRequests").asInt();
    }

    /** How many times the other issuer's key set was asked for. */
    public int otherJwksRequests() {
        return get(URI.create(issuer() + "/test/jwks-requests")).get("otherJwksRequests").asInt();
    }

    private void post(String path) {
        send(HttpRequest.newBuilder(URI.create(issuer() + path)).POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    /** An access token for {@code resource} from {@code issuer} (client_credentials as mcp-client). */
    public String token(String issuer, String resource, String scope) {
        String form = "grant_type=client_credentials&resource=" + encode(resource) + (scope == null ? "" : "&scope=" + encode(scope));
        HttpRequest request = HttpRequest.newBuilder(URI.create(issuer + "/token"))
                .header("authorization", "Basic " + Base64.getEncoder().encodeToString("mcp-client:mcp-client-secret"
                        .getBytes(StandardCharsets.UTF_8)))
                .header("content-type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build();
        JsonNode answer = send(request);
        if (!answer.has("access_token")) {
            throw new AssertionError("no token from " + issuer + ": " + answer);
        }
        return answer.get("access_token").asText();
    }

    /** Stops it now (an authorization server that went down). */
    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static JsonNode get(URI uri) {
        return send(HttpRequest.newBuilder(uri).GET().build());
    }

    private static JsonNode send(HttpRequest request) {
        try {
            return Json.MAPPER.readTree(HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

}
