package dev.toolgate.policy.keyauth;

import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@code key_names} entry with underscores, as Kong reads headers: {@code api_key} finds the header
 * {@code api-key} (Kong's request headers answer an underscore for a dash, and nginx in front of
 * Kong drops headers spelled with underscores, so clients send the dashed one). Found there, it
 * authenticates and never reaches the upstream, also when the anonymous consumer lets a request pass.
 */
@Timeout(60)
class KeyAuthHeaderNamesIT {

    static final String PING = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}";

    static RestUpstream upstream;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        upstream = new RestUpstream().json("POST /mcp", 200, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}");
        gateway = TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: mcp-server
                    url: %s/mcp
                    routes:
                      - name: keyed
                        paths: [/keyed]
                        plugins:
                          - {name: key-auth, config: {key_names: [api_key]}}
                          - {name: ai-mcp-proxy, config: {mode: passthrough-listener}}
                      - name: open
                        paths: [/open]
                        plugins:
                          - {name: key-auth, config: {key_names: [api_key], anonymous: guest}}
                          - {name: ai-mcp-proxy, config: {mode: passthrough-listener}}
                consumers:
                  - {username: alice, keyauth_credentials: [{key: alice-key}]}
                  - {username: guest}
                """.formatted(upstream.url()));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @BeforeEach
    void forget() {
        upstream.clear();
    }

    private static McpHttp.Response post(String path, Map<String, String> headers) {
        Map<String, String> all = new java.util.LinkedHashMap<>(headers);
        all.put("content-type", "application/json");
        all.put("accept", McpHttp.ACCEPT_BOTH);
        return new McpHttp(gateway.proxy(path)).send("POST", PING, all);
    }

    @Test
    void theDashedHeaderOfAnUnderscoredKeyNameAuthenticatesAndIsNotForwarded() {
        assertThat(post("/keyed", Map.of("api-key", "alice-key")).status()).isEqualTo(200);

        RestUpstream.Received received = upstream.next();
        assertThat(received.header("x-consumer-username")).isEqualTo("alice");
        assertThat(received.header("api-key")).isNull();
    }

    @Test
    void withAnonymousTheDashedHeaderStillAuthenticatesAndAWrongOneIsNotForwarded() {
        assertThat(post("/open", Map.of("api-key", "someone-elses-key")).status()).isEqualTo(200);
        RestUpstream.Received anonymous = upstream.next();
        assertThat(anonymous.header("api-key")).as("the credential the client sent").isNull();
        assertThat(anonymous.header("x-consumer-username")).isEqualTo("guest");

        assertThat(post("/open", Map.of("api-key", "alice-key")).status()).isEqualTo(200);
        assertThat(upstream.next().header("x-consumer-username")).isEqualTo("alice");
    }
}
