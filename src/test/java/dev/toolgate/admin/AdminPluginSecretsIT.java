package dev.toolgate.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.testing.AdminHttp;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Secrets in plugin settings that no field marks as one stay hidden after {@code POST /config}: a URL's
 * userinfo, the values of {@code name:value} transformer entries and of map keys that read like secrets.
 * What is not a secret stays readable.
 */
@Timeout(60)
class AdminPluginSecretsIT {

    static final List<String> SECRETS = List.of("OTELPW_SECRET", "bearer-tok-8812", "api-key-value-7731",
            "query-key-value-5521", "body-password-4411", "cookie-sid-9931", "args-password-2231", "args-api-key-6671",
            "otel-header-token-1155", "oauth-client-secret-0001", "otel-query-token-6620", "otel-path-token-3301",
            "otel-path-token-3302", "otel-path-token-3303");

    static TestGateway gateway;
    static AdminHttp admin;

    @BeforeAll
    static void start() {
        gateway = TestGateway.start("""
                _format_version: "3.0"
                """);
        admin = new AdminHttp(gateway);
        AdminHttp.Response loaded = admin.postConfig("""
                _format_version: "3.0"
                services:
                  - name: api
                    url: http://127.0.0.1:9
                    routes:
                      - name: r
                        paths: [/r]
                        tags: ["token:read", "auth:internal"]
                plugins:
                  - name: opentelemetry
                    config:
                      traces_endpoint: "http://127.0.0.1:19196/receiver/v1/otlp/otel-path-token-3301/v1/traces"
                      logs_endpoint: "http://127.0.0.1:19196/receiver/v1/otlp/otel-path-token-3302/v1/logs"
                      metrics: {endpoint: "http://127.0.0.1:19196/receiver/v1/otlp/otel-path-token-3303/v1/metrics"}
                      headers: {Authorization: "Bearer otel-header-token-1155", X-Team: observability}
                  - name: request-transformer
                    config:
                      add:
                        headers: ["Authorization:Bearer bearer-tok-8812", "X-Api-Key:api-key-value-7731", "X-Source:toolgate"]
                        querystring: ["api_key:query-key-value-5521", "region:eu"]
                        body: ["password:body-password-4411"]
                      append:
                        headers: ["Authorization:Bearer bearer-tok-8812"]
                      replace:
                        headers: ["X-Api-Key:api-key-value-7731"]
                      rename:
                        headers: ["Authorization:X-Upstream-Authorization"]
                  - name: response-transformer
                    config:
                      add:
                        headers: ["Set-Cookie:sid=cookie-sid-9931", "X-Served-By:toolgate"]
                  - name: ai-mcp-oauth2
                    config:
                      resource: http://localhost/mcp
                      authorization_servers: [http://127.0.0.1:1]
                      introspection_endpoint: "http://otluser:OTELPW_SECRET@127.0.0.1:1/introspect?region=eu&api_key=otel-query-token-6620#top"
                      client_id: gateway
                      client_secret: oauth-client-secret-0001
                      args: {password: args-password-2231, api_key: args-api-key-6671, audience: tools}
                      passthrough_credentials: true
                      token_exchange:
                        enabled: true
                        token_endpoint: http://127.0.0.1:1/token
                        client_auth: inherit
                        request: {actor_token_source: header, actor_token_header: X-Actor-Token}
                  - name: key-auth
                    config: {key_names: [apikey, x-api-key], hide_credentials: true}
                """);
        assertThat(loaded.status()).as(loaded.body()).isEqualTo(200);
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    private static JsonNode plugin(String name) {
        for (JsonNode plugin : admin.get("/plugins").json().get("data")) {
            if (plugin.get("name").asText().equals(name)) {
                return plugin;
            }
        }
        throw new AssertionError("no plugin " + name);
    }

    @Test
    void noPluginSecretAppearsInAnyAdminResponseBody() {
        for (String path : List.of("/plugins", "/routes", "/services", "/status", "/plugins/" + plugin("opentelemetry")
                .get("id").asText(), "/plugins/" + plugin("request-transformer").get("id").asText())) {
            AdminHttp.Response response = admin.get(path);
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.body()).as(path).doesNotContain(SECRETS.toArray(String[]::new));
        }
    }

