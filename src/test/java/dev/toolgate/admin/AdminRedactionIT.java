package dev.toolgate.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.testing.AdminHttp;
import dev.toolgate.testing.RedisServer;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Secrets never leave through the Admin API: credentials are not shown, literal tool header and query values
 * are masked, and a value resolved from a vault reference or a decK template is shown as the reference or
 * the template, in a secret field too.
 */
@Timeout(30)
class AdminRedactionIT {

    static final Map<String, String> ENV = Map.of(
            "API_KEY", "sk-live-4f9a8b7c6d5e",
            "UPSTREAM_TOKEN", "Bearer tok-93bd61c2",
            "SESSION_SECRET", "session-secret-a1b2c3d4",
            "REDIS_PASSWORD", "redis-pw-77e1",
            "SERVICE_HOST", "internal-secret-host.example",
            "DECK_SERVICE_HOST", "deck-secret-host.example",
            "DECK_TOKEN", "deck-tok-5d1e77");
    static final List<String> LITERAL_SECRETS = List.of("literal-header-secret-5150", "alice-key-0042",
            "basic-pw-9001", "jwt-hmac-secret-1234", "client-secret-literal-99", "oauth-client-secret-7788",
            "introspection-header-secret-66", "exchange-secret-4455", "actor-token-secret-33");

    static RestUpstream upstream;
    static TestGateway gateway;
    static AdminHttp admin;

