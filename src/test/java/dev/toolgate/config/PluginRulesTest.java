package dev.toolgate.config;

import dev.toolgate.testing.Configs;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static dev.toolgate.testing.Configs.load;
import static org.assertj.core.api.Assertions.assertThat;

/** Plugin entities: known names only, one instance per scope, scope from nesting or from references. */
class PluginRulesTest {

    @Test
    void unknownPluginIsReportedListingTheImplementedOnes() {
        var loaded = load("""
                _format_version: "3.0"
                plugins:
                  - name: rate-limiting
                    config: {minute: 5}
                """);

        assertThat(loaded.problems())
                .containsExactly("plugins[0].name: unknown plugin 'rate-limiting' (Toolgate implements: ai-mcp-proxy)");
    }

    @Test
    void samePluginTwiceOnOneRouteIsReportedAtTheSecond() {
        var loaded = load("""
                _format_version: "3.0"
                services:
                  - name: shop
                    url: http://api.internal
                    routes:
                      - name: r
                        paths: [/shop]
                        plugins:
                          - {name: ai-mcp-proxy, config: {mode: conversion-listener}}
                          - {name: ai-mcp-proxy, config: {mode: passthrough-listener}}
                """);

        assertThat(loaded.problems()).containsExactly("services[0].routes[0].plugins[1].name: plugin 'ai-mcp-proxy' "
                + "is configured twice on route " + EntityIds.derive("route", "r")
                + " (one instance per entity, as in Kong, whatever instance_name says: merge them into one)");
    }

    @Test
    void nestedAndTopLevelPluginOnTheSameRouteAreTheSameScope() {
        var loaded = load("""
                _format_version: "3.0"
                services:
                  - name: shop
                    url: http://api.internal
                    routes:
                      - name: r
                        paths: [/shop]
                        plugins:
                          - {name: ai-mcp-proxy, config: {mode: conversion-listener}}
                plugins:
                  - {name: ai-mcp-proxy, route: r, config: {mode: conversion-listener}}
                """);

        assertThat(loaded.problems()).containsExactly("plugins[0].name: plugin 'ai-mcp-proxy' is configured twice "
                + "on route " + EntityIds.derive("route", "r")
                + " (one instance per entity, as in Kong, whatever instance_name says: merge them into one)");
    }

    @Test
    void samePluginTwiceOnOneServiceIsReported() {
        var loaded = load("""
                _format_version: "3.0"
                services:
                  - name: shop
                    url: http://api.internal
                    plugins:
                      - {name: ai-mcp-proxy, config: {mode: passthrough-listener}}
                      - {name: ai-mcp-proxy, config: {mode: passthrough-listener}}
                """);

        assertThat(loaded.problems()).containsExactly("services[0].plugins[1].name: plugin 'ai-mcp-proxy' is "
                + "configured twice on service " + EntityIds.derive("service", "shop")
                + " (one instance per entity, as in Kong, whatever instance_name says: merge them into one)");
    }

    @Test
    void instanceNamesTellTwoInstancesOnOneScopeApart() {
        var loaded = load("""
                _format_version: "3.0"
                services:
                  - name: shop
                    url: http://api.internal
                    routes:
                      - name: r
                        paths: [/shop]
                        plugins:
                          - {name: ai-mcp-proxy, instance_name: tools, config: {mode: conversion-only}, tags: [t]}
                          - {name: ai-mcp-proxy, instance_name: more-tools, config: {mode: conversion-only}, tags: [t]}
                """);

        assertThat(loaded.problems()).isEmpty();
        assertThat(loaded.config().plugins()).extracting(Plugin::id).doesNotHaveDuplicates();
    }

