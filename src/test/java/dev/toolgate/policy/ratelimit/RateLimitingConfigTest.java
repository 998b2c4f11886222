package dev.toolgate.policy.ratelimit;

import dev.toolgate.config.Plugin;
import dev.toolgate.testing.Configs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** rate-limiting's config: Kong's field names, defaults and rules, problems with their paths. */
class RateLimitingConfigTest {

    private static final String AT = "plugins[0].config";

    private static Configs.Checked check(String config) {
        return Configs.check("""
                _format_version: "3.0"
                plugins:
                  - name: rate-limiting
                    config: %s
                """.formatted(config), Path.of("."));
    }

    private static RateLimitingConfig config(String config) {
        Configs.Checked checked = check(config);
        assertThat(checked.problems()).isEmpty();
        Plugin plugin = checked.snapshot().config().plugins().getFirst();
        return (RateLimitingConfig) plugin.config();
    }

    @Test
    void kongsDefaultsApply() {
        RateLimitingConfig config = config("{minute: 5}");

        assertThat(config.limitBy()).isEqualTo("consumer");
        assertThat(config.policy()).isEqualTo("local");
        assertThat(config.faultTolerant()).isTrue();
        assertThat(config.hideClientHeaders()).isFalse();
        assertThat(config.errorCode()).isEqualTo(429);
        assertThat(config.errorMessage()).isEqualTo("API rate limit exceeded");
        assertThat(config.syncRate()).isEqualTo(-1);
        assertThat(config.windows().byName()).containsExactly(java.util.Map.entry("minute", 5L));
    }

    @Test
    void kongsOlderRedisFieldsAreReadIntoTheRedisBlock() {
        RateLimitingConfig config = config("{minute: 5, policy: redis, redis_host: cache.internal, redis_port: 6380, "
                + "redis_password: s3cret, redis_timeout: 700, redis_database: 2}");

        assertThat(config.redis().host()).isEqualTo("cache.internal");
        assertThat(config.redis().port()).isEqualTo(6380);
        assertThat(config.redis().password()).isEqualTo("s3cret");
        assertThat(config.redis().readTimeout()).isEqualTo(700);
        assertThat(config.redis().database()).isEqualTo(2);
        assertThat(config.redis().connectTimeout()).isEqualTo(700);
        assertThat(config.redis().sendTimeout()).isEqualTo(700);
    }

    @Test
    void kongsHeaderNameAndPathRulesAcceptWhatARequestCanCarry() {
        assertThat(config("{minute: 5, limit_by: header, header_name: X-Tenant_Id}").headerName())
                .isEqualTo("X-Tenant_Id");
        assertThat(config("{minute: 5, limit_by: path, path: \"/mcp/v1;x=%41\"}").path()).isEqualTo("/mcp/v1;x=A");
    }

    @Test
    void aPathIsKeptAsTheRouterNormalizesTheRequestsItIsComparedWith() {
        assertThat(config("{minute: 5, limit_by: path, path: /mcp/./}").path()).isEqualTo("/mcp/");
        assertThat(config("{minute: 5, limit_by: path, path: /%2e/mcp}").path()).isEqualTo("/mcp");
        assertThat(config("{minute: 5, limit_by: path, path: /a%2fb}").path()).isEqualTo("/a%2Fb");
        assertThat(config("{minute: 5, limit_by: path, path: /%7Euser}").path()).isEqualTo("/~user");
    }

    @Test
    void aDeckExportedLocalPluginWithKongsSharedRedisBlockIsAccepted() {
        // what decK dumps for a Kong 3.6+ rate-limiting plugin, even with policy: local
        RateLimitingConfig config = config("{minute: 5, policy: local, redis: {host: null, port: 6379, timeout: 2000, "
                + "username: null, password: null, database: 0, ssl: false, ssl_verify: false, server_name: null}}");

        assertThat(config.policy()).isEqualTo("local");
    }

    @Test
    void theSharedRedisBlocksTimeoutIsTheConnectSendAndReadTimeout() {
        RateLimitingConfig config = config("{minute: 5, policy: redis, redis: {host: cache.internal, timeout: 700}}");

        assertThat(config.redis().connectTimeout()).isEqualTo(700);
        assertThat(config.redis().sendTimeout()).isEqualTo(700);
        assertThat(config.redis().readTimeout()).isEqualTo(700);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"200", "403", "503", "999"})
    void anyStatusThatCanAnswerARequestIsAnErrorCode(int status) {
        assertThat(config("{minute: 5, error_code: " + status + "}").errorCode()).isEqualTo(status);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            {}                                   | plugins[0].config: at least one of these fields must be non-empty
            {minute: 10, hour: 5}                | plugins[0].config.hour: the limit for hour (5) cannot be lower than the limit for minute (10)
            {minute: 0}                          | plugins[0].config.minute: must be between 1
            {minute: 5, limit_by: header}        | plugins[0].config.header_name: is required when limit_by is header
            {minute: 5, limit_by: path}          | plugins[0].config.path: is required when limit_by is path
            {minute: 5, limit_by: path, path: mcp}        | plugins[0].config.path: should start with: /
            {minute: 5, limit_by: path, path: //mcp}      | plugins[0].config.path: must not have empty segments
            {minute: 5, limit_by: path, path: "/m cp"}    | plugins[0].config.path: invalid path
            {minute: 5, limit_by: path, path: /mcp%zz}    | plugins[0].config.path: invalid url-encoded value
            {minute: 5, limit_by: header, header_name: "X Tenant"} | plugins[0].config.header_name: bad header name
            {minute: 5, limit_by: header, header_name: "x/tenant"} | plugins[0].config.header_name: bad header name
            {minute: 5, limit_by: consumer_id}   | plugins[0].config.limit_by: must be one of consumer, credential, ip
            {minute: 5, policy: cluster}         | plugins[0].config.policy: cluster keeps counters in Kong's database
            {minute: 5, redis: {cluster_nodes: [{ip: 10.0.0.1}]}} | plugins[0].config.redis.cluster_nodes: Redis Cluster is not supported
            {minute: 5, redis_hots: x}           | plugins[0].config.redis_hots
            {minute: 5, error_code: 0}           | plugins[0].config.error_code: must be between 200 and 999
            {minute: 5, error_code: 101}         | plugins[0].config.error_code: must be between 200 and 999
            {minute: 5, error_code: 1000}        | plugins[0].config.error_code: must be between 200 and 999
            """)
    void badConfigIsAProblemAtItsPath(String config, String problem) {
        assertThat(check(config).problems()).anySatisfy(p -> assertThat(p).startsWith(problem));
    }
}
