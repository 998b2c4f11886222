package dev.toolgate.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.testing.AdminHttp;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A listener whose {@code server.tag} no tool set carries, and a {@code conversion-only} tool set whose tags no
 * listener binds (a typo on either side), load with a warning at each path, as the Admin API's status shows
 * after {@code POST /config}; a listener bound as meant has neither.
 */
@Timeout(60)
class ListenerTagWarningsIT {

    static final String CONFIG = """
            _format_version: "3.0"
            services:
              - name: users-api
                url: http://127.0.0.1:1/base
                routes:
                  - name: users-route
                    paths: [/users-api]
                    plugins:
                      - name: ai-mcp-proxy
                        tags: [mcp-tools]
                        config:
                          mode: conversion-only
                          tools: [{name: u, description: u, method: GET, path: u}]
            routes:
              - name: listener-route
                paths: [/mcp-listener]
                plugins:
                  - name: ai-mcp-proxy
                    config:
                      mode: listener
                      server: {tag: %s}
            """;

    @Test
    void aListenerTagThatBindsNoToolSetAndAToolSetNoListenerBindsAreWarnedAtTheirPaths() {
        try (TestGateway gateway = TestGateway.start(CONFIG.formatted("mcp-tools"))) {
            AdminHttp admin = new AdminHttp(gateway);
            assertThat(warnings(admin)).as("bound as meant").noneMatch(w -> w.contains("tag"));

            AdminHttp.Response loaded = admin.send("POST", "/config", "application/yaml",
                    CONFIG.formatted("mcp-tool").getBytes(StandardCharsets.UTF_8));
            assertThat(loaded.status()).as(loaded.toString()).isBetween(200, 299);

            assertThat(warnings(admin)).contains(
                    "routes[0].plugins[0].config.server.tag: no conversion plugin is tagged 'mcp-tool': the listener "
                            + "on route 'listener-route' serves no tool (tool sets' tags: mcp-tools)",
                    "services[0].routes[0].plugins[0].tags: no listener's server.tag is one of this conversion-only "
                            + "plugin's tags [mcp-tools]: its tools are served nowhere (listeners' tags: mcp-tool)");
        }
    }

    private static List<String> warnings(AdminHttp admin) {
        List<String> warnings = new ArrayList<>();
        JsonNode status = admin.get("/status").json();
        status.get("warnings").forEach(w -> warnings.add(w.asText()));
        return warnings;
    }
}