    @Test
    void aSecondListeningAiMcpProxyOnOneRouteIsRefusedWhateverItsInstanceName() {
        // the route serves one endpoint: the conversion-listener would have been ignored unseen
        var loaded = load("""
                _format_version: "3.0"
                services:
                  - name: shop
                    url: http://api.internal
                    routes:
                      - name: r
                        paths: [/shop]
                        plugins:
                          - {name: ai-mcp-proxy, instance_name: proxy, config: {mode: passthrough-listener}}
                          - {name: ai-mcp-proxy, instance_name: tools, config: {mode: conversion-listener}}
                          - {name: ai-mcp-proxy, instance_name: more, tags: [t], config: {mode: conversion-only}}
                """);

        assertThat(loaded.problems()).containsExactly("services[0].routes[0].plugins[1].name: plugin 'ai-mcp-proxy' "
                + "is configured twice on route " + EntityIds.derive("route", "r")
                + " (one instance per entity, as in Kong, whatever instance_name says: merge them into one)");
    }

    @Test
    void aPluginOnARouteAndAServiceTheRouteDoesNotBelongToIsRefusedForItWouldNeverRun() {
        // the operator believes the route asks for a key; Kong would never apply this instance to it
        var checked = Configs.check("""
                _format_version: "3.0"
                services:
                  - name: shop
                    url: http://api.internal
                    routes:
                      - {name: r, paths: [/shop]}
                  - {name: billing, url: http://billing.internal}
                plugins:
                  - {name: key-auth, route: r, service: billing}
                  - {name: rate-limiting, route: r, service: shop, config: {minute: 5}}
                """, Path.of("."));

        assertThat(checked.problems()).containsExactly("plugins[0].service: route 'r' does not belong to this service, "
                + "so the plugin would never run: scope it to the route alone, or to the route's own service");
    }

    @Test
    void aListeningAiMcpProxyOnARouteAndItsServiceBesideOneOnTheRouteAloneIsRefused() {
        // one route, one service: only one could serve, and the other would have been ignored unseen
        var loaded = load("""
                _format_version: "3.0"
                services:
                  - name: shop
                    url: http://api.internal
                    routes:
                      - name: r
                        paths: [/shop]
                        plugins:
                          - {name: ai-mcp-proxy, config: {mode: passthrough-listener}}
                plugins:
                  - {name: ai-mcp-proxy, route: r, service: shop, config: {mode: conversion-listener}}
                """);

        assertThat(loaded.problems()).containsExactly("plugins[0].service: a second listening ai-mcp-proxy on route "
                + "'r', beside the one at services[0].routes[0].plugins[0]: the route and its service answer the same "
                + "requests, and only one could serve them (Kong would apply this one and ignore the other); keep one");
    }

    @Test
    void aSecondInstanceOfAPolicyOnOneRouteIsRefusedWhateverItsInstanceName() {
        // only one of them could apply: the deny list would have been ignored unseen
        var checked = Configs.check("""
                _format_version: "3.0"
                services:
                  - name: api
                    url: http://127.0.0.1:9
                    routes:
                      - name: r
                        paths: [/r]
                        plugins:
                          - {name: ip-restriction, instance_name: office, config: {allow: [10.0.0.0/8]}}
                          - {name: ip-restriction, instance_name: blocked, config: {deny: [10.1.0.0/16]}}
                          - {name: ai-mcp-proxy, config: {mode: passthrough-listener}}
                """, Path.of("."));

        assertThat(checked.problems()).containsExactly("services[0].routes[0].plugins[1].name: plugin "
                + "'ip-restriction' is configured twice on route " + EntityIds.derive("route", "r")
                + " (one instance per entity, as in Kong, whatever instance_name says: merge them into one)");
    }

    @Test
    void aPluginScopedToBothAConsumerAndAConsumerGroupIsRefused() {
        // Kong refuses it; applied to alice whether or not she is in gold, it lifted her limit to 10000
        var checked = Configs.check("""
                _format_version: "3.0"
                consumer_groups:
                  - name: gold
                consumers:
                  - username: alice
                services:
                  - name: api
                    url: http://127.0.0.1:9
                    routes:
                      - name: r
                        paths: [/r]
                        plugins:
                          - {name: ai-mcp-proxy, config: {mode: passthrough-listener}}
                plugins:
                  - {name: rate-limiting, config: {minute: 5}}
                  - {name: rate-limiting, consumer: alice, consumer_group: gold, config: {minute: 10000}}
                """, Path.of("."));

        assertThat(checked.problems()).containsExactly("plugins[1].consumer_group: cannot be set with 'consumer': "
                + "as in Kong, a plugin is scoped to a consumer or to a consumer group, not both");
    }

