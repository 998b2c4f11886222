package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.toolgate.mcp.Json;
import dev.toolgate.testing.Configs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Tool definitions checked against their route while provisioning: paths, methods, parameters, names. */
class ToolCompilerTest {

    static final String TOOL_AT = "services[0].routes[0].plugins[0].config.tools[0]";
    static final String ROUTE = """
            paths: [/shop]
            methods: [GET, POST]
            """;

    @TempDir
    Path baseDirectory;

    /** Service {@code http://api.internal/v1} with route {@code r} ({@code route} fields) and {@code tools}. */
    static String document(String route, String tools) {
        return """
                _format_version: "3.0"
                services:
                  - name: shop
                    url: http://api.internal/v1
                    routes:
                      - name: r
                %s        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              tools:
                %s""".formatted(route.indent(8), tools.indent(16));
    }

    private Configs.Checked check(String route, String tools) {
        return Configs.check(document(route, tools), baseDirectory);
    }

    private Tool onlyTool(Configs.Checked checked) {
        assertThat(checked.problems()).isEmpty();
        return checked.snapshot().toolSets().values().iterator().next().tools().getFirst();
    }

    @Test
    void toolPathOutsideTheRoutePathIsSentAsIsAfterTheServicePath() {
        // decK's openapi2mcp writes absolute API paths on a /<service>-mcp route; Kong calls them as is
        Tool tool = onlyTool(check(ROUTE, """
                - {description: d, method: GET, path: /other/users}
                """));

        assertThat(tool.request().path().toString()).isEqualTo("/v1/other/users");
    }

    @Test
    void relativeToolPathIsPrefixedWithTheRoutePathAndStrippedUpstream() {
        Tool tool = onlyTool(check(ROUTE, """
                - {description: d, method: GET, path: users}
                """));

        assertThat(tool.request().path()).hasToString("/v1/users");
    }

    @Test
    void dotSegmentsOfARelativeToolPathAreRemovedAsKongsRouterDoes() {
        // Kong's ACL how-to writes relative paths as ./v1/current.json
        var checked = check(ROUTE, """
                - {description: d, method: GET, path: './users/./{id}/../orders/'}
                """);

        assertThat(checked.warnings()).isEmpty();
        assertThat(onlyTool(checked).request().path()).hasToString("/v1/users/orders/");
    }

    @Test
    void dotDotNeverClimbsAboveTheRoutePath() {
        var checked = check(ROUTE, """
                - {description: d, method: GET, path: ../../admin}
                - {description: d, method: GET, path: /shop/../%2e%2e/keys}
                """);

        assertThat(checked.problems()).isEmpty();
        var tools = checked.snapshot().toolSets().values().iterator().next().tools();
        assertThat(tools.get(0).request().path()).hasToString("/v1/admin");
        assertThat(tools.get(1).request().path()).hasToString("/v1/keys");
        assertThat(checked.warnings()).containsExactly(
                TOOL_AT + ".path: '..' cannot climb above the route path /shop; it is left out",
                TOOL_AT.replace("tools[0]", "tools[1]") + ".path: '..' cannot climb above the route path /shop; it is left out");
    }

    @Test
    void dotSegmentsOfAPathOutsideTheRoutePathsStopAtTheRoot() {
        Tool tool = onlyTool(check(ROUTE, """
                - {description: d, method: GET, path: /other/./a/../users}
                """));

        assertThat(tool.request().path()).hasToString("/v1/other/users");
    }

    @Test
    void relativeToolPathOnARegexOnlyRouteIsReported() {
        var checked = check("""
                paths: ['~/items/\\d+$']
                methods: [GET]
                """, """
                - {description: d, path: items}
                """);

        assertThat(checked.problems())
                .containsExactly(TOOL_AT + ".path: a relative path needs a route with a plain (non-regex) path");
    }

    @Test
    void toolPathDefaultsToTheRoutesOnlyPlainPath() {
        Tool tool = onlyTool(check("""
                paths: [/shop/catalog]
                methods: [GET]
                strip_path: false
                """, """
                - {description: d}
                """));

        assertThat(tool.request().path()).hasToString("/v1/shop/catalog");
        assertThat(tool.request().method().name()).isEqualTo("GET");
    }

    @Test
    void methodNotAmongTheRouteMethodsIsReported() {
        var checked = check(ROUTE, """
                - {description: d, method: PUT, path: /shop/users}
                """);

        assertThat(checked.problems())
                .containsExactly(TOOL_AT + ".method: PUT is not one of the route's methods [GET, POST]");
    }

    @Test
    void missingMethodIsReportedWhenTheRouteHasSeveral() {
        var checked = check(ROUTE, """
                - {description: d, path: /shop/users}
                """);

        assertThat(checked.problems())
                .containsExactly(TOOL_AT + ".method: is required (the route does not pin down a single method)");
    }

