package dev.toolgate.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static dev.toolgate.testing.Configs.check;
import static dev.toolgate.testing.Configs.load;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kong keeps a key-auth key and a jwt_secret key unique across consumers; a second holder is refused
 * at its credential's path, naming the first holder and never quoting the key.
 */
class UniqueCredentialsTest {

    @Test
    void aKeyAuthKeyHeldByTwoConsumersIsRefusedAtTheSecondNamingTheFirstWithoutTheKey() {
        var loaded = load("""
                _format_version: "3.0"
                consumers:
                  - {username: alice, keyauth_credentials: [{key: shared-key-123}]}
                  - {username: bob, keyauth_credentials: [{key: bob-own-key}, {key: shared-key-123}]}
                """);

        assertThat(loaded.problems()).containsExactly("consumers[1].keyauth_credentials[1].key: consumer 'alice' "
                + "already has this key-auth key (consumers[0].keyauth_credentials[0]); each key-auth key must be unique, as in Kong");
        assertThat(String.join("\n", loaded.problems())).doesNotContain("shared-key-123");
    }

    @Test
    void anExpiringKeyAuthKeyIsRefusedRatherThanKeptForEver() {
        var loaded = load("""
                _format_version: "3.0"
                consumers:
                  - {username: alice, keyauth_credentials: [{key: alice-key-123, ttl: 3600}]}
                  - {username: bob, keyauth_credentials: [{key: bob-key-456, ttl: null, created_at: 1700000000}]}
                  - {username: carol, keyauth_credentials: [{key: carol-key-789, ttl: 0}]}
                """);

        assertThat(loaded.problems()).containsExactly("consumers[0].keyauth_credentials[0].ttl: expiring keys are not "
                + "supported by Toolgate; remove ttl (and rotate the key when it should end)");
    }

    @Test
    void keysFromVaultReferencesResolvingToOneValueAreRefusedToo() {
        var loaded = load("""
                _format_version: "3.0"
                consumers:
                  - {username: alice, keyauth_credentials: [{key: "{vault://env/ALICE_KEY}"}]}
                  - {custom_id: billing-7, keyauth_credentials: [{key: "{vault://env/BOB_KEY}"}]}
                  - {username: carol, keyauth_credentials: [{key: same-secret-value}]}
                """, Map.of("ALICE_KEY", "same-secret-value", "BOB_KEY", "same-secret-value"));

        assertThat(loaded.problems()).containsExactly(
                "consumers[1].keyauth_credentials[0].key: consumer 'alice' already has this key-auth key "
                        + "(consumers[0].keyauth_credentials[0]); each key-auth key must be unique, as in Kong",
                "consumers[2].keyauth_credentials[0].key: consumer 'alice' already has this key-auth key "
                        + "(consumers[0].keyauth_credentials[0]); each key-auth key must be unique, as in Kong");
        assertThat(String.join("\n", loaded.problems())).doesNotContain("same-secret-value");
    }

    @Test
    void oneKeyTwiceOnOneConsumerIsRefusedToo() {
        var loaded = load("""
                _format_version: "3.0"
                consumers:
                  - {username: alice, keyauth_credentials: [{key: alice-key}, {key: alice-key}]}
                """);

        assertThat(loaded.problems()).containsExactly("consumers[0].keyauth_credentials[1].key: consumer 'alice' "
                + "already has this key-auth key (consumers[0].keyauth_credentials[0]); each key-auth key must be unique, as in Kong");
    }

    @Test
    void aJwtSecretKeyHeldByTwoConsumersIsOneProblemAtTheSecondWhateverPluginsAreConfigured() {
        String twoHolders = """
                _format_version: "3.0"
                consumers:
                  - {username: alice, jwt_secrets: [{key: issuer-a, secret: %1$s}]}
                  - {username: bob, jwt_secrets: [{key: issuer-a, secret: %1$s}]}
                """.formatted("0123456789abcdef0123456789abcdef");
        String problem = "consumers[1].jwt_secrets[0].key: consumer 'alice' already has this jwt_secret key "
                + "(consumers[0].jwt_secrets[0]); each jwt_secret key must be unique, as in Kong";

        assertThat(load(twoHolders).problems()).containsExactly(problem);
        // with a jwt plugin reading the secrets, the problem is still said once, where the document is read
        var checked = check(twoHolders + """
                services:
                  - name: api
                    url: http://api.internal
                    routes:
                      - name: mcp
                        paths: [/mcp]
                        plugins:
                          - {name: jwt}
                          - {name: ai-mcp-proxy, config: {mode: passthrough-listener}}
                """, Path.of("").toAbsolutePath());
        assertThat(checked.problems()).containsExactly(problem);
    }

    @Test
    void aKeyAuthKeyEqualToAJwtSecretKeyIsFine() {
        var loaded = load("""
                _format_version: "3.0"
                consumers:
                  - {username: alice, keyauth_credentials: [{key: same-text}]}
                  - {username: bob, jwt_secrets: [{key: same-text, secret: 0123456789abcdef0123456789abcdef}]}
                """);

        assertThat(loaded.problems()).isEmpty();
    }
}
