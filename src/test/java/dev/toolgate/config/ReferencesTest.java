package dev.toolgate.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static dev.toolgate.testing.Configs.load;
import static org.assertj.core.api.Assertions.assertThat;

/** References to services, routes, consumers and groups: a name or id, as a string or {name:}/{id:}. */
class ReferencesTest {

    private static final String SHOP_ID = "3f2504e0-4f89-11d3-9a0c-0305e82c3301";

    /** A service 'shop' with id {@link #SHOP_ID} and a top-level route referring to it as {@code reference}. */
    private static String routeReferring(String reference) {
        return """
                _format_version: "3.0"
                services:
                  - {name: shop, id: %s, url: http://api.internal}
                routes:
                  - name: r
                    paths: [/shop]
                    service: %s
                """.formatted(SHOP_ID, reference);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"shop", "{name: shop}", SHOP_ID, "{id: " + SHOP_ID + "}", "'3F2504E0-4F89-11D3-9A0C-0305E82C3301'"})
    void serviceReferenceResolvesByNameOrIdInEitherForm(String reference) {
        var loaded = load(routeReferring(reference));

        assertThat(loaded.problems()).isEmpty();
        assertThat(loaded.config().routes().getFirst().serviceId()).isEqualTo(SHOP_ID);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"nope", "{name: nope}"})
    void unknownServiceReferenceIsReportedInEitherForm(String reference) {
        var loaded = load(routeReferring(reference));

        assertThat(loaded.problems()).containsExactly("routes[0].service: unknown service 'nope'");
    }

    @Test
    void unknownServiceIdIsReported() {
        var loaded = load(routeReferring("{id: 3f2504e0-4f89-11d3-9a0c-0305e82c3399}"));

        assertThat(loaded.problems())
                .containsExactly("routes[0].service: unknown service '3f2504e0-4f89-11d3-9a0c-0305e82c3399'");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"5", "[shop]", "{name: shop, id: " + SHOP_ID + "}", "{title: shop}", "{name: 5}"})
    void malformedServiceReferenceIsReported(String reference) {
        var loaded = load(routeReferring(reference));

        assertThat(loaded.problems())
                .containsExactly("routes[0].service: must be a service name or id, or {name: ...} / {id: ...}");
    }

    @Test
    void unknownRouteReferenceOfAPluginIsReported() {
        var loaded = load("""
                _format_version: "3.0"
                services:
                  - {name: shop, url: http://api.internal}
                plugins:
                  - name: ai-mcp-proxy
                    service: shop
                    route: nope
                    config: {mode: passthrough-listener}
                """);

        assertThat(loaded.problems()).containsExactly("plugins[0].route: unknown route 'nope'");
    }

    @Test
    void unknownConsumerReferenceOfAPluginIsReported() {
        var loaded = load("""
                _format_version: "3.0"
                services:
                  - {name: shop, url: http://api.internal}
                plugins:
                  - name: ai-mcp-proxy
                    service: {name: shop}
                    consumer: {name: bob}
                    config: {mode: passthrough-listener}
                """);

        assertThat(loaded.problems()).containsExactly("plugins[0].consumer: unknown consumer 'bob'");
    }

    @Test
    void unknownConsumerGroupReferenceOfAPluginIsReported() {
        var loaded = load("""
                _format_version: "3.0"
                services:
                  - {name: shop, url: http://api.internal}
                plugins:
                  - {name: ai-mcp-proxy, service: shop, consumer_group: gold, config: {mode: passthrough-listener}}
                """);

        assertThat(loaded.problems()).containsExactly("plugins[0].consumer_group: unknown consumer group 'gold'");
    }

    @Test
    void pluginReferencesResolveToTheScopeTheyName() {
        var loaded = load("""
                _format_version: "3.0"
                services:
                  - name: shop
                    url: http://api.internal
                    routes:
                      - {name: r, paths: [/shop]}
                plugins:
                  - {name: ai-mcp-proxy, route: {name: r}, config: {mode: conversion-listener}}
                """);

        assertThat(loaded.problems()).isEmpty();
        Plugin plugin = loaded.config().plugins().getFirst();
        assertThat(plugin.routeId()).isEqualTo(loaded.config().routes().getFirst().id());
        assertThat(plugin.global()).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"[gold]", "[{name: gold}]"})
    void unknownConsumerGroupMembershipIsReportedInEitherForm(String groups) {
        var loaded = load("""
                _format_version: "3.0"
                consumer_groups:
                  - name: silver
                consumers:
                  - username: bob
                    groups: %s
                """.formatted(groups));

        assertThat(loaded.problems()).containsExactly("consumers[0].groups[0]: unknown consumer group 'gold'");
    }

    @Test
    void consumerGroupMembershipResolvesWhateverTheOrderInTheFile() {
        var loaded = load("""
                _format_version: "3.0"
                consumers:
                  - {username: bob, groups: [{name: gold}, silver]}
                consumer_groups:
                  - name: gold
                  - name: silver
                """);

        assertThat(loaded.problems()).isEmpty();
        assertThat(loaded.config().consumers().getFirst().groupIds())
                .containsExactlyElementsOf(loaded.config().consumerGroups().stream().map(ConsumerGroup::id).toList());
    }

    @Test
    void groupsThatAreNotAnArrayAreReported() {
        var loaded = load("""
                _format_version: "3.0"
                consumer_groups: [{name: gold}]
                consumers:
                  - {username: bob, groups: gold}
                """);

        assertThat(loaded.problems())
                .containsExactly("consumers[0].groups: must be an array of consumer group references");
    }
}
