package dev.toolgate.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.testing.AdminHttp;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.SseStream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Read-only Admin API in Kong's shapes: /, /status, and the entity collections with lookup by id or name. */
@Timeout(30)
class AdminEntitiesIT {

    static RestUpstream upstream;
    static TestGateway gateway;
    static AdminHttp admin;

    @BeforeAll
    static void start() {
        upstream = new RestUpstream();
        gateway = TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: catalog
                    url: %s/v1
                    read_timeout: 5000
                    tags: [team-a]
                    routes:
                      - name: catalog-mcp
                        paths: [/mcp]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              tools:
                                - {name: one, description: One, method: GET, path: /mcp/one}
                                - {name: two, description: Two, method: GET, path: /mcp/two}
                  - name: billing
                    url: http://billing.internal:8080
                    routes:
                      - name: billing-route
                        paths: [/billing]
                        methods: [GET]
                        strip_path: false
                consumers:
                  - username: alice
                    tags: [vip]
                  - custom_id: bob-42
                """.formatted(upstream.url()));
        admin = new AdminHttp(gateway);
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    private static List<String> names(JsonNode page, String field) {
        List<String> names = new ArrayList<>();
        page.get("data").forEach(e -> names.add(e.path(field).asText(null)));
        return names;
    }

    @Test
    void rootSaysWhoItIs() {
        AdminHttp.Response root = admin.get("/");
        assertThat(root.status()).isEqualTo(200);
        assertThat(root.contentType()).startsWith("application/json");
        assertThat(root.json().get("tagline").asText()).isEqualTo("Welcome to toolgate");
        assertThat(root.json().get("version").asText()).isNotBlank();
    }

    @Test
    void statusReportsHashCountsAndMcpSessions() {
        JsonNode status = admin.get("/status").json();
        assertThat(status.get("configuration_hash").asText()).matches("[0-9a-f]{32}");
        assertThat(status.get("loaded_at").asText()).isNotBlank();
        JsonNode counts = status.get("counts");
        assertThat(counts.get("services").asInt()).isEqualTo(2);
        assertThat(counts.get("routes").asInt()).isEqualTo(2);
        assertThat(counts.get("plugins").asInt()).isEqualTo(1);
        assertThat(counts.get("consumers").asInt()).isEqualTo(2);
        assertThat(counts.get("tools").asInt()).isEqualTo(2);
        assertThat(status.get("warnings").isArray()).isTrue();

        int sessionsBefore = status.at("/server/mcp_sessions").asInt();
        McpHttp mcp = new McpHttp(gateway.proxy("/mcp"));
        mcp.initialize("2025-06-18");
        assertThat(admin.get("/status").json().at("/server/mcp_sessions").asInt()).isEqualTo(sessionsBefore + 1);
        try (SseStream stream = SseStream.open(gateway.proxy("/mcp"), mcp.sessionId())) {
            assertThat(stream.status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(5)).until(() -> admin.get("/status").json().at("/server/mcp_streams").asInt() >= 1);
        }
        mcp.send("DELETE", null, java.util.Map.of("mcp-session-id", mcp.sessionId()));
        assertThat(admin.get("/status").json().at("/server/mcp_sessions").asInt()).isEqualTo(sessionsBefore);
    }

    @ParameterizedTest
    @CsvSource({"/services, name", "/routes, name", "/plugins, name", "/consumers, username"})
    void collectionsArePagesWithDataAndNullNext(String path, String field) {
        AdminHttp.Response response = admin.get(path);
        assertThat(response.status()).isEqualTo(200);
        JsonNode page = response.json();
        assertThat(page.fieldNames()).toIterable().containsExactlyInAnyOrder("data", "next");
        assertThat(page.get("next").isNull()).isTrue();
        assertThat(page.get("data").isArray()).isTrue();
        page.get("data").forEach(e -> assertThat(e.get("id").asText()).matches("[0-9a-f-]{36}"));
        assertThat(names(page, field)).isNotEmpty();
    }

    @Test
    void servicesUseKongFieldNames() {
        JsonNode catalog = admin.get("/services").json().get("data").get(0);
        assertThat(catalog.get("name").asText()).isEqualTo("catalog");
        assertThat(catalog.get("protocol").asText()).isEqualTo("http");
        assertThat(catalog.get("host").asText()).isEqualTo("127.0.0.1");
        assertThat(catalog.get("port").asInt()).isEqualTo(upstream.port());
        assertThat(catalog.get("path").asText()).isEqualTo("/v1");
        assertThat(catalog.get("read_timeout").asInt()).isEqualTo(5000);
        assertThat(catalog.get("connect_timeout").asInt()).isEqualTo(60000);
        assertThat(catalog.get("tags").get(0).asText()).isEqualTo("team-a");
        assertThat(catalog.get("enabled").asBoolean()).isTrue();
        assertThat(catalog.has("source")).isFalse();
        assertThat(names(admin.get("/services").json(), "name")).containsExactly("catalog", "billing");
    }

    @Test
    void routesAndPluginsReferToTheirScopeById() {
        JsonNode services = admin.get("/services").json().get("data");
        String catalogId = services.get(0).get("id").asText();
        JsonNode route = admin.get("/routes/catalog-mcp").json();
        assertThat(route.at("/service/id").asText()).isEqualTo(catalogId);
        assertThat(route.get("paths").get(0).asText()).isEqualTo("/mcp");
        assertThat(route.get("strip_path").asBoolean()).isTrue();
        JsonNode billing = admin.get("/routes/billing-route").json();
        assertThat(billing.get("methods").get(0).asText()).isEqualTo("GET");
        assertThat(billing.get("strip_path").asBoolean()).isFalse();

        JsonNode plugin = admin.get("/plugins").json().get("data").get(0);
        assertThat(plugin.get("name").asText()).isEqualTo("ai-mcp-proxy");
        assertThat(plugin.at("/route/id").asText()).isEqualTo(route.get("id").asText());
        assertThat(plugin.get("service").isNull()).isTrue();
        assertThat(plugin.get("consumer").isNull()).isTrue();
        assertThat(plugin.at("/config/mode").asText()).isEqualTo("conversion-listener");
        assertThat(plugin.at("/config/tools")).hasSize(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/services", "/routes", "/plugins", "/consumers"})
    void everyEntityCanBeFetchedByIdAndItsNameWhereItHasOne(String path) {
        for (JsonNode entity : admin.get(path).json().get("data")) {
            String id = entity.get("id").asText();
            AdminHttp.Response byId = admin.get(path + "/" + id);
            assertThat(byId.status()).isEqualTo(200);
            assertThat(byId.json()).isEqualTo(entity);
            String name = entity.path(path.equals("/consumers") ? "username" : "name").asText(null);
            if (name != null && !path.equals("/plugins")) {
                assertThat(admin.get(path + "/" + name).json()).isEqualTo(entity);
            }
        }
    }

    @Test
    void readinessIs200WithReadyWhileServing() {
        AdminHttp.Response response = admin.get("/status/ready");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().get("message").asText()).isEqualTo("ready");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/services/nope", "/routes/00000000-0000-0000-0000-000000000000", "/plugins/x",
            "/consumers/carol", "/nothing", "/services/catalog/routes", "/status/nope"})
    void unknownEntitiesAndPathsGet404(String path) {
        AdminHttp.Response response = admin.get(path);
        assertThat(response.status()).isEqualTo(404);
        assertThat(response.json().get("message").asText()).isEqualTo("Not found");
    }

    @ParameterizedTest
    @CsvSource({"DELETE, /services/catalog", "POST, /services", "PATCH, /routes/catalog-mcp", "PUT, /status",
            "POST, /", "PUT, /config", "DELETE, /config"})
    void writesOtherThanPostConfigGet405(String method, String path) {
        AdminHttp.Response response = admin.send(method, path, "application/json", "{}".getBytes());
        assertThat(response.status()).isEqualTo(405);
        assertThat(response.json().get("message").asText()).startsWith("Method Not Allowed");
        assertThat(admin.get("/services/catalog").status()).isEqualTo(200);
    }

    private static java.net.http.HttpResponse<String> exchange(String method, String path) throws Exception {
        try (java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient()) {
            return client.send(java.net.http.HttpRequest.newBuilder(gateway.admin(path))
                    .method(method, java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
        }
    }

    @Test
    void aWriteOnTheDashboardOrAReadResourceIs405AllowingGetAndHeadHeadOnStatusIs200WithoutABodyAndPostOnConfigXIs404()
            throws Exception {
        for (String path : List.of("/dashboard", "/dashboard/overview", "/dashboard/events", "/dashboard/app.js",
                "/", "/status", "/metrics", "/services", "/routes/catalog-mcp")) {
            var refused = exchange("POST", path);
            assertThat(refused.statusCode()).as(path).isEqualTo(405);
            assertThat(refused.headers().firstValue("allow")).as(path).hasValue("GET, HEAD");
        }
        assertThat(exchange("POST", "/dashboard/nothing").statusCode()).isEqualTo(404);
        for (String path : List.of("/status", "/status/ready")) {
            var head = exchange("HEAD", path);
            var get = exchange("GET", path);
            assertThat(head.statusCode()).as(path).isEqualTo(200);
            assertThat(head.body()).as(path).isEmpty();
            assertThat(head.headers().firstValue("content-type")).as(path).isEqualTo(get.headers().firstValue("content-type"));
        }
        assertThat(exchange("POST", "/config/x").statusCode()).isEqualTo(404);
    }

    @Test
    void headOnTheDashboardsPagesIsAnsweredAsTheirGetWithoutABody() throws Exception {
        for (String path : List.of("/dashboard", "/dashboard/", "/dashboard/app.js", "/dashboard/style.css",
                "/dashboard/overview", "/metrics")) {
            var head = exchange("HEAD", path);
            var get = exchange("GET", path);
            assertThat(head.statusCode()).as(path).isEqualTo(200);
            assertThat(head.body()).as(path).isEmpty();
            assertThat(head.headers().firstValue("content-type")).as(path).isEqualTo(get.headers().firstValue("content-type"));
            if (!path.equals("/dashboard/overview") && !path.equals("/metrics")) { // the files: the same bytes each time
                assertThat(head.headers().firstValue("content-length")).as(path)
                        .hasValue(Integer.toString(get.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length));
            }
        }
    }

    /** A HEAD of the event stream is its headers: no stream is opened, and none of its 16 places is taken. */
    @Test
    void headOnTheEventStreamAnswersItsHeadersAndTakesNoPlace() throws Exception {
        for (int i = 0; i < 20; i++) {
            var head = exchange("HEAD", "/dashboard/events");
            assertThat(head.statusCode()).as("HEAD %d", i).isEqualTo(200);
            assertThat(head.headers().firstValue("content-type")).hasValue("text/event-stream");
            assertThat(head.body()).isEmpty();
        }
        assertThat(dev.toolgate.testing.LiveFeed.lines(gateway, "/dashboard/events", java.util.Map.of(),
                java.time.Duration.ofMillis(1_000))).as("a page still streams").contains("retry: 1000");
    }
}