    @Test
    void missingMethodIsReportedWhenTheRouteHasNone() {
        var checked = check("paths: [/shop]", """
                - {description: d, path: /shop/users}
                """);

        assertThat(checked.problems())
                .containsExactly(TOOL_AT + ".method: is required (the route does not pin down a single method)");
    }

    @Test
    void toolHostUnderAWildcardRouteHostIsAcceptedAsKongRequiresIt() {
        var checked = check("""
                paths: [/shop]
                methods: [GET]
                hosts: ['*.example.com', 'shop.*']
                """, """
                - {description: d, host: api.example.com}
                - {description: d, host: shop.example.org}
                """);

        assertThat(checked.problems()).isEmpty();
        assertThat(checked.snapshot().toolSets().values().iterator().next().tools()).hasSize(2);
    }

    @Test
    void toolHostOutsideTheRouteHostsIsReportedEvenWhenTheyAreWildcards() {
        var checked = check("""
                paths: [/shop]
                methods: [GET]
                hosts: ['*.example.com']
                """, """
                - {description: d, host: example.com}
                - {description: d, host: api.example.com.evil.test}
                """);

        assertThat(checked.problems()).containsExactly(
                TOOL_AT + ".host: must match one of the route's hosts [*.example.com]",
                TOOL_AT.replace("tools[0]", "tools[1]") + ".host: must match one of the route's hosts [*.example.com]");
    }

    @Test
    void pathParameterThatIsNotInThePathIsReported() {
        var checked = check(ROUTE, """
                - description: d
                  method: GET
                  path: /shop/users
                  parameters:
                    - {name: id, in: path, required: true}
                """);

        assertThat(checked.problems())
                .containsExactly(TOOL_AT + ".parameters[0]: path parameter 'id' does not appear in path /shop/users");
    }

    @Test
    void placeholderWithoutAParameterIsWarnedAndBecomesARequiredStringArgument() {
        var checked = check(ROUTE, """
                - description: d
                  method: GET
                  path: /shop/users/{id}
                """);

        assertThat(checked.warnings()).containsExactly(TOOL_AT
                + ".path: {id} has no parameters entry; it becomes a required string argument path_id");
        Tool tool = onlyTool(checked);
        assertThat(tool.definition().at("/inputSchema/properties/path_id/type").asText()).isEqualTo("string");
        assertThat(tool.definition().at("/inputSchema/required").toString()).isEqualTo("[\"path_id\"]");
    }

    @Test
    void argumentDefinedTwiceIsReported() {
        var checked = check(ROUTE, """
                - description: d
                  method: GET
                  path: /shop/users
                  parameters:
                    - {name: q, in: query}
                    - {name: q, in: query}
                """);

        assertThat(checked.problems()).containsExactly(TOOL_AT + ".parameters[1]: argument query_q is defined twice");
    }

    @Test
    void parametersWhosePortableNamesMeetEachGetADigestAndTheOneNamedAsKongNamesItKeepsItsName() {
        String tool = """
                - description: d
                  method: GET
                  path: /shop/messages
                  parameters:
                    - {name: DateSent, in: query}
                    - {name: "DateSent<", in: query}
                    - {name: "DateSent>", in: query}
                    - {name: DateSent_, in: query}
                """;
        var checked = check(ROUTE, tool);

        var properties = onlyTool(checked).definition().at("/inputSchema/properties");
        java.util.List<String> names = new java.util.ArrayList<>();
        properties.fieldNames().forEachRemaining(names::add);
        assertThat(names).hasSize(4).contains("query_DateSent", "query_DateSent_");
        assertThat(names).filteredOn(n -> n.matches("query_DateSent__[0-9a-f]{8}")).hasSize(2);
        assertThat(names.get(1)).isEqualTo("query_DateSent__" + "%08x".formatted("query_DateSent<".hashCode()));
        assertThat(properties.path(names.get(1)).path("description").asText())
                .as("the two names no longer say which is which").contains("DateSent<");
        assertThat(properties.path(names.get(2)).path("description").asText()).contains("DateSent>");
        var reordered = onlyTool(check(ROUTE, tool.replace("    - {name: \"DateSent<\", in: query}\n", "")
                + "    - {name: \"DateSent<\", in: query}\n"));
        assertThat(reordered.definition().at("/inputSchema/properties").has(names.get(1)))
                .as("the same argument whatever the order").isTrue();
    }

    @Test
    void aParameterWithAnUnportableNameDeclaredTwiceIsReportedUnderItsOwnName() {
        var checked = check(ROUTE, """
                - description: d
                  method: GET
                  path: /shop/users
                  parameters:
                    - {name: "filter[status]", in: query}
                    - {name: "filter[status]", in: query}
                """);

        assertThat(checked.problems())
                .containsExactly(TOOL_AT + ".parameters[1]: argument query_filter[status] is defined twice");
    }

