package dev.toolgate.http;

import dev.toolgate.testing.RawHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A request two routes match goes to the one Kong 3.x picks, so that route's plugins apply: a tenant route
 * on a wildcard host, open, beside an admin route on a path behind key-auth. Kong 2.x ranked the host route
 * first; Kong 3.x ranks the path route first, and a Kong file written for it must not lose its key-auth here.
 */
@Timeout(60)
class RoutePrecedenceIT {

    static final String PING = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}";

    static RestUpstream upstream;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        upstream = new RestUpstream().json("POST /mcp/admin/mcp", 200, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}");
        gateway = TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: mcp-server
                    url: %s/mcp
                    routes:
                      - name: tenants
                        hosts: ["*.example.com"]
                        plugins:
                          - {name: ai-mcp-proxy, config: {mode: passthrough-listener}}
                      - name: admin
                        paths: [/admin]
                        strip_path: false
                        plugins:
                          - {name: key-auth}
                          - {name: ai-mcp-proxy, config: {mode: passthrough-listener}}
                consumers:
                  - {username: alice, keyauth_credentials: [{key: alice-key}]}
                """.formatted(upstream.url()));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    private static RawHttp.Response post(String path, String extraHeaders) {
        URI target = gateway.proxy(path);
        byte[] body = PING.getBytes(StandardCharsets.UTF_8);
        return RawHttp.exchange(target, "POST " + target.getRawPath() + " HTTP/1.1\r\nHost: api.example.com\r\n"
                + "Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\n"
                + "Content-Length: " + body.length + "\r\nConnection: close\r\n" + extraHeaders, body);
    }

    @Test
    void aRequestToTheAdminPathOnAWildcardTenantHostIsAskedForTheAdminRoutesKeyAsInKong3() throws Exception {
        RawHttp.Response refused = post("/admin/mcp", "");

        assertThat(refused.status()).as(refused.toString()).isEqualTo(401);
        assertThat(refused.body()).contains("No API key found in request");
        assertThat(upstream.quiet(Duration.ofMillis(200))).as("nothing forwarded").isTrue();

        RawHttp.Response served = post("/admin/mcp", "apikey: alice-key\r\n");
        assertThat(served.status()).as(served.toString()).isEqualTo(200);
        assertThat(upstream.next().header("x-consumer-username")).isEqualTo("alice");
    }
}
