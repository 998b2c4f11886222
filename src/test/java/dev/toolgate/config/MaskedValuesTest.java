package dev.toolgate.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static dev.toolgate.testing.Configs.check;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * As the configuration file is loaded (and {@code toolgate validate} checks it): a document holding the Admin
 * API's mask where a secret goes, or an export's mark, is refused at its path.
 */
class MaskedValuesTest {

    private static final String MASKED = ": this value is the Admin API's mask, not the secret: write the secret "
            + "(or a {vault://env/...} reference)";

    @Test
    void everySecretShownAsTheMaskIsAProblemAtItsPathAndItsOnlyOne() {
        var loaded = check("""
                _format_version: "3.0"
                services:
                  - name: api
                    url: http://127.0.0.1:9/mcp
                    routes:
                      - name: mcp
                        paths: [/mcp]
                        plugins:
                          - name: ai-mcp-proxy
                            config: {mode: passthrough-listener}
                          - name: request-transformer
                            config:
                              add: {headers: ["Authorization:[redacted]", "X-Source:toolgate"]}
                          - name: http-log
                            config:
                              http_endpoint: "http://user:[redacted]@127.0.0.1:9/log"
                              headers: {X-Api-Key: "[redacted]"}
                          - name: rate-limiting
                            config: {minute: 5, policy: redis, redis: {host: 127.0.0.1, password: "[redacted]"}}
                  - name: rest
                    url: http://127.0.0.1:9/api
                    routes:
                      - name: conv
                        paths: [/conv]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              tools:
                                - name: t1
                                  description: d
                                  method: GET
                                  path: /x
                                  headers: {Authorization: ["[redacted]"]}
                                  query: {api_key: ["[redacted]"]}
                """, Path.of("."));

        String mcp = "services[0].routes[0].plugins";
        String tool = "services[1].routes[0].plugins[0].config.tools[0]";
        assertThat(loaded.problems()).containsExactlyInAnyOrder(
                mcp + "[1].config.add.headers[0]" + MASKED,
                mcp + "[2].config.http_endpoint" + MASKED,
                mcp + "[2].config.headers.X-Api-Key" + MASKED,
                mcp + "[3].config.redis.password" + MASKED,
                tool + ".headers.Authorization[0]" + MASKED,
                tool + ".query.api_key[0]" + MASKED);
    }

    @Test
    void theMaskInAPlaceNoSecretIsShownLoads() {
        var loaded = check("""
                _format_version: "3.0"
                plugins:
                  - name: request-transformer
                    config:
                      add: {headers: ["X-Note:[redacted] by policy"]}
                """, Path.of("."));

        assertThat(loaded.problems()).isEmpty();
    }

    @Test
    void anExportsMarkIsRefusedSayingWhatToWriteBack() {
        var loaded = check("""
                _toolgate_export: "secrets are shown as [redacted]: write them back, then delete this key to load"
                _format_version: "3.0"
                """, Path.of("."));

        assertThat(loaded.problems()).containsExactly("_toolgate_export: this document is a GET /config export "
                + "with secrets masked or consumers' credentials left out: write them back, then delete this key");
    }

    @Test
    void aUrlOrPairIsTheMaskWhenTheMaskSitsWhereMaskingPutsIt() {
        assertThat(Redacted.masks(Redacted.MASK)).isTrue();
        assertThat(Redacted.masks("Authorization:" + Redacted.MASK)).isTrue();
        assertThat(Redacted.masks("https://" + Redacted.MASK + "@logs.example.com/")).isTrue();
        assertThat(Redacted.masks("https://logs.example.com/v1?api_key=" + Redacted.MASK)).isTrue();
        assertThat(Redacted.masks("X-Note:" + Redacted.MASK)).isFalse();
        assertThat(Redacted.masks("https://logs.example.com/" + Redacted.MASK)).isFalse();
        assertThat(Redacted.masks("Authorization:Bearer {vault://env/TOKEN}")).isFalse();
    }
}
