package dev.toolgate.config;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import static dev.toolgate.testing.Configs.load;
import static org.assertj.core.api.Assertions.assertThat;

/** Ids: the file's own UUIDs, else derived from names so they survive reloads and edits elsewhere. */
class EntityIdsTest {

    private static final String DOCUMENT = """
            _format_version: "3.0"
            consumer_groups:
              - name: gold
            consumers:
              - username: bob
                groups: [gold]
            services:
              - name: shop
                url: http://api.internal
                routes:
                  - name: r
                    paths: [/shop]
                    plugins:
                      - name: ai-mcp-proxy
                        config: {mode: conversion-listener}
            """;

    private static String nameBased(String kind, String name) {
        return UUID.nameUUIDFromBytes(("toolgate:" + kind + ":" + name).getBytes(StandardCharsets.UTF_8)).toString();
    }

    private static List<String> allIds(DeclarativeConfig config) {
        return Stream.of(config.services().stream().map(Service::id), config.routes().stream().map(Route::id),
                        config.plugins().stream().map(Plugin::id), config.consumers().stream().map(Consumer::id),
                        config.consumerGroups().stream().map(ConsumerGroup::id))
                .flatMap(s -> s).toList();
    }

    @Test
    void idsAreDerivedFromKindAndName() {
        DeclarativeConfig config = load(DOCUMENT).config();

        assertThat(config.services().getFirst().id()).isEqualTo(nameBased("service", "shop"));
        assertThat(config.routes().getFirst().id()).isEqualTo(nameBased("route", "r"));
        assertThat(config.consumers().getFirst().id()).isEqualTo(nameBased("consumer", "bob"));
        assertThat(config.consumerGroups().getFirst().id()).isEqualTo(nameBased("consumer_group", "gold"));
    }

    @Test
    void idsAreTheSameOnEveryLoad() {
        assertThat(allIds(load(DOCUMENT).config())).isEqualTo(allIds(load(DOCUMENT).config())).doesNotHaveDuplicates();
    }

    @Test
    void idsDoNotChangeWhenOtherEntitiesAreAddedBeforeThem() {
        DeclarativeConfig before = load(DOCUMENT).config();
        DeclarativeConfig after = load(DOCUMENT
                .replace("consumer_groups:\n", "consumer_groups:\n  - name: silver\n")
                .replace("consumers:\n", "consumers:\n  - username: alice\n")
                .replace("services:\n", "services:\n  - {name: billing, url: http://billing.internal, "
                        + "routes: [{name: b, paths: [/billing]}]}\n")).config();

        assertThat(after.services().get(1).id()).isEqualTo(before.services().getFirst().id());
        assertThat(after.routes().get(1).id()).isEqualTo(before.routes().getFirst().id());
        assertThat(after.plugins().getFirst().id()).isEqualTo(before.plugins().getFirst().id());
        assertThat(after.consumers().get(1).id()).isEqualTo(before.consumers().getFirst().id());
        assertThat(after.consumerGroups().get(1).id()).isEqualTo(before.consumerGroups().getFirst().id());
    }

    @Test
    void idGivenInTheFileIsKeptInLowerCase() {
        var loaded = load("""
                _format_version: "3.0"
                services:
                  - {name: shop, id: 3F2504E0-4F89-11D3-9A0C-0305E82C3301, url: http://api.internal}
                """);

        assertThat(loaded.config().services().getFirst().id()).isEqualTo("3f2504e0-4f89-11d3-9a0c-0305e82c3301");
    }

    @Test
    void idThatIsNotAUuidIsReported() {
        var loaded = load("""
                _format_version: "3.0"
                services:
                  - {name: shop, id: shop-1, url: http://api.internal}
                """);

        assertThat(loaded.problems()).containsExactly("services[0].id: must be a UUID");
    }

    @Test
    void pluginIdDependsOnItsNameAndScope() {
        String onRoute = load(DOCUMENT).config().plugins().getFirst().id();
        String onService = load("""
                _format_version: "3.0"
                services:
                  - name: shop
                    url: http://api.internal
                    routes: [{name: r, paths: [/shop]}]
                    plugins: [{name: ai-mcp-proxy, config: {mode: passthrough-listener}}]
                """).config().plugins().getFirst().id();

        assertThat(onRoute).isNotEqualTo(onService);
        assertThat(load(DOCUMENT).config().plugins().getFirst().id()).isEqualTo(onRoute);
    }
}
