package dev.toolgate.policy.oauth2;

import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import io.vertx.core.http.HttpServerResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Made-up opaque tokens cannot take the introspections another client's new token needs: one client
 * address starts at most its share of them at once (past it, 503 saying the gateway's capacity is
 * exhausted, not that the authorization server is unreachable), and a refused token is refused again
 * for a while without a new call. The authorization server is a stub that holds the introspection of
 * every token starting {@code slow} until the test lets it go.
 */
@Timeout(120)
class IntrospectionBudgetIT {

    static RestUpstream server;
    static TestGateway gateway;
    static final Queue<HttpServerResponse> held = new ConcurrentLinkedQueue<>();
    static final Map<String, Integer> introspected = new ConcurrentHashMap<>();
    static final Queue<HttpServerResponse> exchanges = new ConcurrentLinkedQueue<>();

    @BeforeAll
    static void start() {
        server = new RestUpstream().onBody("POST /introspect", (request, body) -> {
            String token = token(body);
            introspected.merge(token, 1, Integer::sum);
            if (token.startsWith("slow")) {
                held.add(request.response());
                return;
            }
            String answer = token.startsWith("good")
                    ? "{\"active\":true,\"sub\":\"u\",\"aud\":\"" + gateway.proxy(token.startsWith("good-x") ? "/xmcp" : "/imcp")
                    + "\",\"exp\":"
                    + (System.currentTimeMillis() / 1000 + 300) + "}"
                    : "{\"active\":false}";
            request.response().putHeader("content-type", "application/json").end(answer);
        });
        // the token endpoint holds every exchange until the test ends
        server.on("POST /token", request -> exchanges.add(request.response()));
        server.json("POST /mcp", 200, "{\"jsonrpc\":\"2.0\",\"id\":0,\"result\":{}}");
        gateway = OAuthSetup.startBehindTrustedProxy("""
                services:
                  - name: mcp-server
                    url: ${server}/mcp
                    routes:
                      - name: imcp
                        paths: [/imcp]
                        plugins:
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener}
                          - name: ai-mcp-oauth2
                            config:
                              resource: ${proxy}/imcp
                              authorization_servers: [${server}]
                              introspection_endpoint: ${server}/introspect
                              client_id: toolgate
                              client_secret: toolgate-secret
                              timeout: 60000
                      - name: xmcp
                        paths: [/xmcp]
                        plugins:
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener}
                          - name: ai-mcp-oauth2
                            config:
                              resource: ${proxy}/xmcp
                              authorization_servers: [${server}]
                              introspection_endpoint: ${server}/introspect
                              client_id: toolgate
                              client_secret: toolgate-secret
                              timeout: 60000
                              passthrough_credentials: true
                              token_exchange:
                                enabled: true
                                token_endpoint: ${server}/token
                                client_id: toolgate
                                client_secret: toolgate-secret
                """, Map.of("server", server.url()));
    }

    @AfterAll
    static void stop() throws Exception {
        letGo();
        OAuthSetup.close(gateway, server);
    }

