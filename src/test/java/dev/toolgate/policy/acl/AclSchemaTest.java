package dev.toolgate.policy.acl;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static dev.toolgate.testing.Configs.check;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The acl plugin's entries that can match no caller's groups are accepted, as Kong accepts them, but warned about
 * at their path: in a deny list such an entry refuses no one.
 */
class AclSchemaTest {

    private static List<String> warnings(String acl) {
        var checked = check("""
                _format_version: "3.0"
                services:
                  - name: mcp
                    url: http://127.0.0.1:9
                    routes:
                      - name: mcp
                        paths: [/mcp]
                        plugins:
                          - {name: key-auth}
                          - {name: acl, config: %s}
                          - {name: ai-mcp-proxy, config: {mode: passthrough-listener}}
                consumer_groups:
                  - name: gold
                consumers:
                  - username: alice
                    acls: [{group: admins}]
                    keyauth_credentials: [{key: alice-key-123}]
                  - username: bob
                    groups: [{name: gold}]
                    keyauth_credentials: [{key: bob-key-123}]
                """.formatted(acl), Path.of("").toAbsolutePath());
        assertThat(checked.problems()).isEmpty();
        return checked.warnings();
    }

    @Test
    void denyingAConsumerGroupWithoutIncludeConsumerGroupsIsWarnedAsRefusingNoOne() {
        assertThat(warnings("{deny: [gold], include_consumer_groups: false}")).containsExactly(
                "services[0].routes[0].plugins[1].config.deny[0]: 'gold' is a consumer group, but "
                        + "include_consumer_groups is false, so this deny entry matches nobody and refuses no one: set "
                        + "include_consumer_groups: true to match its members");
    }

    @Test
    void aConsumersNameIsWarnedAsNoGroup() {
        assertThat(warnings("{allow: [admins, bob]}")).containsExactly(
                "services[0].routes[0].plugins[1].config.allow[1]: 'bob' is a consumer's username, and the acl plugin "
                        + "matches groups, not consumers, so this allow entry matches nobody and admits no one: give the "
                        + "consumers it should match acls: [{group: bob}]");
    }

    @Test
    void groupsThatSomeCallerHasAreNotWarned() {
        assertThat(warnings("{deny: [gold], include_consumer_groups: true}")).isEmpty();
        assertThat(warnings("{deny: [admins]}")).isEmpty();
    }
}
