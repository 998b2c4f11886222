package dev.toolgate.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static dev.toolgate.testing.Configs.load;
import static org.assertj.core.api.Assertions.assertThat;

/** Routes: what they match on, checked one value at a time. */
class RouteRulesTest {

    /** One service with one nested route whose fields are {@code route} (a YAML flow mapping body). */
    private static String route(String route) {
        return """
                _format_version: "3.0"
                services:
                  - name: shop
                    url: http://api.internal
                    routes:
                      - {%s}
                """.formatted(route);
    }

    @Test
    void routeWithoutPathsHostsMethodsOrHeadersIsReported() {
        var loaded = load(route("name: r, strip_path: false"));

        assertThat(loaded.problems())
                .containsExactly("services[0].routes[0]: must set at least one of paths, hosts, methods, headers");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"paths: [/shop]", "hosts: [shop.example.com]", "methods: [GET]",
            "headers: {x-tenant: [acme]}"})
    void anyOneMatchCriterionIsEnough(String criterion) {
        assertThat(load(route("name: r, " + criterion)).problems()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            ~/items/(\\d+     | is not a valid regex: Unclosed group
            ~/items/[0-9      | is not a valid regex: Unclosed character class
            ~*items           | is not a valid regex: Dangling meta character '*'
            """)
    void badRegexPathIsReportedWithTheReason(String path, String message) {
        var loaded = load(route("name: r, paths: ['" + path + "']"));

        assertThat(loaded.problems()).containsExactly("services[0].routes[0].paths[0]: " + message);
    }

    @Test
    void pathThatIsNeitherAPrefixNorARegexIsReported() {
        var loaded = load(route("name: r, paths: [/ok, shop]"));

        assertThat(loaded.problems())
                .containsExactly("services[0].routes[0].paths[1]: must start with / (a prefix) or ~ (a regex)");
    }

    @Test
    void methodThatIsNotUpperCaseIsReportedAtItsIndex() {
        var loaded = load(route("name: r, methods: [GET, post, \"PUT \"]"));

        assertThat(loaded.problems()).containsExactly(
                "services[0].routes[0].methods[1]: must be an upper-case HTTP method",
                "services[0].routes[0].methods[2]: must be an upper-case HTTP method");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"*.example.*", "shop example.com", "shop.*.com", "shop.example.com:123456", "*",
            "https://shop.example.com"})
    void badHostIsReported(String host) {
        var loaded = load(route("name: r, hosts: ['" + host + "']"));

        assertThat(loaded.problems()).containsExactly(
                "services[0].routes[0].hosts[0]: must be a host name, with at most one wildcard at its start or end");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"shop.example.com", "*.example.com", "shop.example.*", "shop.example.com:8443",
            "localhost", "10.0.0.7"})
    void goodHostIsAccepted(String host) {
        assertThat(load(route("name: r, hosts: ['" + host + "']")).problems()).isEmpty();
    }

    @Test
    void protocolOutsideKongsHttpProtocolsIsReported() {
        var loaded = load(route("name: r, paths: [/shop], protocols: [https, tcp]"));

        assertThat(loaded.problems()).containsExactly(
                "services[0].routes[0].protocols[1]: must be one of http, https, grpc, grpcs, ws, wss");
    }

    @Test
    void aRouteForNeitherHttpNorHttpsIsRefusedSinceKongWouldNeverMatchItToAnHttpRequest() {
        var loaded = load(route("name: r, paths: [/shop], protocols: [grpc, grpcs]"));

        assertThat(loaded.problems()).containsExactly("services[0].routes[0].protocols: names neither http nor "
                + "https: Toolgate serves HTTP routes only; add http, https, or both");
    }

    @Test
    void pathHandlingOtherThanV0OrV1IsReported() {
        var loaded = load(route("name: r, paths: [/shop], path_handling: v2"));

        assertThat(loaded.problems()).containsExactly("services[0].routes[0].path_handling: must be one of v0, v1");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sources", "destinations", "expression", "priority"})
    void streamAndExpressionFieldsAreReported(String field) {
        var loaded = load(route("name: r, paths: [/shop], " + field + ": x"));

        assertThat(loaded.problems()).containsExactly("services[0].routes[0]." + field
                + ": is not supported by Toolgate (traditional HTTP routes only)");
    }

    @Test
    void aRouteOnSnisIsRefusedAtItsPathSinceToolgateNeverSeesTheServerNameAndWouldServeEveryName() {
        var loaded = load(route("name: r, paths: [/shop], snis: [shop.example.com]"));

        assertThat(loaded.problems()).containsExactly("services[0].routes[0].snis: is not supported by Toolgate: its "
                + "listeners serve plain HTTP (TLS ends in front of them), so the server name a client's TLS connection "
                + "asked for is unknown; remove snis, and match the names on hosts");
    }

    @Test
    void anEmptySnisListIsNoCriterionAsInKongAndLoads() {
        assertThat(load(route("name: r, paths: [/shop], snis: []")).problems()).isEmpty();
    }

    @Test
    void nestedRouteNamingAServiceIsReported() {
        var loaded = load(route("name: r, paths: [/shop], service: shop"));

        assertThat(loaded.problems()).containsExactly(
                "services[0].routes[0].service: a route nested under a service belongs to it; remove 'service'");
    }

    @Test
    void topLevelRouteWithoutAServiceIsValid() {
        var loaded = load("""
                _format_version: "3.0"
                routes:
                  - {name: listener, paths: [/mcp]}
                """);

        assertThat(loaded.problems()).isEmpty();
        assertThat(loaded.config().routes().getFirst().serviceId()).isNull();
    }

    @Test
    void headerNamesAreLowerCasedAndASingleValueBecomesAList() {
        var loaded = load(route("name: r, headers: {X-Tenant: acme, X-Region: [eu, us]}"));

        assertThat(loaded.config().routes().getFirst().headers())
                .containsOnly(java.util.Map.entry("x-tenant", List.of("acme")),
                        java.util.Map.entry("x-region", List.of("eu", "us")));
    }

    @Test
    void aHeaderRegexThatDoesNotCompileIsReportedAtItsValue() {
        var loaded = load(route("name: r, headers: {X-Tenant: [acme, '~*^(acme-'], X-Region: '~*[eu'}"));

        assertThat(loaded.problems()).containsExactlyInAnyOrder(
                "services[0].routes[0].headers.X-Tenant[1]: is not a valid regex after ~*: Unclosed group",
                "services[0].routes[0].headers.X-Region[0]: is not a valid regex after ~*: Unclosed character class");
    }

    @Test
    void aValidHeaderRegexLoadsAsWritten() {
        var loaded = load(route("name: r, headers: {X-Tenant: '~*^acme-'}"));

        assertThat(loaded.problems()).isEmpty();
        assertThat(loaded.config().routes().getFirst().headers()).containsEntry("x-tenant", List.of("~*^acme-"));
    }
}
