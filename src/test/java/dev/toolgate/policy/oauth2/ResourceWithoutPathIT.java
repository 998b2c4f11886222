package dev.toolgate.policy.oauth2;

import dev.toolgate.testing.AuthorizationServer;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Audience binding compares resource identifiers as RFC 3986 §6.2.3 does for an empty path: a
 * {@code resource} without a path and a token whose {@code aud} is the same URL with {@code /} (what
 * the MCP TypeScript SDK asks for, from {@code new URL(resource).href}) name one resource, either way
 * round. A path is compared as written: {@code /mcp} and {@code /mcp/} are different resources.
 */
@Timeout(90)
class ResourceWithoutPathIT {

    static AuthorizationServer as;
    static RestUpstream mcp;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        as = AuthorizationServer.start();
        mcp = OAuthSetup.mcpServer();
        gateway = OAuthSetup.start("""
                services:
                  - name: mcp-server
                    url: ${mcp}/mcp
                    routes:
                %s%s%s%s""".formatted(route("origin", "http://a.example"), route("origin-slash", "http://b.example/"),
                route("path", "http://c.example/path"), route("path-slash", "http://c.example/path-slash/")),
                Map.of("issuer", as.issuer(), "mcp", mcp.url()));
    }

    private static String route(String name, String resource) {
        return """
                      - name: %1$s
                        paths: [/%1$s]
                        plugins:
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener}
                          - name: ai-mcp-oauth2
                            config:
                              resource: %2$s
                              authorization_servers: [${issuer}]
                """.formatted(name, resource);
    }

    @AfterAll
    static void stop() throws Exception {
        OAuthSetup.close(gateway, mcp, as);
    }

    @ParameterizedTest(name = "resource {1}, aud {2}: {3}")
    @CsvSource({
            "origin,       http://a.example,             http://a.example/,            200",
            "origin,       http://a.example,             http://a.example,             200",
            "origin-slash, http://b.example/,            http://b.example,             200",
            "origin-slash, http://b.example/,            http://b.example/,            200",
            "origin,       http://a.example,             http://a.example/mcp,         401",
            "path,         http://c.example/path,        http://c.example/path/,       401",
            "path,         http://c.example/path,        http://c.example/path,        200",
            "path-slash,   http://c.example/path-slash/, http://c.example/path-slash,  401",
            "path-slash,   http://c.example/path-slash/, http://c.example/path-slash/, 200"})
    void anEmptyPathAndSlashAreOneResourceButAPathIsComparedAsWritten(String route, String resource, String audience,
                                                                       int expected) {
        String token = as.token(as.issuer(), audience, "mcp:tools");

        McpHttp.Response answer = new McpHttp(gateway.proxy("/" + route)).send("POST", BadTokensIT.INITIALIZE,
                BadTokensIT.headers(Map.of("authorization", "Bearer " + token)));

        assertThat(answer.status()).as("%s", answer).isEqualTo(expected);
        if (expected == 401) {
            assertThat(answer.header("www-authenticate")).contains("not issued for this resource");
        }
    }
}
