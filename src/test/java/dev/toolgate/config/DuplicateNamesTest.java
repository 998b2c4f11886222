package dev.toolgate.config;

import dev.toolgate.testing.Configs;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static dev.toolgate.testing.Configs.load;
import static org.assertj.core.api.Assertions.assertThat;

/** Names (and ids) are unique per entity kind; a duplicate is reported where it occurs, naming the first. */
class DuplicateNamesTest {

    @Test
    void duplicateServiceNameNamesTheEarlierService() {
        var loaded = load("""
                _format_version: "3.0"
                services:
                  - {name: shop, url: http://api.internal}
                  - {name: billing, url: http://billing.internal}
                  - {name: shop, url: http://other.internal}
                """);

        assertThat(loaded.problems()).containsExactly("services[2].name: service name 'shop' is already used by services[0]");
    }

    @Test
    void twoServicesOfOneNameWithRoutesFailTheFullCheckWithTheirProblemNotAnInternalError() {
        var checked = Configs.check("""
                _format_version: "3.0"
                services:
                  - name: shop
                    url: http://api.internal
                    routes: [{name: a, paths: [/a]}]
                  - name: shop
                    url: http://other.internal
                    routes: [{name: b, paths: [/b]}]
                """, Path.of("").toAbsolutePath());

        assertThat(checked.problems()).containsExactly("services[1].name: service name 'shop' is already used by services[0]");
    }

    @Test
    void duplicateRouteNameAcrossServicesNamesTheEarlierRoute() {
        var loaded = load("""
                _format_version: "3.0"
                services:
                  - name: shop
                    url: http://api.internal
                    routes: [{name: r, paths: [/shop]}]
                  - name: billing
                    url: http://billing.internal
                    routes: [{name: r, paths: [/billing]}]
                routes:
                  - {name: r, paths: [/top], service: shop}
                """);

        assertThat(loaded.problems()).containsExactly(
                "services[1].routes[0].name: route name 'r' is already used by services[0].routes[0]",
                "routes[0].name: route name 'r' is already used by services[0].routes[0]");
    }

    @Test
    void duplicateConsumerUsernameNamesTheEarlierConsumer() {
        var loaded = load("""
                _format_version: "3.0"
                consumers:
                  - username: bob
                  - username: bob
                """);

        assertThat(loaded.problems())
                .containsExactly("consumers[1].username: consumer name 'bob' is already used by consumers[0]");
    }

    @Test
    void duplicateConsumerCustomIdIsReportedEvenWhenTheUsernamesDiffer() {
        // Kong keeps custom_id unique on its own, independently of username
        var loaded = load("""
                _format_version: "3.0"
                consumers:
                  - {username: bob, custom_id: crm-42}
                  - {username: carol, custom_id: crm-42}
                """);

        assertThat(loaded.problems()).singleElement().asString()
                .startsWith("consumers[1].custom_id: ")
                .contains("'crm-42'", "already used by consumers[0]");
    }

    @Test
    void usernameOfOneConsumerMayEqualTheCustomIdOfAnother() {
        // username and custom_id are separate unique fields in Kong; the same text in both is valid
        var loaded = load("""
                _format_version: "3.0"
                consumers:
                  - username: alice
                  - custom_id: alice
                """);

        assertThat(loaded.problems()).isEmpty();
        assertThat(loaded.config().consumers().get(0).id()).isNotEqualTo(loaded.config().consumers().get(1).id());
    }

    @Test
    void duplicateConsumerGroupNameNamesTheEarlierGroup() {
        var loaded = load("""
                _format_version: "3.0"
                consumer_groups:
                  - name: gold
                  - name: gold
                """);

        assertThat(loaded.problems())
                .containsExactly("consumer_groups[1].name: consumer group name 'gold' is already used by consumer_groups[0]");
    }

    @Test
    void duplicateIdUnderDifferentNamesNamesTheEarlierEntity() {
        var loaded = load("""
                _format_version: "3.0"
                services:
                  - {name: shop, id: 3f2504e0-4f89-11d3-9a0c-0305e82c3301, url: http://api.internal}
                  - {name: billing, id: 3F2504E0-4F89-11D3-9A0C-0305E82C3301, url: http://billing.internal}
                """);

        assertThat(loaded.problems()).containsExactly(
                "services[1].id: service id '3f2504e0-4f89-11d3-9a0c-0305e82c3301' is already used by services[0]");
    }

    @Test
    void twoPluginsUnderOneIdAreRefusedAsKongRefusesThem() {
        var loaded = load("""
                _format_version: "3.0"
                services:
                  - name: shop
                    url: http://api.internal
                    routes:
                      - name: a
                        paths: [/a]
                        plugins:
                          - {name: ai-mcp-proxy, id: 0b6e3c56-4f89-11d3-9a0c-0305e82c3301, config: {mode: passthrough-listener}}
                      - name: b
                        paths: [/b]
                        plugins:
                          - {name: ai-mcp-proxy, id: 0b6e3c56-4f89-11d3-9a0c-0305e82c3301, config: {mode: passthrough-listener}}
                """);

        assertThat(loaded.problems()).containsExactly("services[0].routes[1].plugins[0].id: plugin id "
                + "'0b6e3c56-4f89-11d3-9a0c-0305e82c3301' is already used by services[0].routes[0].plugins[0]");
    }

    @Test
    void sameNameOnDifferentKindsOfEntityIsFine() {
        var loaded = load("""
                _format_version: "3.0"
                consumer_groups: [{name: shop}]
                consumers: [{username: shop}]
                services:
                  - name: shop
                    url: http://api.internal
                    routes: [{name: shop, paths: [/shop]}]
                """);

        assertThat(loaded.problems()).isEmpty();
    }
}
