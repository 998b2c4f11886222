package dev.toolgate.mode;

import dev.toolgate.cluster.RedisSettings;
import dev.toolgate.testing.Configs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The fields of an ai-mcp-proxy {@code config} block: enums, ranges, sessions and origins. */
class AiMcpProxySettingsTest {

    private static final String CONFIG_AT = "services[0].routes[0].plugins[0].config";

    /** A conversion-listener plugin on a route with its config extended by {@code fields} (flow-mapping entries). */
    private static Configs.Loaded load(String fields) {
        return Configs.load("""
                _format_version: "3.0"
                services:
                  - name: shop
                    url: http://api.internal
                    routes:
                      - name: r
                        paths: [/shop]
                        plugins:
                          - {name: ai-mcp-proxy, config: {mode: conversion-listener, %s}}
                """.formatted(fields));
    }

    private static AiMcpProxyConfig config(Configs.Loaded loaded) {
        return (AiMcpProxyConfig) loaded.config().plugins().getFirst().config();
    }

    @Test
    void consumerIdentifierOutsideTheThreeAttributesIsReported() {
        assertThat(load("consumer_identifier: email").problems()).containsExactly(
                CONFIG_AT + ".consumer_identifier: must be one of consumer_id, custom_id, username");
    }

    @ParameterizedTest
    @ValueSource(strings = {"consumer_id", "custom_id", "username"})
    void consumerIdentifierAcceptsTheThreeAttributes(String identifier) {
        var loaded = load("consumer_identifier: " + identifier);

        assertThat(loaded.problems()).isEmpty();
        assertThat(config(loaded).consumerIdentifier()).isEqualTo(identifier);
    }

    @Test
    void aclAttributeTypeOutsideConsumerAndOauthTokenIsReported() {
        assertThat(load("acl_attribute_type: jwt").problems()).containsExactly(
                CONFIG_AT + ".acl_attribute_type: must be one of consumer, oauth_access_token");
    }

    @ParameterizedTest
    @ValueSource(strings = {"user.email", ".", "email"})
    void accessTokenClaimFieldMustBeADottedPath(String field) {
        assertThat(load("access_token_claim_field: '" + field + "'").problems()).containsExactly(
                CONFIG_AT + ".access_token_claim_field: must be a path starting with a dot, such as .user.email");
    }

    @Test
    void oauthAccessTokenAclsNeedAClaimField() {
        assertThat(load("acl_attribute_type: oauth_access_token").problems()).containsExactly(
                CONFIG_AT + ".access_token_claim_field: is required when acl_attribute_type is oauth_access_token");
    }

    @Test
    void oauthAccessTokenAclsWithAClaimFieldAreValid() {
        var loaded = load("acl_attribute_type: oauth_access_token, access_token_claim_field: .user.email");

        assertThat(loaded.problems()).isEmpty();
        assertThat(config(loaded).accessTokenClaimField()).isEqualTo(".user.email");
    }

    @Test
    void clientSessionStrategyWithoutSecretsIsReported() {
        var loaded = load("server: {session: {strategy: client}}");

        assertThat(loaded.problems()).containsExactly(CONFIG_AT
                + ".server.session.client: client.secrets needs at least one secret for strategy 'client'");
        assertThat(loaded.warnings()).isEmpty();
    }

    @Test
    void redisFeaturesToolgateCannotHonourAreRefusedWithTheirPaths() {
        var loaded = load("server: {session: {strategy: redis, redis: {cluster_nodes: [{ip: 10.0.0.1}], "
                + "server_name: r.example, sentinel_role: slave}}}");

        assertThat(loaded.problems()).anySatisfy(p -> assertThat(p).startsWith(CONFIG_AT
                + ".server.session.redis.cluster_nodes: Redis Cluster is not supported"))
                .anySatisfy(p -> assertThat(p).startsWith(CONFIG_AT + ".server.session.redis.server_name:"))
                .anySatisfy(p -> assertThat(p).startsWith(CONFIG_AT + ".server.session.redis.sentinel_role:"));
    }

