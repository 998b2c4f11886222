package dev.toolgate.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import dev.toolgate.config.Redacted;
import dev.toolgate.mcp.Json;
import dev.toolgate.testing.AdminHttp;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Admin API shows ai-mcp-oauth2's settings under Kong's field names, with Kong's defaults filled and its
 * secrets masked, so that a dump of {@code GET /plugins} (decK's) loads back once the secrets are supplied again.
 */
@Timeout(60)
class AdminOAuth2FieldsIT {

    private static final String ROUTES = """
            _format_version: "3.0"
            services:
              - name: api
                url: http://127.0.0.1:9
                routes:
                  - {name: every-field, paths: [/every-field]}
                  - {name: top-level-claims, paths: [/top-level-claims]}
                  - {name: defaults, paths: [/defaults]}
            plugins:
            """;

    private static final String SECRET = "oauth-client-secret-5501";
    private static final String HEADER_SECRET = "introspection-header-secret-5502";
    private static final String EXCHANGE_SECRET = "exchange-secret-5503";
    private static final String ACTOR_TOKEN = "actor-token-secret-5504";
    private static String jwk;

    /** Where each secret of the every-field plugin is, and its value: the Admin API shows it masked. */
    private static Map<String, JsonNode> secrets;

    static TestGateway gateway;
    static AdminHttp admin;

    @BeforeAll
    static void start() throws Exception {
        jwk = new ECKeyGenerator(Curve.P_256).keyID("gw").generate().toJSONString();
        secrets = new LinkedHashMap<>();
        secrets.put("/client_secret", TextNode.valueOf(SECRET));
        secrets.put("/client_jwk", TextNode.valueOf(jwk));
        secrets.put("/headers", Json.object().put("X-Api-Key", HEADER_SECRET));
        secrets.put("/token_exchange/client_secret", TextNode.valueOf(EXCHANGE_SECRET));
        secrets.put("/token_exchange/request/actor_token", TextNode.valueOf(ACTOR_TOKEN));
        gateway = TestGateway.start("""
                _format_version: "3.0"
                """);
        admin = new AdminHttp(gateway);
        AdminHttp.Response loaded = admin.postConfig(ROUTES + """
                  - name: ai-mcp-oauth2
                    route: every-field
                    config:
                      resource: http://localhost/every-field
                      authorization_servers: [http://127.0.0.1:1/a]
                      metadata_endpoint: /.well-known/oauth-protected-resource/every-field
                      scopes_supported: ["tools:read", "tools:write"]
                      introspection_endpoint: http://127.0.0.1:1/introspect
                      introspection_format: base64url
                      cache_introspection: false
                      client_id: gateway
                      client_secret: %s
                      client_auth: private_key_jwt
                      client_alg: ES256
                      client_jwk: '%s'
                      args: {audience: tools}
                      headers: {X-Api-Key: %s}
                      upstream_headers:
                        - {header: X-Org, path: [org, id]}
                        - {header: X-Subject, path: [sub]}
                      insecure_relaxed_audience_validation: true
                      jwks_endpoint: http://127.0.0.1:1/jwks
                      jwks_cache_ttl: 600
                      jwt_claims_leeway: 30
                      metadata_discovery_endpoint: http://127.0.0.1:1/.well-known/openid-configuration
                      metadata_discovery_retry: 5
                      metadata_cache_ttl: 900
                      passthrough_credentials: true
                      consumer_claim: [preferred_username]
                      consumer_by: [username]
                      consumer_optional: true
                      consumer_groups_claim: [realm_access, roles]
                      consumer_groups_optional: true
                      credential_claim: [client_id]
                      token_exchange:
                        enabled: true
                        token_endpoint: http://127.0.0.1:1/token
                        client_auth: client_secret_post
                        client_id: exchanger
                        client_secret: %s
                        request:
                          subject_token_type: urn:ietf:params:oauth:token-type:jwt
                          requested_token_type: urn:ietf:params:oauth:token-type:id_token
                          actor_token_source: config
                          actor_token: %s
                          actor_token_type: urn:ietf:params:oauth:token-type:jwt
                          audience: [orders]
                          scopes: ["orders:read"]
                          resource: http://orders.example/api
                        cache: {enabled: false, ttl: 60}
                      timeout: 2500
                      max_request_body_size: 4096
                  - name: ai-mcp-oauth2
                    route: top-level-claims
                    config:
                      resource: http://localhost/top-level-claims
                      authorization_servers: [http://127.0.0.1:1]
                      introspection_endpoint: http://127.0.0.1:1/introspect
                      client_id: gateway
                      client_secret: %s
                      claim_to_header: [{claim: sub, header: X-Subject}]
                      passthrough_credentials: true
                      token_exchange: {enabled: true, token_endpoint: http://127.0.0.1:1/token, client_auth: inherit}
                  - name: ai-mcp-oauth2
                    route: defaults
                    config:
                      resource: http://localhost/defaults
                      authorization_servers: [http://127.0.0.1:1]
                """.formatted(SECRET, jwk, HEADER_SECRET, EXCHANGE_SECRET, ACTOR_TOKEN, SECRET));
        assertThat(loaded.status()).as(loaded.body()).isEqualTo(200);
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    /** The {@code config} of the ai-mcp-oauth2 plugin of a route, as {@code GET /plugins/{id}} shows it. */
    private static ObjectNode shown(String route) {
        for (JsonNode plugin : admin.get("/plugins").json().get("data")) {
            JsonNode routeId = admin.get("/routes/" + route).json().get("id");
            if (plugin.at("/route/id").equals(routeId)) {
                AdminHttp.Response one = admin.get("/plugins/" + plugin.get("id").asText());
                assertThat(one.status()).isEqualTo(200);
                return (ObjectNode) one.json().get("config");
            }
        }
        throw new AssertionError("no plugin on route " + route);
    }

    @Test
    void everyFieldIsShownUnderKongsName() {
        assertThat(shown("every-field").propertyStream().map(Map.Entry::getKey).toList()).containsExactly(
                "resource", "authorization_servers", "metadata_endpoint", "scopes_supported", "introspection_endpoint",
                "introspection_format", "cache_introspection", "client_id", "client_secret", "client_auth",
                "client_alg", "client_jwk", "args", "headers", "claim_to_header", "upstream_headers",
                "insecure_relaxed_audience_validation", "jwks_endpoint", "jwks_cache_ttl", "jwt_claims_leeway",
                "metadata_discovery_endpoint", "metadata_discovery_retry", "metadata_cache_ttl",
                "passthrough_credentials", "consumer_claim", "consumer_by", "consumer_optional",
                "consumer_groups_claim", "consumer_groups_optional", "credential_claim", "token_exchange", "timeout",
                "max_request_body_size");
        JsonNode exchange = shown("every-field").get("token_exchange");
        assertThat(exchange.propertyStream().map(Map.Entry::getKey).toList()).containsExactly("enabled",
                "token_endpoint", "client_auth", "client_id", "client_secret", "request", "cache");
        assertThat(exchange.get("request").propertyStream().map(Map.Entry::getKey).toList()).containsExactly(
                "subject_token_type", "requested_token_type", "actor_token_source", "actor_token_header",
                "actor_token", "actor_token_type", "audience", "scopes", "resource");
        assertThat(exchange.get("cache").toString()).isEqualTo("{\"enabled\":false,\"ttl\":60}");
    }

    @Test
    void theSecretsAreMaskedAsBefore() {
        ObjectNode config = shown("every-field");

        assertThat(config.get("client_secret").asText()).isEqualTo(Redacted.MASK);
        assertThat(config.get("client_jwk").asText()).isEqualTo(Redacted.MASK);
        assertThat(config.get("headers").toString()).isEqualTo("{\"X-Api-Key\":\"" + Redacted.MASK + "\"}");
        assertThat(config.at("/token_exchange/client_secret").asText()).isEqualTo(Redacted.MASK);
        assertThat(config.at("/token_exchange/request/actor_token").asText()).isEqualTo(Redacted.MASK);
        assertThat(admin.get("/plugins").body()).doesNotContain(SECRET, HEADER_SECRET, EXCHANGE_SECRET, ACTOR_TOKEN,
                jwk.substring(jwk.indexOf("\"d\"")));
    }

    @Test
    void theClaimHeadersAreShownUnderTheFieldTheFileWrote() {
        // a one-element path is a top-level claim, which claim_to_header could say too: the file's spelling stays
        assertThat(shown("every-field").get("upstream_headers").toString()).isEqualTo(
                "[{\"header\":\"X-Org\",\"path\":[\"org\",\"id\"]},{\"header\":\"X-Subject\",\"path\":[\"sub\"]}]");
        assertThat(shown("every-field").get("claim_to_header").isNull()).isTrue();
        assertThat(shown("top-level-claims").get("claim_to_header").toString())
                .isEqualTo("[{\"claim\":\"sub\",\"header\":\"X-Subject\"}]");
        assertThat(shown("top-level-claims").get("upstream_headers").isNull()).isTrue();
    }

    @Test
    void anExchangeThatReusesThePluginsCredentialsIsShownAsInherit() {
        JsonNode exchange = shown("top-level-claims").get("token_exchange");

        assertThat(exchange.get("client_auth").asText()).isEqualTo("inherit");
        assertThat(exchange.get("client_id").isNull()).isTrue();
        assertThat(exchange.get("client_secret").isNull()).isTrue();
    }

    @Test
    void fieldsLeftOutAreShownWithKongsDefaults() {
        ObjectNode config = shown("defaults");

        assertThat(config.get("client_auth").asText()).isEqualTo("none");
        assertThat(config.get("cache_introspection").asBoolean()).isTrue();
        assertThat(config.get("jwt_claims_leeway").asLong()).isZero();
        assertThat(config.get("jwks_cache_ttl").asLong()).isEqualTo(3600);
        assertThat(config.get("metadata_discovery_retry").asInt()).isEqualTo(3);
        assertThat(config.get("consumer_by").toString()).isEqualTo("[\"custom_id\",\"username\"]");
        assertThat(config.get("credential_claim").toString()).isEqualTo("[\"sub\"]");
        assertThat(config.get("timeout").asInt()).isEqualTo(10_000);
        assertThat(config.get("max_request_body_size").asLong()).isEqualTo(1_048_576);
        assertThat(config.at("/token_exchange/enabled").asBoolean()).isFalse();
        assertThat(config.at("/token_exchange/client_auth").asText()).isEqualTo("client_secret_basic");
        assertThat(config.at("/token_exchange/request/subject_token_type").asText())
                .isEqualTo("urn:ietf:params:oauth:token-type:access_token");
        assertThat(config.at("/token_exchange/request/actor_token_source").asText()).isEqualTo("none");
        assertThat(config.at("/token_exchange/cache").toString()).isEqualTo("{\"enabled\":true,\"ttl\":3600}");
    }

    @Test
    void aDumpOfThePluginsLoadsBackWithTheSecretsSuppliedAndIsShownTheSame() {
        List<String> routes = List.of("every-field", "top-level-claims", "defaults");
        List<ObjectNode> before = new ArrayList<>();
        StringBuilder dump = new StringBuilder(ROUTES);
        for (String route : routes) {
            ObjectNode config = shown(route);
            before.add(config.deepCopy());
            if (route.equals("every-field")) {
                secrets.forEach((pointer, value) -> {
                    int slash = pointer.lastIndexOf('/');
                    ((ObjectNode) config.at(pointer.substring(0, slash))).set(pointer.substring(slash + 1), value);
                });
            } else if (route.equals("top-level-claims")) {
                config.put("client_secret", SECRET);
            }
            dump.append("  - {name: ai-mcp-oauth2, route: ").append(route).append(", config: ")
                    .append(Json.text(config)).append("}\n");
        }

        AdminHttp.Response reloaded = admin.postConfig(dump.toString());

        assertThat(reloaded.status()).as(reloaded.body()).isEqualTo(200);
        assertThat(routes.stream().map(AdminOAuth2FieldsIT::shown).toList()).isEqualTo(before);
    }
}
