package dev.toolgate.mode;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.mcp.Json;
import dev.toolgate.testing.Configs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

/** Swagger 2.0 parameter fields written beside {@code in} (as Kong's Okta how-to does) become the schema. */
class SwaggerParameterFieldsTest {

    private static final String PARAMETER_AT = "services[0].routes[0].plugins[0].config.tools[0].parameters[0]";

    /** One tool whose only parameter is {@code parameter} (a flow mapping). */
    private static Configs.Loaded load(String parameter) {
        return Configs.load("""
                _format_version: "3.0"
                services:
                  - name: weather
                    url: http://api.internal
                    routes:
                      - name: r
                        paths: [/weather]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              tools:
                                - description: d
                                  method: GET
                                  path: forecast.json
                                  parameters:
                                    - %s
                """.formatted(parameter));
    }

    private static ParameterSpec parameter(Configs.Loaded loaded) {
        assertThat(loaded.problems()).isEmpty();
        return ((AiMcpProxyConfig) loaded.config().plugins().getFirst().config()).tools().getFirst().parameters().getFirst();
    }

    private static JsonNode json(String text) throws IOException {
        return Json.MAPPER.readTree(text);
    }

    @Test
    void fieldsBesideInWithoutASchemaBecomeTheSchema() throws IOException {
        ParameterSpec p = parameter(load("{name: dt, in: query, required: true, type: string, format: date, "
                + "enum: ['2024-01-01'], default: '2024-01-01', minLength: 10}"));

        assertThat(p.schema()).isEqualTo(json("""
                {"type":"string","format":"date","default":"2024-01-01","enum":["2024-01-01"],"minLength":10}"""));
        assertThat(p.required()).isTrue();
    }

    @Test
    void fieldsBesideASchemaJoinIt() throws IOException {
        ParameterSpec p = parameter(load("{name: days, in: query, schema: {type: integer}, enum: [1, 2, 3]}"));

        assertThat(p.schema()).isEqualTo(json("{\"type\":\"integer\",\"enum\":[1,2,3]}"));
    }

    @Test
    void aFieldThatContradictsTheSchemaIsAProblem() {
        assertThat(load("{name: days, in: query, schema: {type: integer}, type: string}").problems()).containsExactly(
                PARAMETER_AT + ".type: says \"string\" but schema.type says \"integer\"; keep one");
    }

    @Test
    void swaggerExclusiveBoundsBecomeNumbers() throws IOException {
        ParameterSpec p = parameter(load("{name: n, in: query, type: number, maximum: 10, exclusiveMaximum: true, "
                + "minimum: 0, exclusiveMinimum: false}"));

        assertThat(p.schema()).isEqualTo(json("{\"type\":\"number\",\"exclusiveMaximum\":10,\"minimum\":0}"));
    }

    @ParameterizedTest(name = "{0} -> {1} explode={2}")
    @CsvSource({"csv, form, false", "ssv, spaceDelimited, false", "pipes, pipeDelimited, false", "multi, form, true"})
    void collectionFormatBecomesTheMatchingStyle(String format, String style, boolean explode) throws IOException {
        ParameterSpec p = parameter(load("{name: ids, in: query, type: array, items: {type: integer, collectionFormat: csv}, "
                + "collectionFormat: " + format + "}"));

        assertThat(p.style()).isEqualTo(style);
        assertThat(p.explode()).isEqualTo(explode);
        assertThat(p.schema()).isEqualTo(json("{\"type\":\"array\",\"items\":{\"type\":\"integer\"}}"));
    }

    @Test
    void aSwaggerStyleArrayWithoutCollectionFormatIsCommaSeparatedAsSwaggerSays() {
        ParameterSpec p = parameter(load("{name: ids, in: query, type: array, items: {type: string}}"));

        assertThat(p.style()).isEqualTo("form");
        assertThat(p.explode()).isFalse();
    }

    @Test
    void tsvHasNoStyleAndIsAProblem() {
        assertThat(load("{name: ids, in: query, type: array, items: {type: string}, collectionFormat: tsv}").problems())
                .containsExactly(PARAMETER_AT + ".collectionFormat: must be one of csv, ssv, pipes, multi "
                        + "(tsv has no OpenAPI 3 style)");
    }

    @Test
    void anOpenApi3ParameterIsUnchanged() throws IOException {
        ParameterSpec p = parameter(load("{name: ids, in: query, schema: {type: array, items: {type: string}}}"));

        assertThat(p.schema()).isEqualTo(json("{\"type\":\"array\",\"items\":{\"type\":\"string\"}}"));
        assertThat(p.style()).isEqualTo("form");
        assertThat(p.explode()).isTrue();
    }
}