    @Test
    void aPluginKongWouldNeverRunOnHttpRequestsIsRefused() {
        // Kong runs it on gRPC requests only; Toolgate would have run it on every request
        var loaded = load("""
                _format_version: "3.0"
                services:
                  - name: shop
                    url: http://api.internal
                    routes:
                      - name: r
                        paths: [/shop]
                        plugins:
                          - {name: ai-mcp-proxy, protocols: [grpc, htps], config: {mode: passthrough-listener}}
                """);

        assertThat(loaded.problems()).containsExactly(
                "services[0].routes[0].plugins[0].protocols[1]: must be one of grpc, grpcs, http, https, tcp, tls, "
                        + "tls_passthrough, udp, ws, wss",
                "services[0].routes[0].plugins[0].protocols: names neither http nor https: Kong would never run this "
                        + "plugin on the HTTP requests Toolgate serves, and Toolgate runs every plugin on all of them; "
                        + "add http and https");
    }

    @Test
    void aPluginLimitedToHttpsIsAccepted() {
        var loaded = load("""
                _format_version: "3.0"
                services:
                  - name: shop
                    url: http://api.internal
                    routes:
                      - name: r
                        paths: [/shop]
                        plugins:
                          - {name: ai-mcp-proxy, protocols: [https, grpcs], config: {mode: passthrough-listener}}
                """);

        assertThat(loaded.problems()).isEmpty();
    }

    @Test
    void nestedPluginWithARouteKeyIsReported() {
        var loaded = load("""
                _format_version: "3.0"
                services:
                  - name: shop
                    url: http://api.internal
                    routes:
                      - {name: r, paths: [/shop]}
                    plugins:
                      - {name: ai-mcp-proxy, route: r, config: {mode: passthrough-listener}}
                """);

        assertThat(loaded.problems()).containsExactly("services[0].plugins[0].route: a nested plugin takes its scope "
                + "from where it is written; remove 'route'");
    }

    @Test
    void nestedPluginWithAServiceKeyIsReported() {
        var loaded = load("""
                _format_version: "3.0"
                services:
                  - name: shop
                    url: http://api.internal
                    routes:
                      - name: r
                        paths: [/shop]
                        plugins:
                          - {name: ai-mcp-proxy, service: shop, config: {mode: conversion-listener}}
                """);

        assertThat(loaded.problems()).containsExactly("services[0].routes[0].plugins[0].service: a nested plugin "
                + "takes its scope from where it is written; remove 'service'");
    }

    @Test
    void pluginOrderingAndPartialsAreReportedAsNotSupported() {
        var loaded = load("""
                _format_version: "3.0"
                services:
                  - name: shop
                    url: http://api.internal
                    plugins:
                      - name: ai-mcp-proxy
                        ordering: {before: {access: [acl]}}
                        partials: [{name: shared-redis}]
                        config: {mode: passthrough-listener}
                """);

        assertThat(loaded.problems()).containsExactly(
                "services[0].plugins[0].ordering: is not supported by Toolgate",
                "services[0].plugins[0].partials: is not supported by Toolgate");
    }

    @Test
    void disabledPluginIsStillValidated() {
        var loaded = load("""
                _format_version: "3.0"
                services:
                  - name: shop
                    url: http://api.internal
                    plugins:
                      - {name: ai-mcp-proxy, enabled: false, config: {mode: proxy}}
                """);

        assertThat(loaded.problems()).containsExactly("services[0].plugins[0].config.mode: must be one of "
                + "passthrough-listener, conversion-listener, conversion-only, listener");
    }
}
