package dev.toolgate.config;

import dev.toolgate.mode.AiMcpProxyConfig;
import dev.toolgate.mode.Mode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.toolgate.testing.Configs.load;
import static org.assertj.core.api.Assertions.assertThat;

/** What a minimal document means: Kong's defaults, applied where the file says nothing. */
class DefaultsTest {

    private static final String MINIMAL = """
            _format_version: "3.0"
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

    @Test
    void serviceGetsKongsDefaults() {
        Service service = load(MINIMAL).config().services().getFirst();

        assertThat(service.protocol()).isEqualTo("http");
        assertThat(service.port()).isEqualTo(80);
        assertThat(service.path()).isNull();
        assertThat(service.retries()).isEqualTo(5);
        assertThat(service.connectTimeout()).isEqualTo(60_000);
        assertThat(service.writeTimeout()).isEqualTo(60_000);
        assertThat(service.readTimeout()).isEqualTo(60_000);
        assertThat(service.enabled()).isTrue();
        assertThat(service.tlsVerify()).isTrue();
        assertThat(service.tags()).isEmpty();
    }

    @Test
    void httpsUrlWithoutAPortUses443() {
        var loaded = load("""
                _format_version: "3.0"
                services:
                  - {name: shop, url: https://api.internal/v1}
                """);

        assertThat(loaded.config().services().getFirst().port()).isEqualTo(443);
        assertThat(loaded.config().services().getFirst().tls()).isTrue();
    }

    @Test
    void routeGetsKongsDefaults() {
        Route route = load(MINIMAL).config().routes().getFirst();

        assertThat(route.stripPath()).isTrue();
        assertThat(route.preserveHost()).isFalse();
        assertThat(route.pathHandling()).isEqualTo("v0");
        assertThat(route.regexPriority()).isZero();
        assertThat(route.protocols()).containsExactly("http", "https");
        assertThat(route.methods()).isEmpty();
        assertThat(route.hosts()).isEmpty();
        assertThat(route.headers()).isEmpty();
    }

    @Test
    void pluginAndItsConfigGetKongsDefaults() {
        Plugin plugin = load(MINIMAL).config().plugins().getFirst();
        AiMcpProxyConfig config = (AiMcpProxyConfig) plugin.config();

        assertThat(plugin.enabled()).isTrue();
        assertThat(plugin.instanceName()).isNull();
        assertThat(config.mode()).isEqualTo(Mode.CONVERSION_LISTENER);
        assertThat(config.tools()).isEmpty();
        assertThat(config.maxRequestBodySize()).isEqualTo(1_048_576);
        assertThat(config.server().timeoutMillis()).isEqualTo(10_000);
        assertThat(config.server().forwardClientHeaders()).isTrue();
        assertThat(config.server().tag()).isNull();
        assertThat(config.server().allowedOrigins()).isEmpty();
        assertThat(config.server().session().managed()).isTrue();
        assertThat(config.server().session().strategy()).isNull();
        assertThat(config.server().session().sessionTtlSeconds()).isEqualTo(86_400);
        assertThat(config.logging().logStatistics() || config.logging().logPayloads() || config.logging().logAudits())
                .isFalse();
        assertThat(config.defaultAcl()).isEmpty();
        assertThat(config.includeConsumerGroups()).isFalse();
        assertThat(config.consumerIdentifier()).isEqualTo("username");
        assertThat(config.aclAttributeType()).isEqualTo("consumer");
        assertThat(config.accessTokenClaimField()).isNull();
    }

    @Test
    void emptyServerBlockGetsTheSameDefaultsAsNone() {
        var loaded = load(MINIMAL.replace("{mode: conversion-listener}",
                "{mode: conversion-listener, server: {session: {}}}"));
        AiMcpProxyConfig config = (AiMcpProxyConfig) loaded.config().plugins().getFirst().config();

        assertThat(config.server().timeoutMillis()).isEqualTo(10_000);
        assertThat(config.server().forwardClientHeaders()).isTrue();
        assertThat(config.server().session().sessionTtlSeconds()).isEqualTo(86_400);
    }

    @Test
    void toolParametersGetOpenApiDefaultsByLocation() {
        var loaded = load(MINIMAL.replace("{mode: conversion-listener}", "{mode: conversion-listener, tools: "
                + "[{description: d, path: '/shop/{id}', parameters: [{name: q, in: query}, "
                + "{name: id, in: path, required: true}, {name: sid, in: cookie}]}]}"));
        AiMcpProxyConfig config = (AiMcpProxyConfig) loaded.config().plugins().getFirst().config();

        assertThat(loaded.problems()).isEmpty();
        var parameters = config.tools().getFirst().parameters();
        assertThat(parameters).extracting(p -> p.style() + "/" + p.explode() + "/" + p.required())
                .containsExactly("form/true/false", "simple/false/true", "form/true/false");
        assertThat(parameters).extracting(p -> p.schema().toString()).containsOnly("{\"type\":\"string\"}");
    }

    @Test
    void pathParameterIsAlwaysRequiredWithAWarning() {
        var loaded = load(MINIMAL.replace("{mode: conversion-listener}",
                "{mode: conversion-listener, tools: [{description: d, parameters: [{name: id, in: path}]}]}"));
        AiMcpProxyConfig config = (AiMcpProxyConfig) loaded.config().plugins().getFirst().config();

        assertThat(config.tools().getFirst().parameters().getFirst().required()).isTrue();
        assertThat(loaded.warnings()).containsExactly("services[0].routes[0].plugins[0].config.tools[0]"
                + ".parameters[0].required: path parameters are always required; treating it as required");
    }

    @Test
    void jwtSecretDefaultsToHs256() {
        var loaded = load("""
                _format_version: "3.0"
                consumers:
                  - username: bob
                    jwt_secrets: [{key: issuer, secret: shh-0123456789}]
                """);

        assertThat(loaded.problems()).isEmpty();
        assertThat(loaded.config().consumers().getFirst().jwtSecrets()).extracting(Consumer.JwtSecret::algorithm)
                .isEqualTo(List.of("HS256"));
    }
}