    @Test
    void twoParametersWhoseDigestsCollideAreRefusedRatherThanFilledByOneArgument() {
        // "query_x>!" and "query_x=@" have one String.hashCode, and both are query_x__ written portably
        var checked = check(ROUTE, """
                - description: d
                  method: GET
                  path: /shop/users
                  parameters:
                    - {name: "x>!", in: query}
                    - {name: "x=@", in: query}
                """);

        assertThat(checked.problems()).containsExactly(TOOL_AT + ".parameters: argument query_x___94526e24 is defined twice");
    }

    @Test
    void headerParameterNamedHostIsReported() {
        var checked = check(ROUTE, """
                - description: d
                  method: GET
                  path: /shop/users
                  parameters:
                    - {name: Host, in: header}
                """);

        assertThat(checked.problems())
                .containsExactly(TOOL_AT + ".parameters[0].name: header Host cannot be set by a tool argument");
    }

    @Test
    void headerParametersThatWouldOverrideTheMethodPathSchemeHostOrClientAddressAreReported() {
        var checked = check(ROUTE, """
                - description: d
                  method: GET
                  path: /shop/users
                  parameters:
                    - {name: X-HTTP-Method-Override, in: header}
                    - {name: X_Original_URL, in: header}
                    - {name: True-Client-IP, in: header}
                    - {name: X-Forwarded-Ssl, in: header}
                    - {name: X_Forwarded_Client_Cert, in: header}
                    - {name: X-Original-Host, in: header}
                    - {name: Client-IP, in: header}
                    - {name: X-Envoy-Internal, in: header}
                    - {name: X-Forwarded-Port, in: header}
                """);

        String refused = " cannot be set by a tool argument (it would change the method, path, scheme, host or client "
                + "address the service sees; a fixed header may set it)";
        assertThat(checked.problems()).containsExactly(
                TOOL_AT + ".parameters[0].name: header X-HTTP-Method-Override" + refused,
                TOOL_AT + ".parameters[1].name: header X_Original_URL" + refused,
                TOOL_AT + ".parameters[2].name: header True-Client-IP" + refused,
                TOOL_AT + ".parameters[3].name: header X-Forwarded-Ssl" + refused,
                TOOL_AT + ".parameters[4].name: header X_Forwarded_Client_Cert" + refused,
                TOOL_AT + ".parameters[5].name: header X-Original-Host" + refused,
                TOOL_AT + ".parameters[6].name: header Client-IP" + refused,
                TOOL_AT + ".parameters[7].name: header X-Envoy-Internal" + refused,
                TOOL_AT + ".parameters[8].name: header X-Forwarded-Port cannot be set by a tool argument (the gateway "
                        + "sets it)");
    }

    @Test
    void fixedHostHeaderIsReported() {
        var checked = check(ROUTE, """
                - description: d
                  method: GET
                  path: /shop/users
                  headers: {Host: [evil.example]}
                """);

        assertThat(checked.problems()).containsExactly(
                TOOL_AT + ".headers.Host: cannot be set (the service decides the upstream host and framing)");
    }

    @Test
    void headerParameterNamedProxyAuthorizationIsReported() {
        var checked = check(ROUTE, """
                - description: d
                  method: GET
                  path: /shop/users
                  parameters:
                    - {name: proxy-authorization, in: header}
                """);

        assertThat(checked.problems()).containsExactly(TOOL_AT + ".parameters[0].name: header proxy-authorization "
                + "cannot be set by a tool argument (the gateway never forwards proxy credentials)");
    }

    @Test
    void fixedIdentityAndUnsendableHeadersAreReportedSayingToRemoveThem() {
        var checked = check(ROUTE, """
                - description: d
                  method: GET
                  path: /shop/users
                  headers:
                    X-Consumer-Username: [admin]
                    X-Authenticated-Scope: [all]
                    "X Trace": ["1"]
                    X-Api-Version: ["2"]
                """);

        String identity = ": cannot be set (the gateway asserts the authenticated consumer): remove it; "
                + "to tell the upstream who calls, authenticate on the route";
        assertThat(checked.problems()).containsExactlyInAnyOrder(
                TOOL_AT + ".headers.X-Consumer-Username" + identity,
                TOOL_AT + ".headers.X-Authenticated-Scope" + identity,
                TOOL_AT + ".headers.X Trace: is not a valid header name (letters, digits and !#$%&'*+-.^_`|~ only): "
                        + "rename or remove it");
    }

