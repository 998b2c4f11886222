package dev.toolgate.observe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.mcp.Json;
import dev.toolgate.testing.Configs;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Kong's log serializer shape and its {@code ai.mcp} section, switch by switch. */
class KongLogEntryTest {

    private static final LogEntities ENTITIES = new LogEntities(Configs.check("""
            _format_version: "3.0"
            consumers: [{username: admin, id: 6c95a611-0000-4000-8000-000000000001}]
            services:
              - name: mcp-service
                url: http://127.0.0.1:9
                routes: [{name: mcp-route, paths: [/mcp]}]
            """, Path.of("").toAbsolutePath()).snapshot().config());

    private static ExchangeEvent exchange(boolean statistics, boolean payloads, boolean audits) {
        return exchange(statistics, payloads, audits, "2");
    }

    private static ExchangeEvent exchange(boolean statistics, boolean payloads, boolean audits, String id) {
        return exchange(statistics, payloads, audits, id, null);
    }

    private static ExchangeEvent exchange(boolean statistics, boolean payloads, boolean audits, String id,
                                          String credentialId) {
        var config = Configs.check("""
                _format_version: "3.0"
                services:
                  - name: mcp-service
                    url: http://127.0.0.1:9
                    routes: [{name: mcp-route, paths: [/mcp]}]
                """, Path.of("").toAbsolutePath()).snapshot().config();
        var route = config.routes().getFirst();
        var facts = new Origin.RouteFacts(route.id(), "mcp-route", route.serviceId(), "mcp-service", "conversion-listener",
                statistics, payloads, audits);
        Origin origin = new Origin(facts, "6c95a611-0000-4000-8000-000000000001", "admin", null, "10.0.0.7",
                "gw.example:8000", "2025-06-18", credentialId);
        McpEvent call = new McpEvent(origin, 1_700_000_000_000L, "abc123session", id, "tools/call", "list_orders", null,
                6_400_000, 5_000_000, 1_000_000, 200, "mcp-service", "127.0.0.1:9", 120, 5030, null, null, false,
                true, "allow", null, null, "{\"request\":1}", "{\"result\":{}}");
        ObjectNode audit = Json.object();
        audit.put("primitive_name", "list_orders").put("primitive", "tool").put("action", "allow").put("scope", "primitive");
        audit.putObject("consumer").put("id", "6c95a611").put("name", "admin").put("identifier", "consumer_group");
        return new ExchangeEvent(origin, 1_700_000_000_000L, "POST", "/mcp?apikey=[redacted]",
                "http://gw.example:8000/mcp?apikey=[redacted]", 120, Map.of("content-type", "application/json"), 200, 5100,
                Map.of("content-type", "application/json"), 7_000_000, 5_000_000, 0, "abc123session", List.of(call),
                List.of(audit));
    }

    @Test
    void authenticatedEntityIsTheCredentialsIdAsKongWritesItAndAbsentForAConsumerNoCredentialAuthenticated() {
        JsonNode withKey = KongLogEntry.of(exchange(true, false, false, "2", "0b3c7f1e-0000-4000-8000-00000000c0de"),
                ENTITIES);
        assertThat(withKey.path("authenticated_entity"))
                .isEqualTo(Json.object().put("id", "0b3c7f1e-0000-4000-8000-00000000c0de"));
        assertThat(withKey.path("consumer").path("username").asText()).isEqualTo("admin");

        // an anonymous consumer: Kong's consumer is set, its authenticated_credential is not
        JsonNode anonymous = KongLogEntry.of(exchange(true, false, false, "2", null), ENTITIES);
        assertThat(anonymous.path("consumer").path("username").asText()).isEqualTo("admin");
        assertThat(anonymous.has("authenticated_entity")).isFalse();
    }

    @Test
    void upstreamUriAndUpstreamStatusAreKongsEmptyStringsWhenTheEntryHasNoneOfThem() {
        ExchangeEvent x = exchange(false, false, false);
        ExchangeEvent unsent = new ExchangeEvent(x.origin(), x.startedAtMillis(), x.method(), x.uri(), x.url(),
                x.requestBytes(), x.requestHeaders(), 401, x.responseBytes(), x.responseHeaders(), x.latencyNanos(),
                -1, 0, x.session(), List.of(), List.of(), null);

        JsonNode entry = KongLogEntry.of(unsent, ENTITIES);

        assertThat(entry.path("upstream_uri").isTextual()).as("%s", entry).isTrue();
        assertThat(entry.path("upstream_uri").asText()).isEmpty();
        assertThat(entry.path("upstream_status").isTextual()).as("%s", entry).isTrue();
        assertThat(entry.path("upstream_status").asText()).isEmpty();
    }

