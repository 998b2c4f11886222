package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.mcp.Json;
import dev.toolgate.testing.Configs;
import io.vertx.core.MultiMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where arguments go once they match their schemas: an exploded object's keys become names of their
 * own, in the query string and in a form body alike, and must not name what the tool sets otherwise;
 * a cookie value cannot add cookies.
 */
class ArgumentPlacesTest {

    static final String ROUTE = "paths: [/shop]\n";
    static final RequestEncoder.Client CLIENT = new RequestEncoder.Client(MultiMap.caseInsensitiveMultiMap(),
            "127.0.0.1", "127.0.0.1", "gateway.example", 8000, Set.of(), null, Set.of());

    @TempDir
    Path baseDirectory;

    private RequestTemplate request(String tool) {
        Configs.Checked checked = Configs.check(ToolCompilerTest.document(ROUTE, tool), baseDirectory);
        assertThat(checked.problems()).isEmpty();
        return checked.snapshot().toolSets().values().iterator().next().tools().getFirst().request();
    }

    private RequestTemplate form() {
        return request("""
                - description: d
                  method: POST
                  path: /shop/orders
                  query: {channel: [web]}
                  request_body:
                    content:
                      application/x-www-form-urlencoded:
                        schema: {type: object, properties: {name: {type: string}, point: {type: object}, grid: {type: object},
                                 size: {type: object}}}
                        encoding:
                          point: {style: form, explode: true}
                          grid: {style: form, explode: false}
                          size: {style: form, explode: true}
                """);
    }

    private RequestTemplate query() {
        return request("""
                - description: d
                  method: GET
                  path: /shop/search
                  parameters:
                    - {name: point, in: query, schema: {type: object}}
                    - {name: size, in: query, schema: {type: object}}
                """);
    }

    private static ObjectNode args(String json) {
        try {
            return (ObjectNode) Json.parse(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void anExplodedFormObjectKeyNamingADeclaredFieldIsRefusedEvenWhenThatFieldIsNotPassed() {
        assertThat(ArgumentPlaces.problem(form(), args("{\"body\":{\"point\":{\"x\":1,\"name\":\"admin\"}}}")))
                .isEqualTo("body.point: the key 'name' would be sent as the form field name, which the tool sets otherwise");
    }

    @Test
    void anExplodedFormObjectKeyNamingAnotherPassedFieldIsRefused() {
        assertThat(ArgumentPlaces.problem(form(), args("{\"body\":{\"role\":\"user\",\"point\":{\"role\":\"admin\"}}}")))
                .isEqualTo("body.point: the key 'role' would be sent as the form field role, which the tool sets otherwise");
    }

    @Test
    void anExplodedFormObjectsOwnNameAndOtherKeysShadowNothing() {
        // the query's fixed values are not form fields: channel goes in the URL, the form keeps its own
        assertThat(ArgumentPlaces.problem(form(), args("{\"body\":{\"name\":\"n\",\"point\":{\"point\":1,\"x\":2,"
                + "\"channel\":\"c\"}}}"))).isNull();
    }

    @Test
    void formObjectsThatAreNotExplodedIntoFieldsAreNotChecked() {
        // grid is sent as grid=name,admin; an object without an encoding entry as bracketed names
        assertThat(ArgumentPlaces.problem(form(), args("{\"body\":{\"grid\":{\"name\":\"admin\"},"
                + "\"extra\":{\"name\":\"admin\"}}}"))).isNull();
    }

    @Test
    void twoExplodedQueryObjectsSharingAKeyAreRefusedNamingBothArguments() {
        // neither key names a parameter of the tool, but x would reach the upstream twice
        assertThat(ArgumentPlaces.problem(query(), args("{\"query_point\":{\"x\":1},\"query_size\":{\"y\":2,\"x\":3}}")))
                .isEqualTo("query_size: the key 'x' would be sent as the query parameter x, which query_point sends too");
    }

    @Test
    void twoExplodedFormObjectsSharingAKeyAreRefusedNamingBothFields() {
        assertThat(ArgumentPlaces.problem(form(), args("{\"body\":{\"size\":{\"w\":1},\"point\":{\"w\":2}}}")))
                .isEqualTo("body.point: the key 'w' would be sent as the form field w, which body.size sends too");
    }

    @Test
    void aFieldDeclaredBehindTheBodySchemasRootRefIsShadowedByNoExplodedKey() {
        RequestTemplate order = formWithSchema("{$ref: '#/$defs/Order', $defs: {Order: {type: object, "
                + "properties: {role: {type: string}, point: {type: object}}}}}");
        assertThat(ArgumentPlaces.problem(order, args("{\"body\":{\"point\":{\"role\":\"admin\"}}}")))
                .isEqualTo("body.point: the key 'role' would be sent as the form field role, which the tool sets otherwise");
    }

    @Test
    void aFieldDeclaredInAnAllOfBranchOfTheBodySchemaIsShadowedByNoExplodedKey() {
        RequestTemplate order = formWithSchema("{allOf: [{$ref: '#/$defs/Owned'}, {type: object, properties: "
                + "{point: {type: object}}}], $defs: {Owned: {type: object, properties: {role: {type: string}}}}}");
        assertThat(ArgumentPlaces.problem(order, args("{\"body\":{\"point\":{\"role\":\"admin\"}}}")))
                .isEqualTo("body.point: the key 'role' would be sent as the form field role, which the tool sets otherwise");
    }

    @Test
    void aFieldDeclaredBehindANullableBodysAnyOfIsShadowedByNoExplodedKey() {
        RequestTemplate order = formWithSchema("{anyOf: [{$ref: '#/$defs/Order'}, {type: 'null'}], $defs: {Order: "
                + "{type: object, properties: {role: {type: string}, point: {type: object}}}}}");
        assertThat(ArgumentPlaces.problem(order, args("{\"body\":{\"point\":{\"role\":\"admin\"}}}")))
                .isEqualTo("body.point: the key 'role' would be sent as the form field role, which the tool sets otherwise");
    }

    /** A form body whose point object is exploded into fields, with {@code schema} written inline. */
    private RequestTemplate formWithSchema(String schema) {
        return request("""
                - description: d
                  method: POST
                  path: /shop/orders
                  request_body:
                    content:
                      application/x-www-form-urlencoded:
                        schema: %s
                        encoding: {point: {style: form, explode: true}}
                """.formatted(schema));
    }

    @Test
    void aCookieValueThatWouldAddACookieIsRefusedUnsent() {
        RequestTemplate cart = request("""
                - description: d
                  method: GET
                  path: /shop/cart
                  parameters:
                    - {name: session_id, in: cookie, schema: {type: string}}
                """);

        RequestEncoder.Encoded encoded = RequestEncoder.encode(cart, args("{\"cookie_session_id\":\"s-1;admin=true\"}"),
                CLIENT, 1024);

        assertThat(encoded).isEqualTo(new RequestEncoder.Encoded.Rejected("cookie_session_id: a cookie value must not "
                + "contain spaces, quotes (but around the whole value), commas, semicolons, backslashes or control characters", true));
    }
}