    @Test
    void sessionSecretShorterThanEightCharactersIsReportedAtItsIndex() {
        var loaded = load("server: {session: {strategy: client, client: {secrets: [long-enough-1, short]}}}");

        assertThat(loaded.problems())
                .containsExactly(CONFIG_AT + ".server.session.client.secrets[1]: must be at least 8 characters");
    }

    @Test
    void redisStrategyWithoutARedisBlockUsesKongsRedisDefaults() {
        var loaded = load("server: {session: {strategy: redis}}");

        assertThat(loaded.problems()).isEmpty();
        RedisSettings redis = config(loaded).server().session().redis();
        assertThat(redis.host()).isEqualTo("127.0.0.1");
        assertThat(redis.port()).isEqualTo(6379);
        assertThat(redis.keepaliveBacklog()).isNull();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            -1          | must be between 0 and 2147483647
            2147483648  | must be between 0 and 2147483647
            1MB         | must be an integer, got string
            """)
    void maxRequestBodySizeOutsideItsRangeIsReported(String size, String message) {
        assertThat(load("max_request_body_size: " + size).problems())
                .containsExactly(CONFIG_AT + ".max_request_body_size: " + message);
    }

    @Test
    void maxRequestBodySizeZeroMeansTheGatewayWideCap() {
        var loaded = load("max_request_body_size: 0");

        assertThat(loaded.problems()).isEmpty();
        assertThat(config(loaded).effectiveBodyLimit()).isEqualTo(16L * 1024 * 1024);
        assertThat(config(load("max_request_body_size: 2147483647")).effectiveBodyLimit()).isEqualTo(16L * 1024 * 1024);
        assertThat(config(load("max_request_body_size: 8192")).effectiveBodyLimit()).isEqualTo(8192);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"app.example.com", "https://app.example.com/", "https://app.example.com/path",
            "ftp://app.example.com", "https://", "null"})
    void allowedOriginThatIsNotSchemeHostAndPortIsReported(String origin) {
        assertThat(load("server: {allowed_origins: [https://ok.example.com, '" + origin + "']}").problems())
                .containsExactly(CONFIG_AT + ".server.allowed_origins[1]: must be * or an origin such as "
                        + "https://app.example.com (scheme, host, optional port)");
    }

    @Test
    void allowedOriginsAcceptOriginsAndTheWildcard() {
        var loaded = load("server: {allowed_origins: ['*', https://app.example.com, 'http://localhost:3000']}");

        assertThat(loaded.problems()).isEmpty();
        assertThat(config(loaded).server().allowedOrigins())
                .containsExactly("*", "https://app.example.com", "http://localhost:3000");
    }

    @Test
    void aclRulesAreValidatedWithTheirScope() {
        var loaded = load("default_acl: [{scope: resources, allow: [admin]}]");

        assertThat(loaded.problems()).containsExactly(CONFIG_AT + ".default_acl[0].scope: must be one of tools");
        // the document names no consumer 'admin': that entry is warned about, the scope is not
        assertThat(loaded.warnings()).noneMatch(w -> w.contains(".scope"));
    }

    @Test
    void aclDenialAnswerIsForbiddenOrUnknownTool() {
        assertThat(load("acl_denial: unknown_tool").problems()).isEmpty();
        assertThat(load("acl_denial: hide").problems())
                .containsExactly(CONFIG_AT + ".acl_denial: must be one of forbidden, unknown_tool");
    }

    @Test
    void trafficLoggingIsAcceptedWithoutWarningsNowThatItIsEmitted() {
        var loaded = load("logging: {log_statistics: true, log_payloads: true, log_audits: true}");

        assertThat(loaded.problems()).isEmpty();
        assertThat(loaded.warnings()).isEmpty();
    }
}
