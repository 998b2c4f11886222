package dev.toolgate.mode.conversion;

import dev.toolgate.testing.Configs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static dev.toolgate.mode.conversion.ToolCompilerTest.TOOL_AT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Written tools' {@code x-mcp-header} declarations checked against the 2026-07-28 rules at load: a tool that
 * breaks one is a problem at the declaring property, since 2026-07-28 clients would drop it while legacy ones
 * list it.
 */
class HeaderDeclarationsTest {

    static final String DROPPED = "; 2026-07-28 clients drop a tool that breaks this";
    static final String ROUTE = "paths: [/shop]\n";

    @TempDir
    Path baseDirectory;

    private Configs.Checked check(String tools) {
        return Configs.check(ToolCompilerTest.document(ROUTE, tools), baseDirectory);
    }

    @Test
    void aDeclarationOnANumberPropertyIsAProblemNamingTheProperty() {
        var checked = check("""
                - name: priced
                  description: d
                  method: GET
                  path: /shop/items
                  parameters:
                    - {name: price, in: query, schema: {type: number, x-mcp-header: Price}}
                """);

        assertThat(checked.problems()).containsExactly(TOOL_AT + ".parameters[0].schema: x-mcp-header is allowed only "
                + "on a property of type string, integer or boolean (one type), not \"number\"" + DROPPED);
    }

    @Test
    void twoDeclarationsDifferingOnlyInCaseAreAProblemAtTheSecond() {
        var checked = check("""
                - name: tenants
                  description: d
                  method: POST
                  path: /shop/items
                  parameters:
                    - {name: tenant, in: query, schema: {type: string, x-mcp-header: Tenant}}
                  request_body:
                    content:
                      application/json:
                        schema:
                          type: object
                          properties:
                            owner: {type: string, x-mcp-header: tenant}
                """);

        assertThat(checked.problems()).containsExactly(TOOL_AT + ".request_body.properties.owner: x-mcp-header "
                + "\"tenant\" names the same header as \"Tenant\" (header names are case-insensitive)" + DROPPED);
    }

    @Test
    void aNameThatIsNotAnHttpTokenIsAProblem() {
        var checked = check("""
                - name: spaced
                  description: d
                  method: GET
                  path: /shop/items
                  parameters:
                    - {name: region, in: query, schema: {type: string, x-mcp-header: Bad Name}}
                    - {name: zone, in: query, schema: {type: string, x-mcp-header: ''}}
                """);

        assertThat(checked.problems()).containsExactly(
                TOOL_AT + ".parameters[0].schema: x-mcp-header \"Bad Name\" is not a header name (an RFC 9110 token: "
                        + "letters, digits and !#$%&'*+-.^_`|~, no spaces)" + DROPPED,
                TOOL_AT + ".parameters[1].schema: x-mcp-header must be a non-empty header name" + DROPPED);
    }

    @Test
    void aDeclarationReachedThroughAnythingButPropertiesIsAProblem() {
        var checked = check("""
                - name: nested
                  description: d
                  method: POST
                  path: /shop/items
                  request_body:
                    content:
                      application/json:
                        schema:
                          type: object
                          properties:
                            tags: {type: array, items: {type: string, x-mcp-header: Tag}}
                            either:
                              anyOf: [{type: string, x-mcp-header: Either}, {type: integer}]
                            node: {$ref: '#/$defs/Node'}
                          $defs:
                            Node: {type: object, properties: {id: {type: string, x-mcp-header: Node}}}
                """);

        String unreachable = ": x-mcp-header is allowed only on a property reached through properties alone (not under "
                + "items, additionalProperties, composition, conditionals or $defs)" + DROPPED;
        assertThat(checked.problems()).containsExactly(
                TOOL_AT + ".request_body.properties.tags.items" + unreachable,
                TOOL_AT + ".request_body.properties.either.anyOf[0]" + unreachable,
                TOOL_AT + ".request_body.$defs.Node.properties.id" + unreachable);
    }

    @Test
    void declarationsTheRulesAllowLoadNestedOrNot() {
        var checked = check("""
                    - name: allowed
                      description: d
                      method: POST
                      path: /shop/items
                      parameters:
                        - {name: count, in: query, schema: {type: integer, x-mcp-header: Count}}
                        - {name: dry, in: query, schema: {type: boolean, x-mcp-header: "X-Dry_Run.v2"}}
                      request_body:
                        content:
                          application/json:
                            schema:
                              type: object
                              properties:
                                owner: {type: object, properties: {tenant: {type: string, x-mcp-header: Tenant}}}
                    """);

        assertThat(checked.problems()).isEmpty();
    }
}