    @Test
    void theEntryHasKongsTopLevelFields() throws Exception {
        // as a log destination reads it: serialized, then parsed
        JsonNode entry = Json.MAPPER.readTree(Json.text(KongLogEntry.of(exchange(true, false, false), ENTITIES)));
        assertThat(entry.path("request").path("querystring").path("apikey").asText()).isEqualTo("[redacted]");
        assertThat(entry.path("request").path("url").asText()).isEqualTo("http://gw.example:8000/mcp?apikey=[redacted]");
        assertThat(entry.path("response").path("status").asInt()).isEqualTo(200);
        assertThat(entry.path("route").path("name").asText()).isEqualTo("mcp-route");
        assertThat(entry.path("service").path("name").asText()).isEqualTo("mcp-service");
        assertThat(entry.path("consumer").path("username").asText()).isEqualTo("admin");
        assertThat(entry.path("latencies").toString()).isEqualTo("{\"request\":7,\"proxy\":5,\"kong\":2,\"receive\":0}");
        assertThat(entry.path("client_ip").asText()).isEqualTo("10.0.0.7");
        assertThat(entry.path("started_at").asLong()).isEqualTo(1_700_000_000_000L);
        assertThat(entry.path("source").asText()).isEqualTo("upstream");
    }

    @Test
    void theAiMcpSectionIsKongsDocumentedExampleWhenStatisticsAndAuditsAreOn() throws Exception {
        // the example of Kong's AI MCP log reference (kong-ai-mcp-proxy.md §5.1), field for field
        JsonNode mcp = Json.MAPPER.readTree(KongLogEntry.of(exchange(true, false, true), ENTITIES).path("ai").toString());
        assertThat(mcp).isEqualTo(Json.MAPPER.readTree("""
                {"mcp":{"mcp_session_id":"abc123session",
                  "rpc":[{"method":"tools/call","latency":6,"id":"2","response_body_size":5030,"tool_name":"list_orders"}],
                  "audit":[{"primitive_name":"list_orders","consumer":{"id":"6c95a611","name":"admin","identifier":"consumer_group"},
                            "scope":"primitive","primitive":"tool","action":"allow"}]}}"""));
    }

    @Test
    void payloadsAppearOnlyWithLogPayloadsAndNothingWithEveryLoggingSwitchOff() {
        JsonNode withPayloads = KongLogEntry.of(exchange(true, true, false), ENTITIES);
        assertThat(withPayloads.path("ai").path("mcp").path("rpc").get(0).path("payload").path("request").asText())
                .isEqualTo("{\"request\":1}");
        assertThat(withPayloads.path("ai").path("mcp").has("audit")).isFalse();
        assertThat(KongLogEntry.of(exchange(false, false, false), ENTITIES).has("ai")).isFalse();
    }

    @Test
    void aStringIdIsLoggedAsTheClientSentItUnescapedOnce() throws Exception {
        // the event keeps the id as JSON text: "a\"b" is the string a"b, not a\"b
        JsonNode entry = Json.MAPPER.readTree(Json.text(KongLogEntry.of(exchange(true, false, false, "\"a\\\"b\\\\c\""),
                ENTITIES)));

        assertThat(entry.path("ai").path("mcp").path("rpc").get(0).path("id").asText()).isEqualTo("a\"b\\c");
    }

    @Test
    void aSessionIdLongerThan256CharactersIsCutInTheEntryAsInEveryMessage() {
        // any client sends any Mcp-Session-Id, up to the header limit; the README promises session ids are cut
        String longSession = "s".repeat(8000);
        ExchangeEvent x = exchange(true, false, false);
        ExchangeEvent sent = new ExchangeEvent(x.origin(), x.startedAtMillis(), x.method(), x.uri(), x.url(),
                x.requestBytes(), x.requestHeaders(), x.status(), x.responseBytes(), x.responseHeaders(),
                x.latencyNanos(), x.upstreamNanos(), x.upstreamStatus(), longSession, x.rpc(), x.audits());

        String shown = KongLogEntry.of(sent, ENTITIES).path("ai").path("mcp").path("mcp_session_id").asText();

        assertThat(shown).hasSize(McpEvent.MAX_TEXT + 1).startsWith("sss").endsWith("…");
        assertThat(sent.session()).as("what the OpenTelemetry log record's mcp.session.id reads").isEqualTo(shown);
    }
}
