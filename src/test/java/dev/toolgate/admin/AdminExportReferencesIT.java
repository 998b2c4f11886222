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
 * A secret written as a vault reference is shown as that reference, in {@code GET /config} and the listings alike:
 * a reference names where the secret is, not the secret. So an export of a configuration whose only secrets are
 * references (and whose consumers have only ACL groups) needs no editing: it carries no {@code _toolgate_export}
 * and loads back as it is. A literal secret, alone or beside a reference, is still masked.
 */
@Timeout(60)
class AdminExportReferencesIT {

    private static final Map<String, String> ENVIRONMENT = Map.of("TOOL_TOKEN", "vault-resolved-token",
            "SESSION_SECRET", "vault-resolved-session-secret-0123456789");

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
                          server:
                            session: {strategy: client, client: {secrets: ["{vault://env/SESSION_SECRET}"]}}
                          tools:
                            - name: open
                              description: Open
                              method: GET
                              path: /open
                              query: {token: ["{vault://env/TOOL_TOKEN}"]}
                              headers: {Authorization: ["Bearer {vault://env/TOOL_TOKEN}"]}
            consumers:
              - username: alice
                acls: [{group: admins}]
            """;

    static ExportedGateway gateway;

    @BeforeAll
    static void start() {
        gateway = new ExportedGateway(FILE, ENVIRONMENT);
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void anExportWhoseOnlySecretsAreVaultReferencesShowsTheReferencesAndAclGroupsAndCarriesNoMarker()
            throws IOException {
        String exported = gateway.export();
        JsonNode document = new YAMLMapper().readTree(exported);

        assertThat(document.has("_toolgate_export")).as(exported).isFalse();
        JsonNode tool = document.at("/plugins/0/config/tools/0");
        assertThat(tool.at("/query/token/0").asText()).isEqualTo("{vault://env/TOOL_TOKEN}");
        assertThat(tool.at("/headers/Authorization/0").asText()).isEqualTo("Bearer {vault://env/TOOL_TOKEN}");
        assertThat(document.at("/plugins/0/config/server/session/client/secrets/0").asText())
                .isEqualTo("{vault://env/SESSION_SECRET}");
        assertThat(document.at("/consumers/0/acls/0/group").asText()).isEqualTo("admins");
        assertThat(exported).doesNotContain("[redacted]");
        ENVIRONMENT.values().forEach(secret -> assertThat(exported).doesNotContain(secret));
    }

    @Test
    void thePluginListingShowsASecretWrittenAsAReferenceAsTheReferenceAndNeverItsValue() {
        String body = gateway.admin().get("/plugins").body();
        assertThat(body).contains("{vault://env/TOOL_TOKEN}", "Bearer {vault://env/TOOL_TOKEN}",
                "{vault://env/SESSION_SECRET}");
        ENVIRONMENT.values().forEach(secret -> assertThat(body).doesNotContain(secret));
    }

    @Test
    void anExportOfVaultReferencesLoadsBackAsItIsThroughPostConfigToTheSameExport() {
        String exported = gateway.export();
        assertThat(gateway.loadedIntoAnEmptyGateway(exported)).isEqualTo(exported);
    }

    @Test
    void aLiteralSecretAloneOrBesideAReferenceIsStillMaskedAndTheExportSaysSo() throws IOException {
        try (ExportedGateway literal = new ExportedGateway(FILE
                .replace("[\"{vault://env/TOOL_TOKEN}\"]}", "[\"literal-{vault://env/TOOL_TOKEN}\"]}")
                .replace("Bearer {vault://env/TOOL_TOKEN}", "Bearer literal-bearer-secret"), ENVIRONMENT)) {
            String exported = literal.export();
            JsonNode document = new YAMLMapper().readTree(exported);

            assertThat(document.has("_toolgate_export")).as(exported).isTrue();
            JsonNode tool = document.at("/plugins/0/config/tools/0");
            assertThat(tool.at("/query/token/0").asText()).isEqualTo("[redacted]");
            assertThat(tool.at("/headers/Authorization/0").asText()).isEqualTo("[redacted]");
            assertThat(document.at("/plugins/0/config/server/session/client/secrets/0").asText())
                    .isEqualTo("{vault://env/SESSION_SECRET}");
            assertThat(exported).doesNotContain("literal-bearer-secret", "literal-");
            ENVIRONMENT.values().forEach(secret -> assertThat(exported).doesNotContain(secret));
        }
    }
}
