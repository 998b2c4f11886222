package dev.toolgate.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.config.DeclarativeConfig;
import dev.toolgate.config.Redacted;
import dev.toolgate.testing.Configs;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** How single entities are rendered for the Admin API: Kong's field names, no secret ever. */
class AdminJsonTest {

    private static ObjectNode renderFirstPlugin(String document, Map<String, String> environment) {
        var loaded = Configs.load(document, environment);
        assertThat(loaded.problems()).isEmpty();
        DeclarativeConfig config = loaded.config();
        return AdminJson.render(config.plugins().getFirst(), config.referenceBySecret());
    }

    @Test
    void stringFieldsAreSnakeCaseAndNullsAreShown() {
        var loaded = Configs.load("""
                _format_version: "3.0"
                services:
                  - {name: shop, url: http://api.internal, read_timeout: 1000}
                """);
        DeclarativeConfig config = loaded.config();

        ObjectNode service = AdminJson.render(config.services().getFirst(), config.referenceBySecret());

        assertThat(service.get("read_timeout").asInt()).isEqualTo(1000);
        assertThat(service.get("tls_verify").asBoolean()).isTrue();
        assertThat(service.get("path").isNull()).isTrue();
        assertThat(service.has("source")).isFalse();
    }

    @Test
    void vaultValueInsideAToolSchemaIsShownAsItsReference() {
        // a header parameter whose default comes from the environment: the resolved value lives in a JSON tree
        ObjectNode plugin = renderFirstPlugin("""
                _format_version: "3.0"
                services:
                  - name: shop
                    url: http://api.internal
                    routes:
                      - name: r
                        paths: [/shop]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              tools:
                                - description: d
                                  parameters:
                                    - name: X-Api-Key
                                      in: header
                                      schema: {type: string, default: "{vault://env/shop-api-key}"}
                """, Map.of("SHOP_API_KEY", "shop-secret-api-key"));

        assertThat(plugin.toString()).doesNotContain("shop-secret-api-key");
        assertThat(plugin.at("/config/tools/0/parameters/0/schema/default").asText())
                .isEqualTo("{vault://env/shop-api-key}");
    }

    @Test
    void pluginConfigIsShownWithTheFieldNamesOfTheDeclarativeFile() {
        // what GET /plugins shows must be writable back into a declarative file
        ObjectNode plugin = renderFirstPlugin("""
                _format_version: "3.0"
                services:
                  - name: shop
                    url: http://api.internal
                    routes:
                      - name: r
                        paths: [/shop]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              server:
                                timeout: 5000
                                session: {session_ttl: 600, strategy: client, client: {secrets: ['0123456789']}}
                """, Map.of());
        JsonNode server = plugin.at("/config/server");

        assertThat(server.path("timeout").asInt()).as("server.timeout in %s", server).isEqualTo(5000);
        assertThat(server.at("/session/session_ttl").asInt()).as("server.session.session_ttl in %s", server)
                .isEqualTo(600);
        assertThat(server.at("/session/client/secrets/0").asText()).as("server.session.client.secrets in %s", server)
                .isEqualTo("[redacted]");
    }

    /** A plugin config whose author forgot {@code @Redacted} on its secrets. */
    record UnannotatedSettings(String clientSecret, String apiKey, String password, List<String> authTokens,
                               List<String> keyNames, boolean hideCredentials, String tokenEndpoint, String realm) {
    }

    @Test
    void aFieldWhoseNameReadsLikeASecretIsMaskedWithoutAnAnnotation() {
        ObjectNode shown = AdminJson.render(new UnannotatedSettings("client-secret-1", "api-key-2", "password-3",
                List.of("token-4"), List.of("apikey", "x-api-key"), true, "https://idp.example/token", "shop"), Map.of());

        assertThat(shown.get("client_secret").asText()).isEqualTo(Redacted.MASK);
        assertThat(shown.get("api_key").asText()).isEqualTo(Redacted.MASK);
        assertThat(shown.get("password").asText()).isEqualTo(Redacted.MASK);
        assertThat(shown.get("auth_tokens")).extracting(JsonNode::asText).containsExactly(Redacted.MASK);
        assertThat(shown.toString()).doesNotContain("client-secret-1", "api-key-2", "password-3", "token-4");
    }

    @Test
    void fieldsThatNameOrLocateASecretOrCannotHoldOneStayReadable() {
        ObjectNode shown = AdminJson.render(new UnannotatedSettings(null, null, null, List.of(),
                List.of("apikey", "x-api-key"), true, "https://idp.example/token", "shop"), Map.of());

        assertThat(shown.get("key_names")).extracting(JsonNode::asText).containsExactly("apikey", "x-api-key");
        assertThat(shown.get("hide_credentials").asBoolean()).isTrue();
        assertThat(shown.get("token_endpoint").asText()).isEqualTo("https://idp.example/token");
        assertThat(shown.get("client_secret").isNull()).as("an absent secret is shown absent").isTrue();
    }
}
