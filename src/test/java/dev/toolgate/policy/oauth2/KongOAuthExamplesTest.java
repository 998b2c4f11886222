package dev.toolgate.policy.oauth2;

import dev.toolgate.testing.Configs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kong's ai-mcp-oauth2 documents load as written, only their ${variables} filled in: the Okta how-to's
 * entities and the plugin page's example configurations (consumer mapping, nested claim headers,
 * token exchange). The plugin page's first example, whose {@code insecure_relaxed_audience_validation}
 * is indented into a {@code claim_to_header} entry, is refused at that path, as Kong's schema refuses it.
 */
class KongOAuthExamplesTest {

    @Test
    void theOktaHowToLoadsWithItsEndpointServed() throws IOException {
        String document = new String(getClass().getResourceAsStream("/kong/ai-mcp-oauth2/okta-howto.yaml").readAllBytes(),
                StandardCharsets.UTF_8);

        Configs.Checked checked = Configs.check(document, Path.of("."));

        assertThat(checked.problems()).isEmpty();
        assertThat(checked.snapshot().handlers()).hasSize(1);
        assertThat(checked.snapshot().published()).containsKey("/.well-known/oauth-protected-resource/weather/mcp");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            // consumer-mapping.yaml
            """
            resource: https://api.example.com/mcp
            authorization_servers: [https://auth.example.com]
            introspection_endpoint: https://auth.example.com/introspect
            client_id: gateway
            client_secret: secret
            consumer_claim: [sub]
            consumer_by: [username, custom_id]
            consumer_optional: false
            consumer_groups_claim: [groups]
            consumer_groups_optional: true
            credential_claim: [sub]
            """,
            // nested-claim-headers.yaml
            """
            resource: https://api.example.com/mcp
            authorization_servers: [https://auth.example.com]
            jwks_endpoint: https://auth.example.com/jwks
            upstream_headers:
              - header: X-Org-Id
                path: [org, id]
              - header: X-User-Role
                path: [realm_access, roles, "0"]
            """,
            // token-exchange.yaml
            """
            resource: https://api.example.com/mcp
            authorization_servers: [https://auth.example.com]
            introspection_endpoint: https://auth.example.com/introspect
            client_id: gateway
            client_secret: secret
            passthrough_credentials: true
            token_exchange:
              enabled: true
              token_endpoint: https://exchange.example.com/oauth/token
              client_auth: client_secret_basic
              client_id: exchanger
              client_secret: exchange-secret
              request:
                requested_token_type: urn:ietf:params:oauth:token-type:access_token
                subject_token_type: urn:ietf:params:oauth:token-type:access_token
                actor_token_source: header
                actor_token_header: X-Actor-Token
                scopes:
                  - mcp:read
              cache:
                enabled: true
                ttl: 3600
            """})
    void thePluginPagesExamplesLoad(String config) {
        assertThat(check(config).problems()).isEmpty();
    }

    @Test
    void theFirstExamplesMisplacedFieldIsRefusedAtItsPath() {
        String config = """
                resource: https://api.example.com/mcp
                authorization_servers: [https://keycloak.example.com/realms/mcp]
                introspection_endpoint: https://keycloak.example.com/realms/mcp/protocol/openid-connect/token/introspect
                client_id: gateway
                client_secret: secret
                claim_to_header:
                  - claim: "sub"
                    header: "X-User-Id"
                    insecure_relaxed_audience_validation: true
                """;

        assertThat(check(config).problems()).containsExactly(
                "plugins[0].config.claim_to_header[0].insecure_relaxed_audience_validation: unknown key");
    }

    @Test
    void tokenExchangeWithoutPassthroughCredentialsIsRefusedAsInKong() {
        String config = """
                resource: https://api.example.com/mcp
                authorization_servers: [https://auth.example.com]
                token_exchange: {enabled: true, token_endpoint: https://auth.example.com/token, client_id: a, client_secret: b}
                """;

        assertThat(check(config).problems()).singleElement().asString()
                .startsWith("plugins[0].config.token_exchange.enabled: token exchange sends a token upstream");
    }

    @Test
    void fieldsToolgateCannotHonourAreRefusedNotIgnored() {
        String config = """
                resource: https://api.example.com/mcp
                authorization_servers: [https://auth.example.com]
                ssl_verify: false
                http_proxy: http://proxy:3128
                client_auth: tls_client_auth
                """;

        assertThat(check(config).problems()).hasSize(3).anySatisfy(p -> assertThat(p).startsWith("plugins[0].config.ssl_verify"))
                .anySatisfy(p -> assertThat(p).startsWith("plugins[0].config.http_proxy"))
                .anySatisfy(p -> assertThat(p).startsWith("plugins[0].config.client_auth"));
    }

    @Test
    void aRefusedUrlIsDescribedNeverQuoted() {
        String config = """
                resource: https://api.example.com/mcp
                authorization_servers: ["gateway:hunter3@auth.example.com"]
                introspection_endpoint: ftp://gateway:hunter1@auth.example.com/introspect
                jwks_endpoint: //gateway:hunter2@auth.example.com/jwks
                """;

        assertThat(check(config).problems()).containsExactlyInAnyOrder(
                "plugins[0].config.introspection_endpoint: must be an absolute http or https URL; this one's scheme is not http or https",
                "plugins[0].config.jwks_endpoint: must be an absolute http or https URL; this one has no scheme",
                "plugins[0].config.authorization_servers[0]: must be an absolute http or https URL; this one's scheme is not http or https");
    }

    @Test
    void anEndpointWhosePortIsOutsideOneTo65535IsRefusedAtItsPath() {
        String config = """
                resource: https://api.example.com/mcp
                authorization_servers: ["https://auth.example.com:0"]
                introspection_endpoint: https://gateway:hunter1@auth.example.com:99999/introspect
                client_id: gateway
                client_secret: secret
                jwks_endpoint: https://auth.example.com:65536/jwks
                """;

        assertThat(check(config).problems()).containsExactlyInAnyOrder(
                "plugins[0].config.authorization_servers[0]: must have a port between 1 and 65535, or none",
                "plugins[0].config.introspection_endpoint: must have a port between 1 and 65535, or none",
                "plugins[0].config.jwks_endpoint: must have a port between 1 and 65535, or none");
    }

    @Test
    void aTokenExchangeEndpointOrResourceThatCouldNeverBeUsedIsRefusedAtItsPath() {
        String config = tokenExchange("auth.example.com/oauth/token", "{resource: \"https://upstream.example.com/api#v1\"}");

        assertThat(check(config).problems()).containsExactlyInAnyOrder(
                "plugins[0].config.token_exchange.token_endpoint: must be an absolute http or https URL; this one has no scheme",
                "plugins[0].config.token_exchange.request.resource: must be an absolute URI without a query or fragment (RFC 8707)");
    }

    @Test
    void aTokenTypeThatIsNoUriIsRefusedAtItsPath() {
        String config = tokenExchange("https://auth.example.com/oauth/token",
                "{subject_token_type: \"access token\", requested_token_type: \"urn:ietf:params:oauth:token-type:jwt\"}");

        assertThat(check(config).problems()).containsExactly(
                "plugins[0].config.token_exchange.request.subject_token_type: is not a valid URI: Illegal character in path");
    }

    /** A plugin that exchanges tokens at {@code endpoint}, with this {@code request} object. */
    private static String tokenExchange(String endpoint, String request) {
        return """
                resource: https://api.example.com/mcp
                authorization_servers: [https://auth.example.com]
                passthrough_credentials: true
                token_exchange:
                  enabled: true
                  token_endpoint: %s
                  client_id: exchanger
                  client_secret: exchange-secret
                  request: %s
                """.formatted(endpoint, request);
    }

    private static Configs.Checked check(String config) {
        String document = "_format_version: \"3.0\"\nplugins:\n  - name: ai-mcp-oauth2\n    config:\n"
                + config.indent(6);
        return Configs.check(document, Path.of("."));
    }
}
