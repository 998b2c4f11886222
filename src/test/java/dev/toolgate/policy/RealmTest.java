package dev.toolgate.policy;

import dev.toolgate.testing.Configs;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * key-auth's and jwt's {@code realm} goes into {@code WWW-Authenticate} as a quoted-string: a quote in
 * it cannot end the string and add a parameter, and a control character, which no header can carry, is
 * a problem at load instead of a failure on every 401.
 */
class RealmTest {

    private static Configs.Checked check(String plugin, String realm) {
        return Configs.check("""
                _format_version: "3.0"
                services:
                  - name: api
                    url: http://127.0.0.1:9
                    routes:
                      - name: r
                        paths: [/r]
                        plugins:
                          - name: %s
                            config: {realm: %s}
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener}
                """.formatted(plugin, realm), Path.of("."));
    }

    @Test
    void aRealmWithAControlCharacterIsRefusedAtItsPathInBothPlugins() {
        for (String plugin : new String[] {"key-auth", "jwt"}) {
            assertThat(check(plugin, "\"mcp\\r\\nSet-Cookie: x=1\"").problems()).as(plugin).contains(
                    "services[0].routes[0].plugins[0].config.realm: may not contain control characters"
                            + " (it is sent in the WWW-Authenticate header)");
            assertThat(check(plugin, "\"the \\\"mcp\\\" tools\"").problems()).as(plugin).isEmpty();
        }
    }

    @Test
    void aQuoteOrBackslashInTheRealmIsEscapedInTheChallenge() {
        assertThat(Realm.challenge("Key", "the \"mcp\" tools\\")).isEqualTo("Key realm=\"the \\\"mcp\\\" tools\\\\\"");
        assertThat(Realm.challenge("Bearer", null)).isEqualTo("Bearer");
    }
}
