package dev.toolgate.policy.oauth2;

import dev.toolgate.testing.AuthorizationServer;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RedisServer;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** rate-limiting by the Authorization header in front of ai-mcp-oauth2's token exchange, counted in Redis. */
@Timeout(90)
class ExchangedTokenRateLimitIT {

    private AuthorizationServer as;
    private RestUpstream mcp;
    private RedisServer redis;
    private TestGateway gateway;

    @AfterEach
    void stop() throws Exception {
        OAuthSetup.close(gateway, mcp, as, redis);
    }

    @Test
    void theClientsTokenIsCountedWhateverItsSpacingAndNoRedisKeyHoldsAnyOfTheExchangedToken() {
        as = AuthorizationServer.start();
        mcp = OAuthSetup.mcpServer();
        redis = RedisServer.start();
        gateway = OAuthSetup.start("""
                services:
                  - name: mcp-server
                    url: ${mcp}/mcp
                    routes:
                      - name: exchange
                        paths: [/exchange]
                        plugins:
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener}
                          - name: ai-mcp-oauth2
                            config:
                              resource: ${proxy}/exchange
                              authorization_servers: [${issuer}]
                              passthrough_credentials: true
                              token_exchange:
                                enabled: true
                                token_endpoint: ${issuer}/token
                                client_id: toolgate
                                client_secret: toolgate-secret
                                request:
                                  audience: [upstream-api]
                          - name: rate-limiting
                            config: {minute: 1, limit_by: header, header_name: Authorization, policy: redis, redis: ${redis}}
                """, Map.of("issuer", as.issuer(), "mcp", mcp.url(), "redis", redis.block()));
        String endpoint = gateway.proxy("/exchange").toString();
        String client = as.token(as.issuer(), endpoint, "mcp:tools");

        McpHttp.Response admitted = initialize(endpoint, "Bearer " + client);
        assertThat(admitted.status()).as("%s", admitted).isEqualTo(200);
        // the same token, as ai-mcp-oauth2 reads it: one more space is no new count
        assertThat(initialize(endpoint, "Bearer  " + client).status()).isEqualTo(429);

        String exchanged = mcp.received().getFirst().header("authorization").substring("Bearer ".length());
        assertThat(exchanged).isNotEqualTo(client);
        // a long key is kept as its start and a digest: not even the start of a token may be there
        assertThat(redis.keys()).isNotEmpty().allSatisfy(key -> {
            assertThat(key).doesNotContain(exchanged.substring(0, 16));
            assertThat(key).doesNotContain(client.substring(0, 16));
        });
    }

    private static McpHttp.Response initialize(String endpoint, String authorization) {
        return new McpHttp(URI.create(endpoint)).send("POST", BadTokensIT.INITIALIZE,
                BadTokensIT.headers(Map.of("authorization", authorization)));
    }
}
