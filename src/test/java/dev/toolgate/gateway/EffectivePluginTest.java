package dev.toolgate.gateway;

import dev.toolgate.config.DeclarativeConfig;
import dev.toolgate.config.Plugin;
import dev.toolgate.config.Route;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static dev.toolgate.testing.Configs.load;
import static org.assertj.core.api.Assertions.assertThat;

/** Which ai-mcp-proxy instance serves a route: Kong's precedence, whatever the order in the file. */
class EffectivePluginTest {

    private static final String ROUTE_AND_SERVICE = "{name: ai-mcp-proxy, instance_name: both, route: r, service: shop, "
            + "config: {mode: conversion-listener}}";
    private static final String ROUTE_ONLY = "{name: ai-mcp-proxy, instance_name: route, route: r, "
            + "config: {mode: passthrough-listener}}";

    @ParameterizedTest(name = "route + service written first: {0}")
    @ValueSource(booleans = {true, false})
    void anInstanceOnTheRouteAndItsServiceWinsOverOneOnTheRouteAloneWhateverTheFileOrder(boolean routeAndServiceFirst) {
        // the loader refuses two listening ones like these; which one the chooser ranks first is still Kong's
        DeclarativeConfig config = load("""
                _format_version: "3.0"
                services:
                  - name: shop
                    url: http://api.internal
                    routes:
                      - {name: r, paths: [/shop]}
                plugins:
                  - %s
                  - %s
                """.formatted(routeAndServiceFirst ? ROUTE_AND_SERVICE : ROUTE_ONLY,
                routeAndServiceFirst ? ROUTE_ONLY : ROUTE_AND_SERVICE)).config();

        assertThat(served(config)).isEqualTo("both");
    }

    @Test
    void anInstanceOnTheRouteAndAnotherServiceNeverServesTheRoute() {
        var loaded = load("""
                _format_version: "3.0"
                services:
                  - name: shop
                    url: http://api.internal
                    routes:
                      - {name: r, paths: [/shop]}
                    plugins:
                      - {name: ai-mcp-proxy, instance_name: service, config: {mode: passthrough-listener}}
                  - {name: billing, url: http://billing.internal}
                plugins:
                  - {name: ai-mcp-proxy, instance_name: elsewhere, route: r, service: billing, config: {mode: conversion-listener}}
                """);

        // refused at load (it could never run); the chooser passes it over all the same
        assertThat(loaded.problems()).singleElement().asString().startsWith("plugins[0].service: route 'r' does not belong");
        assertThat(served(loaded.config())).isEqualTo("service");
    }

    @Test
    void aListeningInstanceOnTheRouteAloneWinsOverAConversionOnlyOneOnTheRouteAndItsService() {
        // both are the route's: conversion-only tool sets may sit beside its one listening mode
        var loaded = load("""
                _format_version: "3.0"
                services:
                  - name: shop
                    url: http://api.internal
                    routes:
                      - {name: r, paths: [/shop]}
                plugins:
                  - {name: ai-mcp-proxy, instance_name: tools, tags: [t], route: r, service: shop, config: {mode: conversion-only}}
                  - {name: ai-mcp-proxy, instance_name: listener, route: r, config: {mode: listener, server: {tag: t}}}
                """);

        assertThat(loaded.problems()).isEmpty();
        assertThat(served(loaded.config())).isEqualTo("listener");
    }

    private static String served(DeclarativeConfig config) {
        Route route = config.routes().getFirst();
        return SnapshotBuilder.effectivePlugin(config, route).map(Plugin::instanceName).orElse(null);
    }
}
