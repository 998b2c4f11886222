package dev.toolgate.policy.iprestriction;

import dev.toolgate.testing.Configs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ip-restriction's address lists: an entry is a whole address or block, or a problem at its path. An
 * IPv4 address written with fewer than four parts is refused (as Kong refuses it) rather than read
 * the way {@code inet_aton} reads it: {@code 192.168.1/24} would otherwise deny 192.168.0.0/24, and
 * leave the network the operator meant open.
 */
class IpRestrictionConfigTest {

    private static Configs.Checked check(String allow, String deny) {
        return check("{allow: %s, deny: %s}".formatted(allow, deny));
    }

    private static Configs.Checked check(String config) {
        return Configs.check("""
                _format_version: "3.0"
                services:
                  - name: api
                    url: http://127.0.0.1:9
                    routes:
                      - name: r
                        paths: [/r]
                        plugins:
                          - name: ip-restriction
                            config: %s
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener}
                """.formatted(config), Path.of("."));
    }

    @Test
    void anIpv4AddressWithFewerThanFourPartsIsRefusedWithItsPath() {
        var checked = check("[\"10.1\"]", "[\"192.168.1/24\", \"167772161\"]");

        assertThat(checked.problems()).contains(
                "services[0].routes[0].plugins[0].config.allow[0]: '10.1' is not an IP address or CIDR block",
                "services[0].routes[0].plugins[0].config.deny[0]: '192.168.1/24' is not an IP address or CIDR block",
                "services[0].routes[0].plugins[0].config.deny[1]: '167772161' is not an IP address or CIDR block");
    }

    @Test
    void wholeAddressesAndBlocksOfBothFamiliesAreAccepted() {
        var checked = check("[\"10.0.0.0/8\", \"192.168.1.7\", \"fd00::/8\", \"::ffff:10.1.2.3\"]", "[\"[::1]\"]");

        assertThat(checked.problems()).isEmpty();
    }

    @Test
    void anInterimStatusIsRefusedWithItsPathForItWouldNeverAnswerTheRefusedClient() {
        var checked = check("{deny: [\"10.0.0.0/8\"], status: 100}");

        assertThat(checked.problems()).singleElement().asString()
                .startsWith("services[0].routes[0].plugins[0].config.status: ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{allow: []}", "{deny: []}", "{allow: [], deny: []}", "{}"})
    void emptyListsCountAsNoneAndAreRefusedForThePluginWouldRefuseNobody(String config) {
        var checked = check(config);

        assertThat(checked.problems()).containsExactly(
                "services[0].routes[0].plugins[0].config.allow: set at least one of allow and deny");
    }

    @Test
    void oneEmptyListBesideAFilledOneIsAccepted() {
        assertThat(check("[]", "[\"10.0.0.0/8\"]").problems()).isEmpty();
    }
}