    @Test
    void aHeaderParameterOrFixedHeaderSpelledWithUnderscoresIsRefusedAsItsDashedTwinIs() {
        // a CGI/WSGI server reads X_Consumer_Username as X-Consumer-Username: a caller could name any consumer
        var checked = check(ROUTE, """
                - description: d
                  method: GET
                  path: /shop/users
                  parameters:
                    - {name: X_Consumer_Username, in: header}
                    - {name: x_forwarded_for, in: header}
                    - {name: Content_Length, in: header}
                  headers:
                    X_Consumer_Id: [admin]
                """);

        assertThat(checked.problems()).containsExactlyInAnyOrder(
                TOOL_AT + ".parameters[0].name: header X_Consumer_Username cannot be set by a tool argument "
                        + "(the gateway sets it)",
                TOOL_AT + ".parameters[1].name: header x_forwarded_for cannot be set by a tool argument "
                        + "(the gateway sets it)",
                TOOL_AT + ".parameters[2].name: header Content_Length cannot be set by a tool argument",
                TOOL_AT + ".headers.X_Consumer_Id: cannot be set (the gateway asserts the authenticated consumer): "
                        + "remove it; to tell the upstream who calls, authenticate on the route");
    }

    @Test
    void aHeaderParameterNamingAFixedHeaderOfTheToolInAnySpellingLoadsWithAWarning() {
        // the fixed value is always sent: X_Api_Key beside it would reach a CGI/WSGI upstream as a second X-Api-Key
        var checked = check(ROUTE, """
                - description: d
                  method: GET
                  path: /shop/users
                  headers:
                    X-Api-Key: [operator-key]
                    x_tenant: [acme]
                  parameters:
                    - {name: X_Api_Key, in: header}
                    - {name: X-Tenant, in: header}
                    - {name: X-Trace, in: header}
                """);

        String rest = " (names are read regardless of case and of _ for -): the fixed value is sent and this "
                + "argument never is";
        // Kong loads such a tool: the argument is dropped when the call is made, and the author is told
        assertThat(checked.problems()).isEmpty();
        assertThat(checked.warnings()).containsExactlyInAnyOrder(
                TOOL_AT + ".parameters[0].name: header X_Api_Key is the tool's fixed header X-Api-Key" + rest,
                TOOL_AT + ".parameters[1].name: header X-Tenant is the tool's fixed header x_tenant" + rest);
    }

    @Test
    void fixedForwardingHeadersAndProxyCredentialsAreTheOperatorsToSend() {
        // X-Forwarded-Proto: https for an upstream behind a TLS terminator loads in Kong; an argument still cannot set it
        var checked = check(ROUTE, """
                - description: d
                  method: GET
                  path: /shop/users
                  headers:
                    X-Forwarded-Proto: [https]
                    X-Forwarded-For: [10.0.0.1]
                    Proxy-Authorization: [Basic eDp5]
                """);

        assertThat(checked.problems()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"a;admin", "a=b", "a b", "a,b", "a\"b", "(a)", "a\tb", "é"})
    void cookieParameterWhoseNameACookieHeaderCannotCarryIsReported(String name) {
        var checked = check(ROUTE, """
                - description: d
                  method: GET
                  path: /shop/users
                  parameters:
                    - {name: %s, in: cookie}
                """.formatted(Json.text(TextNode.valueOf(name))));

        assertThat(checked.problems()).containsExactly(TOOL_AT + ".parameters[0].name: cookie '" + name
                + "' is not a valid cookie name (letters, digits and !#$%&'*+-.^_`|~ only): a space, ;, =, comma or "
                + "quote would split the Cookie header");
    }

    @Test
    void toolNamesThatCollideAfterSanitizingAreReportedNamingBothPlaces() {
        var checked = check(ROUTE, """
                - {description: d, method: GET, path: /shop/users, annotations: {title: Get users}}
                - {description: d, method: GET, path: /shop/people, annotations: {title: Get_users}}
                """);

        assertThat(checked.problems()).containsExactly("services[0].routes[0].plugins[0].config.tools[1]: "
                + "tool name 'Get_users' is already used by " + TOOL_AT);
    }

    @Test
    void invalidExplicitNameIsSanitizedWithAWarning() {
        var checked = check(ROUTE, """
                - {description: d, method: GET, path: /shop/users, name: list users!}
                """);

        assertThat(checked.warnings()).containsExactly(
                TOOL_AT + ".name: 'list users!' is not a valid MCP tool name; serving it as 'list_users_'");
        assertThat(onlyTool(checked).name()).isEqualTo("list_users_");
    }

    @Test
    void unnamedToolsAreNamedAfterTheRouteAndTheirPosition() {
        var checked = check(ROUTE, """
                - {description: d, method: GET, path: /shop/users}
                - {description: d, method: POST, path: /shop/users}
                """);

        assertThat(checked.snapshot().toolSets().values().iterator().next().tools()).extracting(Tool::name)
                .containsExactly("r-1", "r-2");
    }
}
