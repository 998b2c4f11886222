package dev.toolgate.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /config} keeps what is no secret: consumers' ACL groups, as the file nests them, so a round trip through
 * {@code POST /config} keeps them (the {@code AdminKongShapesIT} export, with consumers that have only groups).
 */
@Timeout(60)
class AdminExportFidelityIT {

    static final String FILE = """
            _format_version: "3.0"
            services:
              - name: tools
                url: http://127.0.0.1:9/v1
                routes:
                  - name: tools-route
                    paths: [/mcp]
                    plugins:
                      - name: ai-mcp-proxy
                        config:
                          mode: conversion-listener
                          tools:
                            - {name: open, description: Open, method: GET, path: /open}
            consumers:
              - username: alice
                acls: [{group: admins}, {group: readers, tags: [team-a]}]
              - username: bob
            """;

    static ExportedGateway gateway;

    @BeforeAll
    static void start() {
        gateway = new ExportedGateway(FILE, Map.of());
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void getConfigExportsEachConsumersAclGroupsNestedAsTheFileWritesThemAndNoMarker() throws IOException {
        JsonNode document = new YAMLMapper().readTree(gateway.export());

        assertThat(document.has("_toolgate_export")).as("%s", document).isFalse();
        JsonNode acls = document.at("/consumers/0/acls");
        assertThat(acls).hasSize(2);
        assertThat(acls.get(0).get("group").asText()).isEqualTo("admins");
        assertThat(acls.get(1).get("group").asText()).isEqualTo("readers");
        assertThat(acls.get(1).get("tags")).hasToString("[\"team-a\"]");
        assertThat(acls.get(0).get("id").asText()).isNotBlank();
        assertThat(document.at("/consumers/1").has("acls")).isFalse();
    }

    @Test
    void anExportOfConsumersWithAclGroupsLoadsBackThroughPostConfigToTheSameExport() {
        String exported = gateway.export();
        assertThat(gateway.loadedIntoAnEmptyGateway(exported)).isEqualTo(exported);
    }
}
