package dev.toolgate.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.toolgate.testing.AdminHttp;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What Kong tooling reads from the Admin API is in Kong's shapes: each plugin's {@code protocols}, an
 * {@code ai-mcp-proxy} config without the Toolgate extensions its file did not write (a decK dump of it passes
 * Kong's schema), and db-less {@code GET /config}, the loaded configuration as Kong exports it, masked as the
 * listings are.
 */
@Timeout(60)
class AdminKongShapesIT {

    /** Secrets the file holds: none may appear in any answer. */
    private static final List<String> SECRETS = List.of("bob-key-123", "tool-header-secret", "session-secret-1234",
            "vault-resolved-token");

    static final String FILE = """
            _format_version: "3.0"
            services:
              - name: mcp-service
                url: http://127.0.0.1:9/v1
                routes:
                  - name: mcp-route
                    paths: [/mcp]
                    plugins:
                      - name: key-auth
                        protocols: [https]
                        tags: [sec]
                        config: {key_names: [apikey]}
                      - name: ai-mcp-proxy
                        config:
                          mode: conversion-listener
                          server:
                            session: {strategy: client, client: {secrets: [session-secret-1234]}}
                          tools:
                            - name: plain
                              description: Plain
                              method: GET
                              path: /mcp/plain
                              headers: {X-Api-Key: [tool-header-secret]}
                  - name: tuned-route
                    paths: [/tuned]
                    plugins:
                      - name: ai-mcp-proxy
                        config:
                          mode: conversion-listener
                          acl_denial: unknown_tool
                          server: {allowed_origins: [https://app.example.com]}
                          tools:
                            - {name: limited, description: Limited, method: GET, path: /tuned/a, limit: {minute: 5}}
                            - name: open
                              description: Open
                              method: GET
                              path: /tuned/b
                              query: {token: ["{vault://env/TOOL_TOKEN}"]}
            consumer_groups:
              - name: gold
            consumers:
              - username: bob
                groups: [{name: gold}]
                keyauth_credentials: [{key: bob-key-123}]
            """;

    static TestGateway gateway;
    static AdminHttp admin;

    @BeforeAll
    static void start() {
        gateway = TestGateway.start(FILE, Map.of("TOOL_TOKEN", "vault-resolved-token"), false);
        admin = new AdminHttp(gateway);
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    private static JsonNode plugin(String route, String name) {
        String routeId = admin.get("/routes/" + route).json().get("id").asText();
        for (JsonNode plugin : admin.get("/plugins").json().get("data")) {
            if (plugin.path("route").path("id").asText().equals(routeId) && plugin.get("name").asText().equals(name)) {
                return plugin;
            }
        }
        throw new AssertionError("no " + name + " on " + route);
    }

    @Test
    void eachPluginShowsItsProtocolsAsWrittenAndKongsDefaultWhereTheFileSetsNone() {
        assertThat(plugin("mcp-route", "key-auth").get("protocols")).hasToString("[\"https\"]");
        assertThat(plugin("mcp-route", "ai-mcp-proxy").get("protocols"))
                .hasToString("[\"grpc\",\"grpcs\",\"http\",\"https\"]");
    }

    @Test
    void anAiMcpProxyLeavesOutTheToolgateExtensionsItsFileDidNotWriteAndKeepsKongsFieldsWithTheirDefaults() {
        JsonNode config = plugin("mcp-route", "ai-mcp-proxy").get("config");
        assertThat(config.has("acl_denial")).isFalse();
        assertThat(config.has("tool_limits")).isFalse();
        assertThat(config.has("openapi")).isFalse();
        assertThat(config.get("server").has("allowed_origins")).isFalse();
        assertThat(config.get("server").has("cache_hints")).isFalse();
        assertThat(config.get("server").has("upstream_era")).isFalse();
        assertThat(config.at("/tools/0").has("limit")).isFalse();
        assertThat(config.at("/server/timeout").asInt()).isEqualTo(10000);
        assertThat(config.at("/server/forward_client_headers").asBoolean()).isTrue();
        assertThat(config.get("max_request_body_size").asLong()).isEqualTo(1048576);
        assertThat(config.get("consumer_identifier").asText()).isEqualTo("username");
        assertThat(config.at("/logging/log_statistics").isBoolean()).isTrue();
        assertThat(config.at("/server/session/client/secrets/0").asText()).isEqualTo("[redacted]");
        assertThat(config.at("/tools/0/headers/X-Api-Key/0").asText()).isEqualTo("[redacted]");
    }

    @Test
    void anAiMcpProxyShowsTheToolgateExtensionsItsFileWrote() {
        JsonNode config = plugin("tuned-route", "ai-mcp-proxy").get("config");
        assertThat(config.get("acl_denial").asText()).isEqualTo("unknown_tool");
        assertThat(config.at("/server/allowed_origins")).hasToString("[\"https://app.example.com\"]");
        assertThat(config.at("/tools/0/limit/minute").asLong()).isEqualTo(5);
        assertThat(config.at("/tools/1").has("limit")).isFalse();
        assertThat(config.has("tool_limits")).isFalse();
        assertThat(config.get("server").has("upstream_era")).isFalse();
    }

    @Test
    void getConfigServesTheLoadedConfigurationAsKongsDeclarativeExportWithPluginsAsTheListingShowsThem()
            throws IOException {
        AdminHttp.Response response = admin.get("/config");
        assertThat(response.status()).as("%s", response).isEqualTo(200);
        assertThat(response.json().fieldNames()).toIterable().containsExactly("config");
        JsonNode document = new YAMLMapper().readTree(response.json().get("config").asText());

        assertThat(document.get("_format_version").asText()).isEqualTo("3.0");
        assertThat(document.get("_transform").asBoolean()).isFalse();
        String serviceId = admin.get("/services/mcp-service").json().get("id").asText();
        assertThat(document.at("/services/0/id").asText()).isEqualTo(serviceId);
        assertThat(document.at("/routes/0/service").asText()).isEqualTo(serviceId);
        assertThat(document.at("/consumers/0/groups/0/id").asText())
                .isEqualTo(document.at("/consumer_groups/0/id").asText());
        List<JsonNode> listed = new ArrayList<>();
        admin.get("/plugins").json().get("data").forEach(plugin -> {
            ObjectNode expected = plugin.deepCopy();
            expected.set("route", expected.at("/route/id")); // Kong exports a reference as its id
            expected.remove(List.of("service", "consumer", "consumer_group"));
            listed.add(expected);
        });
        assertThat(document.get("plugins")).containsExactlyElementsOf(listed);
    }

    @Test
    void getConfigMasksEverySecretAsTheListingsDo() {
        String body = admin.get("/config").body();
        assertThat(body).contains("[redacted]");
        SECRETS.forEach(secret -> assertThat(body).doesNotContain(secret));
        assertThat(body).doesNotContain("keyauth_credentials");
    }

    @Test
    void getConfigSaysAtItsTopThatSecretsAreMaskedAndCredentialsLeftOut() throws IOException {
        JsonNode document = new YAMLMapper().readTree(admin.get("/config").json().get("config").asText());

        assertThat(document.fieldNames().next()).isEqualTo("_toolgate_export");
        assertThat(document.get("_toolgate_export").asText()).isEqualTo("secrets are shown as [redacted] and "
                + "consumers' credentials are left out: write them back (each secret as itself or its "
                + "vault reference), then delete this key to load");
    }

    @Test
    void whatGetConfigServesIsRefusedAsItIsAndLoadsBackToTheSameExportWithItsSecretsAndCredentialsWritten() {
        String exported = admin.get("/config").json().get("config").asText();
        String masked = ": this value is the Admin API's mask, not the secret: write the secret (or a "
                + "{vault://env/...} reference)";
        try (TestGateway other = TestGateway.start("""
                _format_version: "3.0"
                """, Map.of("TOOL_TOKEN", "vault-resolved-token"), false)) {
            AdminHttp otherAdmin = new AdminHttp(other);
            String before = otherAdmin.hash();
            AdminHttp.Response blind = otherAdmin.postConfig(exported);
            assertThat(blind.status()).as("%s", blind).isEqualTo(400);
            assertThat(blind.json().get("problems")).extracting(JsonNode::asText).containsExactly(
                    "_toolgate_export: this document is a GET /config export with secrets masked or consumers' "
                            + "credentials left out: write them back, then delete this key",
                    "plugins[1].config.tools[0].headers.X-Api-Key[0]" + masked,
                    "plugins[1].config.server.session.client.secrets[0]" + masked);
            assertThat(otherAdmin.hash()).isEqualTo(before);

            String written = exported.replaceFirst("(?s)_toolgate_export: .*?\n(?=_format_version)", "")
                    .replaceFirst("\\[redacted]", "tool-header-secret")
                    .replaceFirst("\\[redacted]", "session-secret-1234")
                    .replace("username: \"bob\"\n", "username: \"bob\"\n  keyauth_credentials: [{key: bob-key-123}]\n");
            AdminHttp.Response loaded = otherAdmin.postConfig(written);
            assertThat(loaded.status()).as("%s", loaded).isEqualTo(200);
            assertThat(otherAdmin.get("/config").json().get("config").asText()).isEqualTo(exported);
        }
    }

    @Test
    void headOnConfigIsItsGetWithoutABodyAndAnotherWriteIs405AllowingGetHeadAndPost() throws Exception {
        AdminHttp.Response head = admin.send("HEAD", "/config", null, null);
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        try (java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient()) {
            var put = client.send(java.net.http.HttpRequest.newBuilder(gateway.admin("/config"))
                    .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{}")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(put.statusCode()).isEqualTo(405);
            assertThat(put.headers().firstValue("allow")).hasValue("GET, HEAD, POST");
        }
    }
}
