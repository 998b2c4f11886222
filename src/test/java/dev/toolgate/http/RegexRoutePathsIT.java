package dev.toolgate.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.testing.AdminHttp;
import dev.toolgate.testing.RawHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Regex route paths run as Kong 3.x's default router runs them, on a linear-time engine: a regex route routes
 * and its named captures reach the request-transformer, a path its nested repetition cannot match is answered
 * by the next route, and a configuration whose regex needs lookaround is refused, as Kong 3.x refuses it.
 */
@Timeout(60)
class RegexRoutePathsIT {

    static final String PING = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}";
    static final String RESULT = "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}";
    static final String TENANT_PATH = "~/(?<tenant>\\w+)/api/v[0-9]+/(\\w+/?)+/mcp$";

    static RestUpstream upstream;
    static TestGateway gateway;

    static String config(String tenantPath) {
        return """
                _format_version: "3.0"
                services:
                  - name: mcp-server
                    url: %s
                    routes:
                      - name: tenants
                        paths: ['%s']
                        strip_path: false
                        plugins:
                          - name: request-transformer
                            config: {add: {headers: ["x-tenant:$(uri_captures.tenant or \\"none\\")"]}}
                          - {name: ai-mcp-proxy, config: {mode: passthrough-listener}}
                      - name: fallback
                        paths: [/]
                        strip_path: false
                        plugins:
                          - {name: ai-mcp-proxy, config: {mode: passthrough-listener}}
                """.formatted(upstream.url(), tenantPath);
    }

    @BeforeAll
    static void start() {
        upstream = new RestUpstream().json("POST /acme/api/v1/orders/mcp", 200, RESULT)
                .json("POST /acme/api/v2/orders/mcp", 200, RESULT)
                .json("POST /acme/api/v1/" + "a".repeat(3000) + "!", 200, RESULT);
        gateway = TestGateway.start(config(TENANT_PATH));
    }

    /** The routes each test starts from, whatever a configuration posted before it did. */
    @BeforeEach
    void tenantRoutes() {
        assertThat(new AdminHttp(gateway).postConfig(config(TENANT_PATH)).status()).isEqualTo(200);
        upstream.clear();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    private static RawHttp.Response post(String path) {
        URI target = gateway.proxy(path);
        byte[] body = PING.getBytes(StandardCharsets.UTF_8);
        return RawHttp.exchange(target, "POST " + target.getRawPath() + " HTTP/1.1\r\nHost: api.example.com\r\n"
                + "Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\n"
                + "Content-Length: " + body.length + "\r\nConnection: close\r\n", body);
    }

    @Test
    void aRegexRouteRoutesAndItsNamedCaptureReachesTheRequestTransformer() {
        RawHttp.Response served = post("/acme/api/v1/orders/mcp");

        assertThat(served.status()).as(served.toString()).isEqualTo(200);
        assertThat(upstream.next().header("x-tenant")).isEqualTo("acme");
    }

    @Test
    void aLongPathItsNestedRepetitionCannotMatchGoesToTheNextRoute() {
        RawHttp.Response served = post("/acme/api/v1/" + "a".repeat(3000) + "!");

        assertThat(served.status()).as(served.toString()).isEqualTo(200);
        assertThat(upstream.next().header("x-tenant")).as("the fallback route has no transformer").isNull();
    }

    @Test
    void aConfigurationWhoseRegexPathNeedsLookaroundIsRefusedAndTheRoutesServedStay() {
        AdminHttp.Response refused = new AdminHttp(gateway).postConfig(config("~/(?<tenant>\\w+)/(?!internal)"));

        assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
        JsonNode problems = refused.json().get("problems");
        assertThat(problems).hasSize(1);
        assertThat(problems.get(0).asText()).isEqualTo("services[0].routes[0].paths[0]: uses what route regexes "
                + "cannot, as Kong 3.x's default router (traditional_compatible) refuses it too: no lookaround, "
                + "backreferences, possessive or atomic groups (invalid or unsupported Perl syntax: `(?!`)");
        assertThat(post("/acme/api/v2/orders/mcp").status()).isEqualTo(200);
        assertThat(upstream.next().header("x-tenant")).isEqualTo("acme");
    }
}
