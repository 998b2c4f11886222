package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.config.InvalidConfigException;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.toolgate.testing.McpAssertions.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Fixed {@code headers} and {@code query} of a tool reach the upstream, with vault references resolved. */
@Timeout(30)
class FixedHeadersAndQueryIT {

    static final Map<String, String> ENV = Map.of("API_KEY", "k-s3cr3t-123", "API_TOKEN", "Bearer tok-xyz",
            "CREDS", "{\"client\":\"cid-7\"}");

    static RestUpstream upstream;
    static TestGateway gateway;
    McpHttp mcp;

    @BeforeAll
    static void start() {
        upstream = new RestUpstream().json("GET /weather", 200, "{\"temp\":21}").json("GET /client", 200, "{}")
                .json("GET /search", 200, "{}")
                .json("GET /tickets", 200, "{}");
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
                              tools:
                                - name: weather
                                  description: Current weather
                                  method: GET
                                  path: /mcp/weather
                                  headers:
                                    X-Api-Version: ["2"]
                                    Authorization: ["{vault://env/api-token}"]
                                  query:
                                    key: ["{vault://env/API_KEY}"]
                                    lang: [en, fr]
                                  parameters:
                                    - {name: q, in: query, required: true, schema: {type: string}}
                                - name: search
                                  description: Search with a fixed key
                                  method: GET
                                  path: /mcp/search
                                  query:
                                    api_key: [SECRET-Q]
                                  parameters:
                                    - {name: obj, in: query, schema: {type: object}}
                                    - {name: more, in: query, schema: {type: object}}
                                    - {name: api_key, in: query, schema: {type: string}}
                                    - {name: page, in: query, schema: {type: integer}}
                                    - {name: deep, in: query, style: deepObject, explode: true, schema: {type: object}}
                                - name: tickets
                                  description: A tenant's tickets
                                  method: GET
                                  path: /mcp/tickets
                                  query:
                                    filter[tenant]: [acme]
                                    tenant_id: [t-1]
                                  parameters:
                                    - {name: filter, in: query, style: deepObject, explode: true, schema: {type: object}}
                                    - {name: obj, in: query, schema: {type: object}}
                                    - {name: Tenant_Id, in: query, schema: {type: string}}
                                - name: whoami
                                  description: Client id from a JSON secret
                                  method: GET
                                  path: /mcp/client
                                  query:
                                    client_id: ["{vault://env/creds/client}"]
                """.formatted(upstream.url()), ENV, false);
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @BeforeEach
    void session() {
        while (upstream.pending() > 0) {
            upstream.next();
        }
        mcp = new McpHttp(gateway.proxy("/mcp"));
        mcp.initialize("2025-06-18");
    }

    private static Map<String, List<String>> params(RestUpstream.Received received) {
        return new QueryStringDecoder(received.uri()).parameters();
    }

    @Test
    void fixedQueryAndHeadersAreAddedWithVaultReferencesResolved() {
        JsonNode result = mcp.call("weather", "{\"query_q\":\"Paris\"}");
        assertThat(result.get("isError").asBoolean()).as(text(result)).isFalse();
        RestUpstream.Received received = upstream.next();
        assertThat(received.query()).startsWith("q=Paris&");
        assertThat(params(received)).containsOnly(
                Map.entry("q", List.of("Paris")),
                Map.entry("key", List.of("k-s3cr3t-123")),
                Map.entry("lang", List.of("en", "fr")));
        assertThat(received.header("X-Api-Version")).isEqualTo("2");
        assertThat(received.header("Authorization")).isEqualTo("Bearer tok-xyz");
    }

    @Test
    void aFixedQueryValueIsSentInsteadOfAnArgumentOfTheSameName() {
        JsonNode result = mcp.call("search", "{\"query_api_key\":\"CLIENT-Q\",\"query_page\":2}");
        assertThat(result.get("isError").asBoolean()).as(text(result)).isFalse();
        assertThat(params(upstream.next())).containsOnly(Map.entry("page", List.of("2")),
                Map.entry("api_key", List.of("SECRET-Q")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"api_key", "page", "deep"})
    void anExplodedObjectKeyNamingAFixedOrDeclaredQueryParameterIsRefusedAndNothingIsSent(String key)
            throws InterruptedException {
        JsonNode result = mcp.call("search", "{\"query_obj\":{\"" + key + "\":\"CLIENT-Q\",\"x\":\"1\"}}");
        assertThat(result.get("isError").asBoolean()).as(text(result)).isTrue();
        assertThat(text(result)).isEqualTo("Invalid arguments for tool search: query_obj: the key '" + key
                + "' would be sent as the query parameter " + key + ", which the tool sets otherwise");
        assertThat(upstream.quiet(Duration.ofMillis(200))).as("no upstream call").isTrue();
    }

    @Test
    void twoExplodedObjectsSharingAKeyAreRefusedNamingBothAndNothingIsSent() throws InterruptedException {
        // x is no parameter of the tool, yet each object would send it: one value would override the other
        JsonNode result = mcp.call("search", "{\"query_obj\":{\"x\":\"1\"},\"query_more\":{\"x\":\"2\"}}");
        assertThat(result.get("isError").asBoolean()).as(text(result)).isTrue();
        assertThat(text(result)).isEqualTo("Invalid arguments for tool search: query_more: the key 'x' would be sent "
                + "as the query parameter x, which query_obj sends too");
        assertThat(upstream.quiet(Duration.ofMillis(200))).as("no upstream call").isTrue();
    }

    @Test
    void anExplodedObjectsOtherKeysAreSentBesideTheFixedValues() {
        JsonNode result = mcp.call("search", "{\"query_obj\":{\"x\":\"1\",\"y\":\"2\"},\"query_deep\":{\"api_key\":\"z\"}}");
        assertThat(result.get("isError").asBoolean()).as(text(result)).isFalse();
        assertThat(params(upstream.next())).containsOnly(Map.entry("x", List.of("1")), Map.entry("y", List.of("2")),
                Map.entry("deep[api_key]", List.of("z")), Map.entry("api_key", List.of("SECRET-Q")));
    }

    @Test
    void anExplodedObjectsKeyOfItsOwnNameShadowsNothingAndIsSent() {
        // exploded, the object's own name is never sent: only its keys are
        JsonNode result = mcp.call("search", "{\"query_obj\":{\"obj\":\"1\"}}");
        assertThat(result.get("isError").asBoolean()).as(text(result)).isFalse();
        assertThat(params(upstream.next())).containsOnly(Map.entry("obj", List.of("1")),
                Map.entry("api_key", List.of("SECRET-Q")));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"query_filter\":{\"tenant\":\"other\"}}|filter[tenant]|filter[tenant]",
        "{\"query_filter\":{\"Tenant\":\"other\"}}|filter[Tenant]|filter[tenant]",
        "{\"query_filter\":{\"tenant\":{\"id\":\"other\"}}}|filter[tenant][id]|filter[tenant]",
        "{\"query_obj\":{\"TENANT_ID\":\"other\"}}|TENANT_ID|tenant_id",
        "{\"query_obj\":{\"Filter[Tenant]\":\"other\"}}|Filter[Tenant]|filter[tenant]",
        "{\"query_obj\":{\"tenant_id[x]\":\"other\"}}|tenant_id[x]|tenant_id",
        "{\"query_obj\":{\"tenant.id\":\"other\"}}|tenant.id|tenant_id",
        "{\"query_obj\":{\"Tenant Id\":\"other\"}}|Tenant Id|tenant_id",
        "{\"query_obj\":{\" tenant_id\":\"other\"}}| tenant_id|tenant_id",
        "{\"query_obj\":{\"tenant[id\":\"other\"}}|tenant[id|tenant_id",
        "{\"query_filter\":{\" tenant\":\"other\"}}|filter[ tenant]|filter[tenant]"})
    void aKeyReachingAFixedQueryNameThroughCaseOrNestingIsRefusedAndNothingIsSent(String caseOf)
            throws InterruptedException {
        String[] c = caseOf.split("\\|");
        String argument = c[0].substring(2, c[0].indexOf('"', 2));
        JsonNode result = mcp.call("tickets", c[0]);
        assertThat(result.get("isError").asBoolean()).as(text(result)).isTrue();
        assertThat(text(result)).isEqualTo("Invalid arguments for tool tickets: " + argument + ": it would send the "
                + "query parameter " + c[1] + ", which the tool's fixed query parameter " + c[2] + " sets (names are "
                + "compared regardless of case, of . and space for _, and of [nesting])");
        assertThat(upstream.quiet(Duration.ofMillis(200))).as("no upstream call").isTrue();
    }

    @Test
    void aDeepObjectsOtherKeysAreSentBesideTheFixedOnesAndACaseVariantParameterIsLeftOut() {
        JsonNode result = mcp.call("tickets", "{\"query_filter\":{\"status\":\"open\"},\"query_Tenant_Id\":\"t-2\"}");
        assertThat(result.get("isError").asBoolean()).as(text(result)).isFalse();
        assertThat(params(upstream.next())).containsOnly(Map.entry("filter[status]", List.of("open")),
                Map.entry("filter[tenant]", List.of("acme")), Map.entry("tenant_id", List.of("t-1")));
    }

    @Test
    void vaultReferenceWithAKeyReadsThatKeyOfAJsonVariable() {
        mcp.call("whoami", "{}");
        assertThat(upstream.next().query()).isEqualTo("client_id=cid-7");
    }

    @Test
    void fixedHeaderWinsOverTheSameClientHeader() {
        mcp.send("POST", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"weather\","
                + "\"arguments\":{\"query_q\":\"Oslo\"}}}", Map.of("content-type", "application/json",
                "accept", McpHttp.ACCEPT_BOTH, "mcp-session-id", mcp.sessionId(), "X-Api-Version", "1",
                "Authorization", "Bearer client-token"));
        RestUpstream.Received received = upstream.next();
        assertThat(received.headers().getAll("X-Api-Version")).containsExactly("2");
        assertThat(received.headers().getAll("Authorization")).containsExactly("Bearer tok-xyz");
    }

    @Test
    void toolsListShowsNeitherFixedValuesNorSecrets() {
        String body = mcp.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}").body();
        assertThat(body).doesNotContain("k-s3cr3t-123", "tok-xyz", "cid-7", "X-Api-Version");
        JsonNode weather = mcp.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}").json().at("/result/tools/0");
        assertThat(weather.at("/inputSchema/properties").fieldNames()).toIterable().containsExactly("query_q");
    }

    @Test
    void unsetVariableMakesTheConfigInvalidNamingWhereItIsUsed() {
        assertThatThrownBy(() -> TestGateway.start("""
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
                                - name: t
                                  description: T
                                  method: GET
                                  path: /mcp/t
                                  query: {key: ["{vault://env/missing-var}"]}
                """.formatted(upstream.url()), Map.of(), false))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("services[0].routes[0].plugins[0].config.tools[0].query.key[0]: "
                        + "environment variable MISSING_VAR (from {vault://env/missing-var}) is not set");
    }
}