    @Test
    void aFloodOfMadeUpTokensFromOneAddressLeavesAnotherAddressesNewTokenServed() throws Exception {
        int flood = SharedCalls.LIMIT + 8;
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try {
            for (int i = 0; i < flood; i++) {
                answers.add(client.sendAsync(request("slow-junk-" + i, "10.0.0.1"), HttpResponse.BodyHandlers.ofString()));
            }
            long deadline = System.currentTimeMillis() + 60_000;
            while (held.size() + answers.stream().filter(CompletableFuture::isDone).count() < flood
                    && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            List<HttpResponse<String>> refused = answers.stream().filter(CompletableFuture::isDone)
                    .map(CompletableFuture::join).toList();

            assertThat(held).as("introspections started for one address").hasSize(SharedCalls.SHARE);
            assertThat(refused).hasSize(flood - SharedCalls.SHARE).allSatisfy(answer -> {
                assertThat(answer.statusCode()).isEqualTo(503);
                assertThat(answer.headers().firstValue("retry-after")).hasValue("5");
                assertThat(answer.body()).contains("capacity to check tokens").contains("exhausted")
                        .doesNotContain("could not be reached");
            });
            HttpResponse<String> other = client.send(request("good-token", "10.0.0.2"), HttpResponse.BodyHandlers.ofString());
            assertThat(other.statusCode()).as("%s", other.body()).isEqualTo(200);
        } finally {
            // the held introspections end before the client waits for its requests to end
            letGo();
            client.close();
        }
    }

    @Test
    void madeUpTokensFromAddressesRotatedWithinOneIpv6Slash64ShareOneAddressesShare() throws Exception {
        int flood = SharedCalls.SHARE + 8;
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try {
            for (int i = 0; i < flood; i++) {
                answers.add(client.sendAsync(request("slow-v6-" + i, "2001:db8:7:7::" + Integer.toHexString(i + 1)),
                        HttpResponse.BodyHandlers.ofString()));
            }
            long deadline = System.currentTimeMillis() + 60_000;
            while (held.size() + answers.stream().filter(CompletableFuture::isDone).count() < flood
                    && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }

            assertThat(held).as("introspections started for one /64").hasSize(SharedCalls.SHARE);
            assertThat(answers.stream().filter(CompletableFuture::isDone).map(CompletableFuture::join))
                    .hasSize(flood - SharedCalls.SHARE).allSatisfy(answer -> assertThat(answer.statusCode()).isEqualTo(503));
        } finally {
            letGo();
            client.close();
        }
    }

    @Test
    void pastTheExchangesInFlightTheNextTokenIsToldTheGatewaysCapacityIsExhaustedNotThatTheServerIsUnreachable()
            throws Exception {
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try {
            for (int i = 0; i < SharedCalls.LIMIT; i++) {
                answers.add(client.sendAsync(request("/xmcp", "good-x-" + i, "10.0.1." + (i % 200)),
                        HttpResponse.BodyHandlers.ofString()));
            }
            long deadline = System.currentTimeMillis() + 60_000;
            while (exchanges.size() < SharedCalls.LIMIT && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            assertThat(exchanges).as("exchanges the token endpoint holds").hasSize(SharedCalls.LIMIT);

            HttpResponse<String> next = client.send(request("/xmcp", "good-x-next", "10.0.2.1"),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(next.statusCode()).isEqualTo(503);
            assertThat(next.body()).contains("capacity to check tokens").contains("exhausted")
                    .doesNotContain("could not be reached");
        } finally {
            for (HttpServerResponse response = exchanges.poll(); response != null; response = exchanges.poll()) {
                HttpServerResponse waiting = response;
                server.vertx().runOnContext(v -> waiting.setStatusCode(500).end());
            }
            answers.forEach(a -> a.orTimeout(30, TimeUnit.SECONDS).exceptionally(e -> null).join());
            client.close();
        }
    }

    @Test
    void aRefusedTokenIsRefusedAgainWithoutAnotherIntrospection() {
        for (int i = 0; i < 3; i++) {
            McpHttp.Response refused = new McpHttp(gateway.proxy("/imcp")).send("POST", BadTokensIT.INITIALIZE,
                    BadTokensIT.headers(Map.of("authorization", "Bearer junk-again", "X-Real-IP", "10.0.0.3")));
            assertThat(refused.status()).isEqualTo(401);
            assertThat(refused.header("www-authenticate")).contains("the token is not active");
        }

        assertThat(introspected.get("junk-again")).isEqualTo(1);
    }

    private static HttpRequest request(String token, String address) {
        return request("/imcp", token, address);
    }

    private static HttpRequest request(String path, String token, String address) {
        return HttpRequest.newBuilder(gateway.proxy(path)).timeout(java.time.Duration.ofSeconds(90))
                .header("authorization", "Bearer " + token).header("X-Real-IP", address)
                .header("content-type", "application/json").header("accept", McpHttp.ACCEPT_BOTH)
                .POST(HttpRequest.BodyPublishers.ofString(BadTokensIT.INITIALIZE)).build();
    }

    private static void letGo() {
        for (HttpServerResponse response = held.poll(); response != null; response = held.poll()) {
            HttpServerResponse waiting = response;
            server.vertx().runOnContext(v -> waiting.putHeader("content-type", "application/json").end("{\"active\":false}"));
        }
    }

    private static String token(String form) {
        for (String pair : form.split("&")) {
            if (pair.startsWith("token=")) {
                return URLDecoder.decode(pair.substring(6), StandardCharsets.UTF_8);
            }
        }
        return "";
    }
}
