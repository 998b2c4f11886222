package dev.toolgate.policy.oauth2;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import dev.toolgate.gateway.Gateway;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ai-mcp-oauth2's settings as the Admin API shows them, under Kong's names, read back as the very same settings
 * once the masked secrets are supplied again: a dump of {@code GET /plugins} behaves as the file it came from.
 */
class KongFieldsTest {

    /** The Admin API's naming; its masking is the fields' own ({@code @Redacted}), so secrets come out masked. */
    private static final ObjectMapper SNAKE = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE).build();

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"every field, nested claim headers", "top-level claim headers, inherited credentials",
            "defaults"})
    void aConfigShownUnderKongsNamesReadsBackAsTheSameSettings(String which) throws Exception {
        String jwk = new RSAKeyGenerator(2048).keyID("gw").generate().toJSONString();
        Map<String, String> configs = Map.of("every field, nested claim headers", """
                {resource: "http://localhost/mcp", authorization_servers: ["http://as.example/a"],
                 metadata_endpoint: /meta, scopes_supported: ["tools:read"], introspection_endpoint: "http://as.example/i",
                 introspection_format: base64, cache_introspection: false, client_id: gw, client_secret: s3cret,
                 client_auth: private_key_jwt, client_alg: RS384, client_jwk: '%s', args: {audience: tools},
                 headers: {X-Api-Key: h3ader}, upstream_headers: [{header: X-Org, path: [org, id]}],
                 insecure_relaxed_audience_validation: true, jwks_endpoint: "http://as.example/jwks",
                 jwks_cache_ttl: 60, jwt_claims_leeway: 5,
                 metadata_discovery_endpoint: "http://as.example/.well-known/oauth-authorization-server",
                 metadata_discovery_retry: 1, metadata_cache_ttl: 70, passthrough_credentials: true,
                 consumer_claim: [user], consumer_by: [id], consumer_optional: true, consumer_groups_claim: [groups],
                 consumer_groups_optional: true, credential_claim: [azp],
                 token_exchange: {enabled: true, token_endpoint: "http://as.example/t", client_auth: client_secret_post,
                   client_id: ex, client_secret: ex-s3cret,
                   request: {subject_token_type: "urn:x:a", requested_token_type: "urn:x:b", actor_token_source: config,
                     actor_token: act0r, actor_token_type: "urn:x:c", audience: [orders], scopes: [read],
                     resource: "http://orders.example"},
                   cache: {enabled: false, ttl: 9}},
                 timeout: 1234, max_request_body_size: 99}""".formatted(jwk),
                "top-level claim headers, inherited credentials", """
                {resource: "http://localhost/mcp", authorization_servers: ["http://as.example"],
                 introspection_endpoint: "http://as.example/i", client_id: gw, client_secret: s3cret,
                 claim_to_header: [{claim: sub, header: X-Sub}], passthrough_credentials: true,
                 token_exchange: {enabled: true, token_endpoint: "http://as.example/t", client_auth: inherit}}""",
                "defaults", """
                {resource: "http://localhost/mcp", authorization_servers: ["http://as.example"]}""");
        OAuth2Config written = read(configs.get(which));
        ObjectNode dump = SNAKE.valueToTree(written);

        // the secrets, masked in the dump, supplied again as an operator would
        Map<String, String> secrets = Map.of("client_secret", "s3cret", "client_jwk", jwk);
        secrets.forEach((field, value) -> {
            if (dump.get(field).isTextual()) {
                dump.put(field, value);
            }
        });
        if (which.startsWith("every field")) {
            dump.putObject("headers").put("X-Api-Key", "h3ader");
            ((ObjectNode) dump.get("token_exchange")).put("client_secret", "ex-s3cret");
            ((ObjectNode) dump.at("/token_exchange/request")).put("actor_token", "act0r");
        }

        assertThat(read(SNAKE.writeValueAsString(dump))).isEqualTo(written);
    }

    private static OAuth2Config read(String config) throws Exception {
        String document = "_format_version: \"3.0\"\nplugins:\n  - name: ai-mcp-oauth2\n    config: "
                + config.replace("\n", "\n      ") + "\n";
        return (OAuth2Config) Gateway.check(document.getBytes(StandardCharsets.UTF_8), Path.of("."), k -> null)
                .config().plugins().getFirst().config();
    }
}