    @BeforeAll
    static void start() {
        upstream = new RestUpstream();
        gateway = TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: api
                    url: %s
                    routes:
                      - name: mcp
                        paths: [/mcp]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              server:
                                session:
                                  strategy: client
                                  client:
                                    secrets: ["{vault://env/SESSION_SECRET}", client-secret-literal-99]
                                  redis:
                                    password: "{vault://env/REDIS_PASSWORD}"
                                    keepalive_backlog: 16
                              tools:
                                - name: weather
                                  description: Weather
                                  method: GET
                                  path: /mcp/weather
                                  headers:
                                    Authorization: ["{vault://env/UPSTREAM_TOKEN}"]
                                    X-Static-Key: [literal-header-secret-5150]
                                  query:
                                    key: ["{vault://env/API_KEY}"]
                                - name: forecast
                                  description: Forecast
                                  method: GET
                                  path: /mcp/forecast
                                  headers:
                                    Authorization:
                                      - Bearer ${{ env "DECK_TOKEN" }}
                  - name: hidden
                    host: "{vault://env/SERVICE_HOST}"
                    port: 8443
                    protocol: https
                  - name: templated
                    host: ${{ env "DECK_SERVICE_HOST" }}
                consumers:
                  - username: alice
                    keyauth_credentials:
                      - key: alice-key-0042
                    basicauth_credentials:
                      - {username: alice, password: basic-pw-9001}
                    jwt_secrets:
                      - {key: alice-iss, secret: jwt-hmac-secret-1234}
                plugins:
                  - name: ai-mcp-oauth2
                    config:
                      resource: http://localhost/mcp
                      authorization_servers: [http://127.0.0.1:1]
                      introspection_endpoint: http://127.0.0.1:1/introspect
                      client_id: gateway
                      client_secret: oauth-client-secret-7788
                      headers: {X-Api-Key: introspection-header-secret-66}
                      passthrough_credentials: true
                      token_exchange:
                        enabled: true
                        token_endpoint: http://127.0.0.1:1/token
                        client_id: exchanger
                        client_secret: exchange-secret-4455
                        request: {actor_token_source: config, actor_token: actor-token-secret-33}
                """.formatted(upstream.url()), ENV, false);
        admin = new AdminHttp(gateway);
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    /** Every Admin API body a client can read, entity by entity included. */
    private static List<AdminHttp.Response> everything() {
        List<AdminHttp.Response> bodies = new ArrayList<>();
        bodies.add(admin.get("/"));
        bodies.add(admin.get("/status"));
        for (String kind : List.of("/services", "/routes", "/plugins", "/consumers")) {
            AdminHttp.Response page = admin.get(kind);
            bodies.add(page);
            for (JsonNode entity : page.json().get("data")) {
                bodies.add(admin.get(kind + "/" + entity.get("id").asText()));
            }
        }
        return bodies;
    }

    @Test
    void noSecretAppearsInAnyAdminResponseBody() {
        for (AdminHttp.Response response : everything()) {
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.body()).doesNotContain(ENV.values().toArray(String[]::new));
            assertThat(response.body()).doesNotContain(LITERAL_SECRETS.toArray(String[]::new));
        }
    }

    @Test
    void consumerCredentialsAreNotShownAtAll() {
        JsonNode alice = admin.get("/consumers/alice").json();
        assertThat(alice.get("username").asText()).isEqualTo("alice");
        assertThat(alice.has("keyauth_credentials")).isFalse();
        assertThat(alice.has("basicauth_credentials")).isFalse();
        assertThat(alice.has("jwt_secrets")).isFalse();
    }

    @Test
    void toolHeaderAndQueryValuesAreRedactedOrShownAsTheirVaultReferenceAndTheirNamesStay() {
        JsonNode tool = admin.get("/plugins").json().at("/data/0/config/tools/0");
        assertThat(tool.at("/headers/Authorization/0").asText()).isEqualTo("{vault://env/UPSTREAM_TOKEN}");
        assertThat(tool.at("/headers/X-Static-Key/0").asText()).isEqualTo("[redacted]");
        assertThat(tool.at("/query/key/0").asText()).isEqualTo("{vault://env/API_KEY}");
    }

    @Test
    void sessionSecretsAndRedisPasswordsAreRedactedOrShownAsTheirVaultReference() {
        JsonNode session = admin.get("/plugins").json().at("/data/0/config/server/session");
        // shown as Kong writes them: client: {secrets: [...]}
        assertThat(session.at("/client/secrets").toString())
                .isEqualTo("[\"{vault://env/SESSION_SECRET}\",\"[redacted]\"]");
        assertThat(session.at("/redis/password").asText()).isEqualTo("{vault://env/REDIS_PASSWORD}");
    }

    @Test
    void vaultResolvedValueInAnOrdinaryFieldIsShownAsItsReference() {
        JsonNode hidden = admin.get("/services/hidden").json();
        assertThat(hidden.get("host").asText()).isEqualTo("{vault://env/SERVICE_HOST}");
        assertThat(hidden.get("port").asInt()).isEqualTo(8443);
    }

    @Test
    void deckTemplateValueInAnOrdinaryFieldIsShownAsItsTemplate() {
        JsonNode templated = admin.get("/services/templated").json();
        assertThat(templated.get("host").asText()).isEqualTo("${{ env \"DECK_SERVICE_HOST\" }}");
    }

    @Test
    void deckTemplateInAToolHeaderIsResolvedAndShownAsWritten() {
        JsonNode plugin = admin.get("/plugins").json().at("/data/0/config/tools/1");
        assertThat(plugin.at("/headers/Authorization/0").asText()).isEqualTo("Bearer ${{ env \"DECK_TOKEN\" }}");
    }

    @Test
    void vaultSecretInsideAToolSchemaIsShownAsItsReference() {
        // AdminJson promises that a vault-resolved string is shown as its reference "whatever field it is in";
        // schemas (parameters[].schema, request_body, responses) are JSON trees, not strings.
        try (TestGateway other = TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: api
                    url: %s
                    routes:
                      - name: mcp
                        paths: [/mcp]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              tools:
                                - name: weather
                                  description: Weather
                                  method: GET
                                  path: /mcp/weather
                                  parameters:
                                    - {name: key, in: query, schema: {type: string, default: "{vault://env/API_KEY}"}}
                """.formatted(upstream.url()), ENV, false)) {
            AdminHttp otherAdmin = new AdminHttp(other);
            AdminHttp.Response plugins = otherAdmin.get("/plugins");
            assertThat(plugins.json().at("/data/0/config/tools/0/parameters/0/schema/default").asText())
                    .isEqualTo("{vault://env/API_KEY}");
            assertThat(plugins.body()).doesNotContain(ENV.get("API_KEY"));
        }
    }

    @Test
    void statusShowsAVaultResolvedRedisHostAsItsReference() {
        try (RedisServer redis = RedisServer.start();
             TestGateway other = TestGateway.start("""
                     _format_version: "3.0"
                     services:
                       - name: api
                         url: %s
                         routes:
                           - name: mcp
                             paths: [/mcp]
                             plugins:
                               - name: ai-mcp-proxy
                                 config:
                                   mode: conversion-listener
                                   server:
                                     session:
                                       strategy: redis
                                       redis: {host: "{vault://env/REDIS_HOST}", port: %d}
                                   tools:
                                     - {name: weather, description: Weather, method: GET, path: /mcp/weather}
                     """.formatted(upstream.url(), redis.port()), Map.of("REDIS_HOST", "127.0.0.1"), false)) {
            AdminHttp.Response status = new AdminHttp(other).get("/status");
            assertThat(status.json().at("/redis/0/reachable").asBoolean()).as("%s", status.body()).isTrue();
            assertThat(status.json().at("/redis/0/address").asText()).startsWith("{vault://env/REDIS_HOST}:");
            assertThat(status.body()).doesNotContain("127.0.0.1");
        }
    }

    @Test
    void postConfigAnswerDoesNotLeakSecretsEither() {
        AdminHttp.Response invalid = admin.postConfig("""
                _format_version: "3.0"
                services:
                  - name: broken
                    url: "{vault://env/API_KEY}"
                  - name: templated
                    url: http://127.0.0.1:9
                    routes:
                      - name: t
                        paths: [/t]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              tools:
                                - description: the problem quotes the path, which holds a decK-templated secret
                                  method: GET
                                  path: /t/${{ env "DECK_TOKEN" }}
                                  parameters:
                                    - {name: id, in: path, required: true}
                """);
        assertThat(invalid.status()).isEqualTo(400);
        assertThat(invalid.body()).doesNotContain(ENV.values().toArray(String[]::new));
        assertThat(invalid.body()).contains("/t/${{ env \\\"DECK_TOKEN\\\" }}");
    }

    @Test
    void twoServicesOfOneNameAre400NamingTheDuplicateWithoutTheirSecrets() {
        String before = admin.hash();
        AdminHttp.Response invalid = admin.postConfig("""
                _format_version: "3.0"
                services:
                  - name: shop
                    host: "{vault://env/SERVICE_HOST}"
                    routes: [{name: a, paths: [/a]}]
                  - name: shop
                    host: ${{ env "DECK_SERVICE_HOST" }}
                    routes: [{name: b, paths: [/b]}]
                """);

        assertThat(invalid.status()).as("%s", invalid).isEqualTo(400);
        assertThat(invalid.json().get("problems")).extracting(JsonNode::asText)
                .containsExactly("services[1].name: service name 'shop' is already used by services[0]");
        assertThat(invalid.body()).doesNotContain(ENV.values().toArray(String[]::new));
        assertThat(admin.hash()).isEqualTo(before);
    }
}