    @Test
    void openTelemetrysCollectorEndpointsAreMaskedWholeAsHttpLogsEndpointIsForTheTokensInTheirPaths() {
        JsonNode config = plugin("opentelemetry").get("config");
        assertThat(config.get("traces_endpoint").asText()).isEqualTo("[redacted]");
        assertThat(config.get("logs_endpoint").asText()).isEqualTo("[redacted]");
        assertThat(config.at("/metrics/endpoint").asText()).isEqualTo("[redacted]");
    }

    @Test
    void aUrlShowsItsUserAndQueryButNotItsPasswordNorTheValuesOfArgumentsNamedLikeSecrets() {
        assertThat(plugin("ai-mcp-oauth2").at("/config/introspection_endpoint").asText())
                .isEqualTo("http://otluser:[redacted]@127.0.0.1:1/introspect?region=eu&api_key=[redacted]#top");
    }

    @Test
    void transformerEntriesKeepTheirNamesAndOrdinaryValues() {
        JsonNode add = plugin("request-transformer").at("/config/add");
        assertThat(add.get("headers")).extracting(JsonNode::asText)
                .containsExactly("Authorization:[redacted]", "X-Api-Key:[redacted]", "X-Source:toolgate");
        assertThat(add.get("querystring")).extracting(JsonNode::asText).containsExactly("api_key:[redacted]", "region:eu");
        assertThat(add.get("body")).extracting(JsonNode::asText).containsExactly("password:[redacted]");
        assertThat(plugin("response-transformer").at("/config/add/headers")).extracting(JsonNode::asText)
                .containsExactly("Set-Cookie:[redacted]", "X-Served-By:toolgate");
    }

    @Test
    void onlyTransformerPairsAreReadAsNameAndValueNotOtherListsWithAColon() {
        JsonNode route = admin.get("/routes/r").json();
        assertThat(route.get("tags")).extracting(JsonNode::asText).containsExactly("token:read", "auth:internal");
    }

    @Test
    void aRenameShowsBothNames() {
        assertThat(plugin("request-transformer").at("/config/rename/headers/0").asText())
                .isEqualTo("Authorization:X-Upstream-Authorization");
    }

    @Test
    void mapValuesUnderSecretKeysAreMaskedAndOthersShown() {
        JsonNode args = plugin("ai-mcp-oauth2").at("/config/args");
        assertThat(args.get("password").asText()).isEqualTo("[redacted]");
        assertThat(args.get("api_key").asText()).isEqualTo("[redacted]");
        assertThat(args.get("audience").asText()).isEqualTo("tools");
    }

    @Test
    void aFieldNamedLikeASecretIsMasked() {
        assertThat(plugin("ai-mcp-oauth2").at("/config/client_secret").asText()).isEqualTo("[redacted]");
    }

    @Test
    void fieldsThatNameOrLocateASecretAreShown() {
        // their names read like secrets, but the Admin API is of no use without what they say
        JsonNode keyAuth = plugin("key-auth").get("config");
        assertThat(keyAuth.get("key_names")).extracting(JsonNode::asText).containsExactly("apikey", "x-api-key");
        assertThat(keyAuth.get("hide_credentials").asBoolean()).isTrue();
        JsonNode oauth = plugin("ai-mcp-oauth2").get("config");
        assertThat(oauth.get("authorization_servers")).extracting(JsonNode::asText).containsExactly("http://127.0.0.1:1");
        assertThat(oauth.at("/token_exchange/token_endpoint").asText()).isEqualTo("http://127.0.0.1:1/token");
        assertThat(oauth.at("/token_exchange/request/actor_token_header").asText()).isEqualTo("X-Actor-Token");
        assertThat(oauth.at("/token_exchange/request/subject_token_type").asText())
                .isEqualTo("urn:ietf:params:oauth:token-type:access_token");
    }
}
