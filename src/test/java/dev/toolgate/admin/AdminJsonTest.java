package dev.toolgate.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.config.DeclarativeConfig;
import dev.toolgate.testing.Configs;
import org.junit.jupiter.api.Test;

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
}
