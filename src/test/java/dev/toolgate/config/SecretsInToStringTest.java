package dev.toolgate.config;

import dev.toolgate.http.UpstreamRequest;
import dev.toolgate.http.UpstreamTarget;
import dev.toolgate.observe.Redaction;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.toolgate.testing.Configs.check;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A config record quoted whole (an exception's message, a debug line) shows none of the secrets it holds:
 * vault-resolved credentials, keys, passwords, tokens, client secrets, configured header values.
 */
class SecretsInToStringTest {

    /** Every secret of the document below, each from the environment as a vault reference resolves it. */
    private static final Map<String, String> ENVIRONMENT = Map.ofEntries(
            Map.entry("KEY_AUTH_KEY", "key-auth-key-1001"), Map.entry("JWT_SECRET", "jwt-secret-1002-padded-to-32-bytes!"),
            Map.entry("BASIC_PASSWORD", "basic-password-1003"), Map.entry("LOG_TOKEN", "http-log-token-1004"),
            Map.entry("OTEL_TOKEN", "otel-header-token-1005"), Map.entry("REDIS_PASSWORD", "redis-password-1006"),
            Map.entry("CLIENT_SECRET", "oauth-client-secret-1007"), Map.entry("ACTOR_TOKEN", "actor-token-1008"),
            Map.entry("UPSTREAM_TOKEN", "upstream-token-1009"), Map.entry("TOOL_KEY", "tool-header-key-1010"),
            Map.entry("SESSION_SECRET", "session-secret-1011"), Map.entry("INTROSPECT_PW", "introspect-pw-1012"),
            Map.entry("ARGS_PASSWORD", "args-password-1013"), Map.entry("PLAIN_VALUE", "transformer-value-1014"),
            Map.entry("LOG_URL_TOKEN", "http-log-url-token-1015"));

    private static final String DOCUMENT = """
            _format_version: "3.0"
            services:
              - name: api
                url: http://127.0.0.1:9
                routes:
                  - name: tools
                    paths: [/tools]
                    plugins:
                      - name: ai-mcp-proxy
                        config:
                          mode: conversion-listener
                          server: {session: {strategy: client, client: {secrets: ["{vault://env/SESSION_SECRET}"]}}}
                          tools:
                            - name: list
                              description: lists
                              method: GET
                              path: /list
                              headers: {X-Tool-Key: ["{vault://env/TOOL_KEY}"]}
                      - name: request-transformer
                        config:
                          add:
                            headers: ["Authorization:Bearer {vault://env/UPSTREAM_TOKEN}", "X-Plain:{vault://env/PLAIN_VALUE}"]
                      - name: rate-limiting
                        config: {minute: 5, policy: redis, redis: {host: cache.internal, password: "{vault://env/REDIS_PASSWORD}"}}
                      - name: ai-mcp-oauth2
                        config:
                          resource: http://localhost/tools
                          authorization_servers: [http://127.0.0.1:1]
                          introspection_endpoint: "http://gw:{vault://env/INTROSPECT_PW}@127.0.0.1:1/introspect"
                          client_id: gateway
                          client_secret: "{vault://env/CLIENT_SECRET}"
                          args: {password: "{vault://env/ARGS_PASSWORD}", audience: tools}
                          passthrough_credentials: true
                          token_exchange:
                            enabled: true
                            token_endpoint: http://127.0.0.1:1/token
                            client_auth: inherit
                            request: {actor_token_source: config, actor_token: "{vault://env/ACTOR_TOKEN}"}
            plugins:
              - name: http-log
                config:
                  http_endpoint: "http://127.0.0.1:9/log?token={vault://env/LOG_URL_TOKEN}"
                  headers: {Authorization: "Bearer {vault://env/LOG_TOKEN}"}
              - name: opentelemetry
                config:
                  traces_endpoint: http://127.0.0.1:9/v1/traces
                  headers: {X-Collector: "{vault://env/OTEL_TOKEN}"}
            consumers:
              - username: alice
                keyauth_credentials: [{key: "{vault://env/KEY_AUTH_KEY}"}]
                jwt_secrets: [{key: alice-issuer, algorithm: HS256, secret: "{vault://env/JWT_SECRET}"}]
                basicauth_credentials: [{username: alice, password: "{vault://env/BASIC_PASSWORD}"}]
            """;

    private static String[] secrets() {
        return ENVIRONMENT.values().toArray(String[]::new);
    }

    private static DeclarativeConfig loaded() {
        var checked = check(DOCUMENT, Path.of("").toAbsolutePath(), ENVIRONMENT);
        assertThat(checked.problems()).isEmpty();
        return checked.snapshot().config();
    }

    @Test
    void theLoadedDocumentQuotedWholeShowsNoneOfItsSecrets() {
        DeclarativeConfig config = loaded();

        assertThat(config.toString()).doesNotContain(secrets()).contains("alice", "cache.internal", "[redacted]");
    }

    @Test
    void eachPluginsSettingsAndEachConsumerQuotedAloneShowNoSecret() {
        DeclarativeConfig config = loaded();

        assertThat(config.plugins()).hasSize(6).allSatisfy(plugin ->
                assertThat(plugin.config().toString()).as(plugin.name()).doesNotContain(secrets()));
        Consumer alice = config.consumers().getFirst();
        assertThat(List.of(alice, alice.keyauthCredentials().getFirst(), alice.jwtSecrets().getFirst(),
                alice.basicauthCredentials().getFirst())).allSatisfy(record ->
                assertThat(record.toString()).doesNotContain(secrets()));
        assertThat(alice.basicauthCredentials().getFirst().toString()).isEqualTo(
                "BasicAuth[id=" + alice.basicauthCredentials().getFirst().id() + ", username=alice, password=[redacted]]");
    }

    @Test
    void theVaultSecretsRememberedForRedactionAreNotQuotedEither() {
        DeclarativeConfig config = loaded();

        assertThat(new Redaction(config.referenceBySecret()).toString()).doesNotContain(secrets());
    }

    @Test
    void anUpstreamRequestQuotedWholeShowsNotItsHeadersQueryOrBody() {
        UpstreamRequest request = new UpstreamRequest(new UpstreamTarget("api", false, "127.0.0.1", 9, true, 1000, 1000, 0),
                HttpMethod.POST, "/list?api_key=upstream-token-1009",
                MultiMap.caseInsensitiveMultiMap().add("Authorization", "Bearer upstream-token-1009"),
                Buffer.buffer("{\"password\":\"upstream-token-1009\"}"), 1000, 1024);

        assertThat(request.toString()).doesNotContain("upstream-token-1009").contains("POST", "timeoutMs=1000");
    }
}
