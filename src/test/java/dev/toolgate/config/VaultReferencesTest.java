package dev.toolgate.config;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.toolgate.testing.Configs.load;
import static org.assertj.core.api.Assertions.assertThat;

/** {vault://env/NAME} and {vault://env/NAME/KEY} references, resolved from the environment at load time. */
class VaultReferencesTest {

    @Test
    void referenceIsReplacedByTheEnvironmentVariableAndRemembered() {
        var loaded = load("""
                _format_version: "3.0"
                services:
                  - name: shop
                    host: "{vault://env/shop-host}"
                    port: 8080
                consumers:
                  - username: bob
                    keyauth_credentials:
                      - key: "{vault://env/BOB_KEY}"
                """, Map.of("SHOP_HOST", "api.internal", "BOB_KEY", "k-0123456789"));

        assertThat(loaded.problems()).isEmpty();
        assertThat(loaded.config().services().getFirst().host()).isEqualTo("api.internal");
        assertThat(loaded.config().consumers().getFirst().keyauthCredentials().getFirst().key()).isEqualTo("k-0123456789");
        assertThat(loaded.config().referenceBySecret()).containsOnly(
                Map.entry("api.internal", "{vault://env/shop-host}"),
                Map.entry("k-0123456789", "{vault://env/BOB_KEY}"));
    }

    @Test
    void variableNameIsUpperCasedWithDashesAsUnderscores() {
        var loaded = load("""
                _format_version: "3.0"
                consumers:
                  - username: bob
                    tags: ["{vault://env/my-team-name}"]
                """, Map.of("MY_TEAM_NAME", "platform"));

        assertThat(loaded.config().consumers().getFirst().tags()).containsExactly("platform");
    }

    @Test
    void surroundingWhitespaceIsIgnoredAndAReferenceInsideOtherTextIsResolvedInPlace() {
        var loaded = load("""
                _format_version: "3.0"
                consumers:
                  - username: bob
                    tags: ["  {vault://env/team}  ", "team {vault://env/team}"]
                """, Map.of("TEAM", "platform"));

        assertThat(loaded.config().consumers().getFirst().tags()).containsExactly("platform", "team platform");
    }

    @Test
    void missingEnvironmentVariableIsAProblemAtThePathOfTheReference() {
        var loaded = load("""
                _format_version: "3.0"
                consumers:
                  - username: bob
                  - username: alice
                    keyauth_credentials:
                      - key: "{vault://env/alice-key}"
                """);

        assertThat(loaded.problems()).containsExactly("consumers[1].keyauth_credentials[0].key: environment variable "
                + "ALICE_KEY (from {vault://env/alice-key}) is not set");
    }

    @Test
    void missingEnvironmentVariableInAnArrayIsReportedAtItsIndex() {
        var loaded = load("""
                _format_version: "3.0"
                consumers:
                  - username: bob
                    tags: [vip, "{vault://env/team}"]
                """);

        assertThat(loaded.problems())
                .containsExactly("consumers[0].tags[1]: environment variable TEAM (from {vault://env/team}) is not set");
    }

    @Test
    void vaultOtherThanEnvIsReportedAsUnsupported() {
        var loaded = load("""
                _format_version: "3.0"
                consumers:
                  - username: bob
                    basicauth_credentials:
                      - {username: bob, password: "{vault://aws/prod/bob-password}"}
                """);

        assertThat(loaded.problems()).containsExactly("consumers[0].basicauth_credentials[0].password: vault 'aws' "
                + "is not supported; Toolgate resolves {vault://env/NAME} references");
    }

    @Test
    void keyOfAJsonObjectInAVariableIsLookedUp() {
        var loaded = load("""
                _format_version: "3.0"
                consumers:
                  - username: bob
                    tags: ["{vault://env/bob-creds/user}", "{vault://env/bob-creds/level}"]
                    basicauth_credentials:
                      - {username: bob, password: "{vault://env/bob-creds/password}"}
                """, Map.of("BOB_CREDS", "{\"user\": \"bob\", \"password\": \"s3cret-pass\", \"level\": 7}"));

        assertThat(loaded.problems()).isEmpty();
        Consumer bob = loaded.config().consumers().getFirst();
        assertThat(bob.basicauthCredentials().getFirst().password()).isEqualTo("s3cret-pass");
        assertThat(bob.tags()).containsExactly("bob", "7");
        assertThat(loaded.config().referenceBySecret())
                .containsEntry("s3cret-pass", "{vault://env/bob-creds/password}");
    }

    @Test
    void missingKeyInTheJsonObjectIsReported() {
        var loaded = load("""
                _format_version: "3.0"
                consumers:
                  - username: bob
                    tags: ["{vault://env/bob-creds/token}"]
                """, Map.of("BOB_CREDS", "{\"password\": \"s3cret-pass\"}"));

        assertThat(loaded.problems())
                .containsExactly("consumers[0].tags[0]: environment variable BOB_CREDS has no key 'token'");
    }

    @Test
    void variableThatIsNotJsonCannotBeReadByKey() {
        var loaded = load("""
                _format_version: "3.0"
                consumers:
                  - username: bob
                    tags: ["{vault://env/bob-creds/password}"]
                """, Map.of("BOB_CREDS", "password=s3cret-pass"));

        assertThat(loaded.problems()).containsExactly("consumers[0].tags[0]: environment variable BOB_CREDS must hold "
                + "a JSON object to read key 'password'");
    }

    @Test
    void referencesInsidePluginConfigAreResolvedToo() {
        var loaded = load("""
                _format_version: "3.0"
                services:
                  - name: shop
                    url: http://api.internal
                    routes:
                      - name: r
                        paths: [/shop]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              server:
                                session:
                                  strategy: client
                                  client: {secrets: ["{vault://env/session-secret}"]}
                """, Map.of("SESSION_SECRET", "0123456789abcdef"));

        assertThat(loaded.problems()).isEmpty();
        var proxy = (dev.toolgate.mode.AiMcpProxyConfig) loaded.config().plugins().getFirst().config();
        assertThat(proxy.server().session().clientSecrets()).containsExactly("0123456789abcdef");
    }
}
