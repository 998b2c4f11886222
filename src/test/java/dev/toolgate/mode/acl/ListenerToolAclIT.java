package dev.toolgate.mode.acl;

import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.NodeClients;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.Sdk;
import dev.toolgate.testing.TestGateway;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Kong's how-to {@code enforce-acls-on-aggregated-mcp-servers}: conversion-only plugins whose tools
 * carry ACLs for partner groups (allow gold and silver, deny bronze), bound by tag to a listener
 * with {@code include_consumer_groups}, in front of small local REST APIs (a weather API and a deck
 * of cards API, with the how-to's relative and absolute tool paths and integer defaults). Each
 * partner sees and may call exactly what the how-to says; a caller without a group sees nothing.
 * Also Kong's replay: an {@code acl} plugin on a conversion-only route applies to its tools when a
 * listener serves them, and (Toolgate's difference) a caller that acl refuses is not shown them; nor is
 * a client shown the tools of a route whose {@code ip-restriction} refuses where it calls from, even
 * when that route authenticates a caller the listener did not identify.
 */
@Timeout(120)
class ListenerToolAclIT {

    static final List<String> PARTNER_TOOLS = List.of("weather-internet", "shuffle-cards", "draw-cards",
            "shuffle-and-draw", "internal-report");
    static final String ACL = "acl: {allow: [gold-partner, silver-partner], deny: [bronze-partner]}";

    static RestUpstream weather;
    static RestUpstream cards;
    static TestGateway gateway;
    static URI listener;

    @BeforeAll
    static void start() {
        weather = new RestUpstream().json("GET /v1/current.json", 200, "{\"location\":\"London\",\"temp_c\":11}");
        cards = new RestUpstream()
                .json("GET /api/deck/new/shuffle/", 200, "{\"deck_id\":\"d-1\",\"shuffled\":true}")
                .json("GET /api/deck/new/draw/", 200, "{\"deck_id\":\"d-2\",\"cards\":[]}")
                .json("GET /api/deck/d-1/draw/", 200, "{\"deck_id\":\"d-1\",\"cards\":[{\"code\":\"AS\"}]}")
                .json("GET /reports/daily", 200, "{\"report\":\"ok\"}");
        gateway = TestGateway.start("""
                _format_version: "3.0"
                services:
                  - name: weather-service
                    url: %s
                    routes:
                      - name: weather-route
                        paths: [/weather]
                        plugins:
                          - name: ai-mcp-proxy
                            tags: [partner-tools]
                            config:
                              mode: conversion-only
                              tools:
                                - name: weather-internet
                                  description: Get current weather for a location
                                  method: GET
                                  path: ./v1/current.json
                                  parameters:
                                    - {name: q, in: query, required: true, schema: {type: string, default: London}}
                                  %s
                  - name: cards-service
                    url: %s/api/deck
                    routes:
                      - name: cards-route
                        paths: [/cards-api]
                        plugins:
                          - name: ai-mcp-proxy
                            tags: [partner-tools]
                            config:
                              mode: conversion-only
                              tools:
                                - name: shuffle-cards
                                  description: Shuffle a new deck
                                  method: GET
                                  path: ./new/shuffle/
                                  parameters:
                                    - {name: deck_count, in: query, schema: {type: integer, default: 1}}
                                  %s
                                - name: draw-cards
                                  description: Draw cards from a deck
                                  method: GET
                                  path: /cards-api/{deck_id}/draw/
                                  parameters:
                                    - {name: deck_id, in: path, required: true, schema: {type: string}}
                                    - {name: count, in: query, schema: {type: integer, default: 2}}
                                  %s
                                - name: shuffle-and-draw
                                  description: Shuffle a new deck and draw from it
                                  method: GET
                                  path: ./new/draw/
                                  parameters:
                                    - {name: count, in: query, schema: {type: integer, default: 5}}
                                  %s
                  - name: reports-service
                    url: %s
                    routes:
                      - name: reports-route
                        paths: [/reports]
                        strip_path: false
                        plugins:
                          - name: acl
                            config: {allow: [gold-partner], include_consumer_groups: true}
                          - name: ai-mcp-proxy
                            tags: [partner-tools]
                            config:
                              mode: conversion-only
                              tools:
                                - {name: internal-report, description: The daily report, method: GET, path: /reports/daily}
                  - name: archive-service
                    url: %s
                    routes:
                      - name: archive-route
                        paths: [/archive]
                        strip_path: false
                        plugins:
                          - name: key-auth
                          - {name: ip-restriction, config: {deny: [127.0.0.0/8, "::1"]}}
                          - name: ai-mcp-proxy
                            tags: [partner-tools]
                            config:
                              mode: conversion-only
                              tools:
                                - {name: archive-search, description: The archive, method: GET, path: /reports/daily}
                  - name: vault-service
                    url: %s
                    routes:
                      - name: vault-route
                        paths: [/vault]
                        strip_path: false
                        plugins:
                          - name: acl
                            config: {allow: [gold-partner], include_consumer_groups: true, hide_groups_header: true}
                          - name: ai-mcp-proxy
                            tags: [vault-tools]
                            config:
                              mode: conversion-only
                              tools:
                                - {name: vault-report, description: The vault, method: GET, path: /reports/daily}
                  - name: ledger-service
                    url: %s
                    routes:
                      - name: ledger-route
                        paths: [/ledger]
                        strip_path: false
                        plugins:
                          - name: acl
                            config: {allow: [gold-partner], include_consumer_groups: true}
                          - name: ai-mcp-proxy
                            tags: [ledger-tools]
                            config:
                              mode: conversion-only
                              tools:
                                - {name: ledger-report, description: The ledger, method: GET, path: /reports/daily}
                  - name: payroll-service
                    url: %s
                    routes:
                      - name: payroll-route
                        paths: [/payroll]
                        strip_path: false
                        plugins:
                          - name: key-auth
                          - name: acl
                            config: {allow: [gold-partner], include_consumer_groups: true}
                          - name: ai-mcp-proxy
                            tags: [ledger-tools]
                            config:
                              mode: conversion-only
                              tools:
                                - {description: The payroll, method: GET, path: /reports/daily, annotations: {title: Payroll report}}
                  - name: team-service
                    url: %s
                    routes:
                      - name: team-route
                        paths: [/team]
                        strip_path: false
                        plugins:
                          - {name: key-auth, config: {key_names: [x-team-key]}}
                          - name: acl
                            config: {allow: [gold-partner], include_consumer_groups: true}
                          - name: ai-mcp-proxy
                            tags: [team-tools]
                            config:
                              mode: conversion-only
                              tools:
                                - {name: team-payroll, description: The payroll, method: GET, path: /reports/daily}
                      - name: open-team-route
                        paths: [/open-team]
                        strip_path: false
                        plugins:
                          - name: ai-mcp-proxy
                            tags: [team-tools]
                            config:
                              mode: conversion-only
                              tools:
                                - {name: open-report, description: The open report, method: GET, path: /reports/daily}
                routes:
                  - name: team-listener-route
                    paths: [/mcp-team]
                    plugins:
                      - {name: ai-mcp-proxy, config: {mode: listener, server: {tag: team-tools}}}
                  - name: ledger-listener-route
                    paths: [/mcp-ledger]
                    plugins:
                      - name: key-auth
                      - name: ai-mcp-proxy
                        config:
                          mode: listener
                          server: {tag: ledger-tools}
                  - name: payroll-listener-route
                    paths: [/mcp-payroll]
                    plugins:
                      - name: key-auth
                      - {name: prometheus, config: {ai_metrics: true}}
                      - name: ai-mcp-proxy
                        config:
                          mode: listener
                          include_consumer_groups: true
                          default_acl: [{scope: tools, allow: [gold-partner, silver-partner]}]
                          server: {tag: ledger-tools}
                          logging: {log_statistics: true}
                  - name: listener-route
                    paths: [/mcp-listener]
                    plugins:
                      - name: key-auth
                      - name: ai-mcp-proxy
                        config:
                          mode: listener
                          include_consumer_groups: true
                          server: {tag: partner-tools}
                  - name: open-listener-route
                    paths: [/mcp-open]
                    plugins:
                      - name: ai-mcp-proxy
                        config:
                          mode: listener
                          server: {tag: partner-tools}
                  - name: vault-listener-route
                    paths: [/mcp-vault]
                    plugins:
                      - name: key-auth
                      - name: acl
                        config: {allow: [gold-partner], include_consumer_groups: true}
                      - name: ai-mcp-proxy
                        config:
                          mode: listener
                          server: {tag: vault-tools}
                consumer_groups:
                  - name: gold-partner
                  - name: silver-partner
                  - name: bronze-partner
                consumers:
                  - {username: goldie, groups: [{name: gold-partner}], keyauth_credentials: [{key: gold-key}]}
                  - {username: silvio, groups: [{name: silver-partner}], keyauth_credentials: [{key: silver-key}]}
                  - {username: bronwyn, groups: [{name: bronze-partner}], keyauth_credentials: [{key: bronze-key}]}
                  - {username: nobody, keyauth_credentials: [{key: nobody-key}]}
                """.formatted(weather.url(), ACL, cards.url(), ACL, ACL, ACL, cards.url(), cards.url(), cards.url(), cards.url(), cards.url(), cards.url()));
        listener = gateway.proxy("/mcp-listener");
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (weather != null) {
            weather.close();
        }
        if (cards != null) {
            cards.close();
        }
    }

    @BeforeEach
    void forget() {
        weather.clear();
        cards.clear();
    }

    @Test
    void goldAndSilverPartnersSeeAndCallEveryToolWithTheHowTosPathsAndDefaults() {
        for (String key : List.of("gold-key", "silver-key")) {
            try (McpSyncClient partner = Sdk.connect(listener, Map.of("apikey", key))) {
                // the reports route's acl lets only gold partners through: silver ones are not shown its tool
                assertThat(partner.listTools().tools()).extracting(McpSchema.Tool::name).as(key)
                        .containsExactlyInAnyOrderElementsOf(key.equals("gold-key") ? PARTNER_TOOLS
                                : PARTNER_TOOLS.stream().filter(t -> !t.equals("internal-report")).toList());

                assertThat(text(partner, "weather-internet", Map.of("query_q", "London"))).contains("London");
                RestUpstream.Received forecast = weather.next();
                assertThat(forecast.path()).isEqualTo("/v1/current.json");
                assertThat(forecast.query()).isEqualTo("q=London");

                assertThat(text(partner, "shuffle-cards", Map.of())).contains("shuffled");
                assertThat(cards.next().uri()).isEqualTo("/api/deck/new/shuffle/?deck_count=1");
                assertThat(text(partner, "draw-cards", Map.of("path_deck_id", "d-1", "query_count", 1))).contains("AS");
                assertThat(cards.next().uri()).isEqualTo("/api/deck/d-1/draw/?count=1");
                assertThat(text(partner, "shuffle-and-draw", Map.of())).contains("d-2");
                assertThat(cards.next().uri()).isEqualTo("/api/deck/new/draw/?count=5");
            }
        }
    }

    @Test
    void bronzePartnersAndCallersWithoutAGroupSeeNoToolAndCannotCallOne() throws InterruptedException {
        for (String key : List.of("bronze-key", "nobody-key")) {
            try (McpSyncClient caller = Sdk.connect(listener, Map.of("apikey", key))) {
                // the reports route's tool has no tool ACL, but the route's acl refuses them: not listed either
                assertThat(caller.listTools().tools()).as(key).isEmpty();
                for (String tool : List.of("weather-internet", "shuffle-cards", "draw-cards", "shuffle-and-draw")) {
                    assertThatThrownBy(() -> caller.callTool(new McpSchema.CallToolRequest(tool, Map.of("path_deck_id", "d-1"))))
                            .as(key + " calls " + tool).satisfies(e -> assertThat(Sdk.refusedWith(e)).isEqualTo(403));
                }
            }
        }
        assertThat(weather.quiet(Duration.ofMillis(100)) && cards.quiet(Duration.ofMillis(100))).isTrue();
    }

    @Test
    void theTypeScriptClientSeesWhatThePartnersGroupAllows() {
        NodeClients node = NodeClients.require();
        var silver = java.util.concurrent.CompletableFuture.supplyAsync(() ->
                node.typescriptSdk(listener, Map.of("apikey", "silver-key"), "call", "draw-cards",
                        "{\"path_deck_id\":\"d-1\"}"));
        NodeClients.Run bronze = node.typescriptSdk(listener, Map.of("apikey", "bronze-key"), "list");

        assertThat(bronze.ok().path("tools").isArray()).as(bronze.toString()).isTrue();
        assertThat(bronze.ok().path("tools").isEmpty()).as("bronze partners are shown no tool").isTrue();
        NodeClients.Run drawn = silver.join();
        assertThat(drawn.ok().path("result").path("content").get(0).path("text").asText()).contains("AS");
        assertThat(cards.next().uri()).isEqualTo("/api/deck/d-1/draw/?count=2");
    }

    @Test
    void anAclOnTheRouteThatOwnsAToolAppliesWhenAListenerServesIt() throws InterruptedException {
        try (McpSyncClient silver = Sdk.connect(listener, Map.of("apikey", "silver-key"))) {
            // not listed to silver partners, so refused as a tool that does not exist
            assertThatThrownBy(() -> silver.callTool(new McpSchema.CallToolRequest("internal-report", Map.of())))
                    .satisfies(e -> assertThat(Sdk.refusedWith(e)).isEqualTo(403));
            assertThat(cards.quiet(Duration.ofMillis(200))).as("the reports API saw the refused call").isTrue();
        }
        McpHttp gold = new McpHttp(listener, Map.of("apikey", "gold-key"));
        gold.initialize("2025-11-25");
        assertThat(gold.call("internal-report", "{}").path("isError").asBoolean()).isFalse();
        RestUpstream.Received report = cards.next();
        assertThat(report.path()).isEqualTo("/reports/daily");
        assertThat(report.header("x-consumer-username")).isEqualTo("goldie");
        assertThat(report.header("x-consumer-groups")).isEqualTo("gold-partner");
        assertThat(report.header("apikey")).isNull();
    }

    @Test
    void anOwningRoutesAclThatHidesTheGroupsHeaderKeepsTheListenersGroupsFromItsUpstream() {
        // the listener's acl names goldie's groups for its upstream; the vault route's acl hides them from its own
        McpHttp gold = new McpHttp(gateway.proxy("/mcp-vault"), Map.of("apikey", "gold-key"));
        gold.initialize("2025-11-25");
        assertThat(gold.call("vault-report", "{}").path("isError").asBoolean()).isFalse();
        RestUpstream.Received report = cards.next();
        assertThat(report.path()).isEqualTo("/reports/daily");
        assertThat(report.header("x-consumer-username")).isEqualTo("goldie");
        assertThat(report.headers().contains("x-consumer-groups")).isFalse();
        assertThat(report.headers().contains("x-authenticated-groups")).isFalse();
    }

    @Test
    void aToolWhoseOwningRouteRefusesTheCallersAddressIsNotListedAndItsCallIsRefused() throws InterruptedException {
        // the archive route's ip-restriction refuses loopback, where every test client calls from
        assertArchiveUnlistedAndRefused(listener, Map.of("apikey", "gold-key"));
    }

    @Test
    void aListenerThatIdentifiesNobodyDoesNotListAToolWhoseOwningRouteRefusesTheAddressWhoeverAuthenticates()
            throws InterruptedException {
        // the archive route authenticates the request, then refuses loopback whoever it turns out to be
        assertArchiveUnlistedAndRefused(gateway.proxy("/mcp-open"), Map.of());
    }

    @Test
    void aCallOfAToolTheListenerHidesAnswersExactlyAsANameThatDoesNotExistAndNamesNoRoute() {
        // tool ACLs on the endpoint: 403 -32000; none (the ledger listener): 200 -32602 Unknown tool
        assertHiddenAnswersAsUnknown(listener, Map.of("apikey", "silver-key"), "internal-report", 403);
        assertHiddenAnswersAsUnknown(listener, Map.of("apikey", "gold-key"), "archive-search", 403);
        assertHiddenAnswersAsUnknown(gateway.proxy("/mcp-open"), Map.of(), "archive-search", 403);
        assertHiddenAnswersAsUnknown(gateway.proxy("/mcp-ledger"), Map.of("apikey", "silver-key"), "ledger-report", 200);

        McpHttp gold = new McpHttp(gateway.proxy("/mcp-ledger"), Map.of("apikey", "gold-key"));
        gold.initialize("2025-11-25");
        assertThat(gold.call("ledger-report", "{}").path("isError").asBoolean()).as("gold partners may call it").isFalse();
        assertThat(cards.next().path()).isEqualTo("/reports/daily");
    }

    @Test
    void aToolWhoseOwningRouteAuthenticatesWithItsOwnKeyAuthIsHiddenFromTheCallersItsAclRefuses() throws InterruptedException {
        // the payroll route's key-auth is another instance than the listener's, reading the same apikey header
        URI ledger = gateway.proxy("/mcp-ledger");
        try (McpSyncClient silver = Sdk.connect(ledger, Map.of("apikey", "silver-key"))) {
            assertThat(silver.listTools().tools()).extracting(McpSchema.Tool::name).isEmpty();
        }
        try (McpSyncClient gold = Sdk.connect(ledger, Map.of("apikey", "gold-key"))) {
            assertThat(gold.listTools().tools()).extracting(McpSchema.Tool::name)
                    .containsExactlyInAnyOrder("ledger-report", "Payroll_report");
            McpSchema.CallToolResult called = gold.callTool(new McpSchema.CallToolRequest("Payroll_report", Map.of()));
            assertThat(called.isError()).as("gold partners may call it").isFalse();
        }
        assertThat(cards.next().path()).isEqualTo("/reports/daily");
        assertHiddenAnswersAsUnknown(ledger, Map.of("apikey", "silver-key"), "Payroll_report", 200);
        assertHiddenAnswersAsUnknown(ledger, Map.of("apikey", "nobody-key"), "Payroll_report", 200);
        assertHiddenAnswersAsUnknown(gateway.proxy("/mcp-payroll"), Map.of("apikey", "silver-key"), "Payroll_report", 403);
        assertThat(cards.quiet(Duration.ofMillis(200))).as("the payroll API saw no refused call").isTrue();
    }

    @Test
    void aHiddenToolCalledByItsKongNameAnswersAsAMadeUpNameEchoedAsSent() {
        // Kong serves the payroll tool as its title, "Payroll report"; Toolgate takes that name as an alias
        assertHiddenAnswersAsUnknown(gateway.proxy("/mcp-ledger"), Map.of("apikey", "silver-key"), "Payroll report", 200);
        assertHiddenAnswersAsUnknown(gateway.proxy("/mcp-payroll"), Map.of("apikey", "silver-key"), "Payroll report", 403);
    }

    @Test
    void aListenerCallOfAToolOfAnOpenRouteDoesNotForwardTheKeyAnotherOwningRouteReads() {
        // open-report's route has no plugins; team-route, another owner the listener serves, reads x-team-key
        McpHttp caller = new McpHttp(gateway.proxy("/mcp-team"), Map.of("x-team-key", "gold-key", "x-note", "kept"));
        caller.initialize("2025-11-25");
        assertThat(caller.call("open-report", "{}").path("isError").asBoolean()).isFalse();
        RestUpstream.Received received = cards.next();
        assertThat(received.path()).isEqualTo("/reports/daily");
        assertThat(received.header("x-team-key")).as("the team's key goes to no other route's upstream").isNull();
        assertThat(received.header("x-note")).as("a header no owning route reads goes on").isEqualTo("kept");
    }

    @Test
    void aCallOfAToolTheListenerHidesIsNotCountedAsAToolAclDenial() throws Exception {
        // the listener's default_acl lets silver partners in; the payroll route's acl, not a tool ACL, refuses them
        McpHttp silver = new McpHttp(gateway.proxy("/mcp-payroll"), Map.of("apikey", "silver-key"));
        silver.initialize("2025-11-25");
        assertThat(silver.post(CALL.formatted("Payroll_report")).status()).as("answered as an unknown name").isEqualTo(403);
        // the call's event is counted once its answer is written
        await().atMost(Duration.ofSeconds(5)).until(() -> metrics().contains("kong_ai_mcp_"));
        assertThat(metrics().lines().filter(l -> l.startsWith("kong_ai_mcp_acl_") && l.contains("Payroll_report")))
                .as("no tool ACL decided it").isEmpty();
    }

    /** The gateway's Prometheus page. */
    static String metrics() throws java.io.IOException, InterruptedException {
        return new dev.toolgate.testing.AdminHttp(gateway).get("/metrics").body();
    }

    /** A call of {@code hidden} and of a made-up name get the same status, headers that matter and body. */
    static void assertHiddenAnswersAsUnknown(URI endpoint, Map<String, String> headers, String hidden, int status) {
        McpHttp caller = new McpHttp(endpoint, headers);
        caller.initialize("2025-11-25");
        assertThat(caller.post(LIST).body()).as("listed").doesNotContain(hidden);
        McpHttp.Response hiddenCall = caller.post(CALL.formatted(hidden));
        McpHttp.Response unknownCall = caller.post(CALL.formatted("no-such-tool"));
        assertThat(hiddenCall.status()).as(hiddenCall.toString()).isEqualTo(status).isEqualTo(unknownCall.status());
        assertThat(hiddenCall.body().replace(hidden, "no-such-tool")).as(endpoint + " " + hidden)
                .isEqualTo(unknownCall.body()).doesNotContain("route");
        for (String header : List.of("www-authenticate", "content-type")) {
            assertThat(hiddenCall.header(header)).as(header).isEqualTo(unknownCall.header(header));
        }
    }

    static final String LIST = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}";
    static final String CALL = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"%s\","
            + "\"arguments\":{}}}";

    @Test
    void theTypeScriptClientOnAListenerThatIdentifiesNobodyIsNotShownTheArchiveAndGetsItsRefusal()
            throws InterruptedException {
        NodeClients node = NodeClients.require();
        URI open = gateway.proxy("/mcp-open");
        NodeClients.Run listed = node.typescriptSdk(open, Map.of(), "list");
        assertThat(listed.ok().path("tools").isArray()).as(listed.toString()).isTrue();
        assertThat(listed.ok().path("tools").findValuesAsText("name")).doesNotContain("archive-search");

        NodeClients.Run called = node.typescriptSdk(open, Map.of(), "call", "archive-search", "{}");
        NodeClients.Run unknown = node.typescriptSdk(open, Map.of(), "call", "no-such-tool", "{}");
        assertThat(called.exitCode()).as(called.toString()).isEqualTo(unknown.exitCode());
        assertThat(called.stdout()).as("refused as a name that does not exist").doesNotContain("archive-route")
                .isEqualTo(unknown.stdout().replace("no-such-tool", "archive-search"));
        assertThat(cards.quiet(Duration.ofMillis(200))).as("the archive saw the refused call").isTrue();
    }

    /** The archive's tool is not listed to this client, and its call by name is refused as an unknown tool's. */
    static void assertArchiveUnlistedAndRefused(URI endpoint, Map<String, String> headers) throws InterruptedException {
        try (McpSyncClient client = Sdk.connect(endpoint, headers)) {
            assertThat(client.listTools().tools()).extracting(McpSchema.Tool::name).doesNotContain("archive-search");
            assertThatThrownBy(() -> client.callTool(new McpSchema.CallToolRequest("archive-search", Map.of())))
                    .satisfies(e -> assertThat(Sdk.refusedWith(e)).isEqualTo(403));
        }
        assertThat(cards.quiet(Duration.ofMillis(200))).as("the archive saw the refused call").isTrue();
    }

    static String text(McpSyncClient client, String tool, Map<String, Object> arguments) {
        McpSchema.CallToolResult result = client.callTool(new McpSchema.CallToolRequest(tool, arguments));
        assertThat(result.isError()).as(tool + ": " + result).isNotEqualTo(Boolean.TRUE);
        return ((McpSchema.TextContent) result.content().getFirst()).text();
    }
}
