package dev.toolgate.gateway;

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
 * An ai-mcp-proxy scoped to a route and a service applies to that route only through that service, as in
 * Kong: scoped to another service, it serves nothing there, and the route's traffic does not reach its upstream.
 */
@Timeout(60)
class EffectivePluginIT {

    static final String PING = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}";

    static RestUpstream upstream;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        upstream = new RestUpstream().json("POST /mcp/r", 200, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}");
        gateway = TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: mcp-server
                    url: %s/mcp
                    routes:
                      - {name: r, paths: [/r], strip_path: false}
                  - {name: billing, url: http://127.0.0.1:9}
                plugins:
                  - {name: ai-mcp-proxy, route: r, service: billing, config: {mode: passthrough-listener}}
                """.formatted(upstream.url()));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @Test
    void aPassthroughOnTheRouteAndAnotherServiceDoesNotServeTheRoute() throws Exception {
        URI target = gateway.proxy("/r");
        byte[] body = PING.getBytes(StandardCharsets.UTF_8);
        RawHttp.Response response = RawHttp.exchange(target, "POST " + target.getRawPath() + " HTTP/1.1\r\nHost: "
                + target.getAuthority() + "\r\nContent-Type: application/json\r\nAccept: application/json, "
                + "text/event-stream\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n", body);

        assertThat(response.status()).as(response.toString()).isEqualTo(404);
        assertThat(response.body()).contains("route 'r' has no MCP listener");
        assertThat(upstream.quiet(Duration.ofMillis(200))).as("nothing forwarded").isTrue();
    }
}
