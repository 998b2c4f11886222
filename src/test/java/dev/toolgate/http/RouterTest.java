package dev.toolgate.http;

import dev.toolgate.config.Route;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Kong's traditional route matching and precedence. */
class RouterTest {

    private static Route route(String name, List<String> paths, List<String> methods, List<String> hosts,
                               Map<String, List<String>> headers, int regexPriority) {
        return new Route("id-" + name, name, paths, methods, hosts, headers, List.of("http", "https"), 426, true, false,
                "v0", regexPriority, List.of(), "service", "routes[" + name + "]");
    }

    private static Route paths(String name, String... paths) {
        return route(name, List.of(paths), List.of(), List.of(), Map.of(), 0);
    }

    private static Route regex(String name, String regex, int priority) {
        return route(name, List.of(regex), List.of(), List.of(), Map.of(), priority);
    }

    private static Route hosts(String name, String... hosts) {
        return route(name, List.of("/x"), List.of(), List.of(hosts), Map.of(), 0);
    }

    private static String match(List<Route> routes, String method, String host, String path,
                                Map<String, String> headers) {
        return matchLines(routes, path, Map.copyOf(headers.entrySet().stream()
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> List.of(e.getValue())))), method, host);
    }

    /** A request whose headers may come on several lines each. */
    private static String matchLines(List<Route> routes, String path, Map<String, List<String>> headers, String method,
                                     String host) {
        return new Router(routes).match(method, host, path, name -> headers.getOrDefault(name, List.of()))
                .map(m -> m.route().name()).orElse(null);
    }

    private static String matchLines(List<Route> routes, Map<String, List<String>> headers) {
        return matchLines(routes, "/mcp", headers, "POST", "gateway.local");
    }

    private static Route headers(String name, Map<String, List<String>> headers) {
        return route(name, List.of("/mcp"), List.of(), List.of(), headers, 0);
    }

    private static String match(List<Route> routes, String path) {
        return match(routes, "GET", "gateway.local", path, Map.of());
    }

    @Test
    void regexBeatsEvenAPlainPathEqualToTheRequestAsInKong() {
        // Kong's router puts regex paths before plain ones; a plain path equal to the request is no exception
        var routes = List.of(paths("prefix", "/ap"), regex("regex", "~/api.*", 100), paths("exact", "/api"));

        assertThat(match(routes, "/api")).isEqualTo("regex");
        assertThat(match(List.of(paths("prefix", "/ap"), paths("exact", "/api")), "/api")).isEqualTo("exact");
    }

    @Test
    void aRegexThatBacktracksPastItsBudgetDoesNotMatchAndTheNextRouteDoes() {
        // ~/api/(a+)+$ on 3,000 a's and a b would backtrack for hours in Java's engine
        var routes = List.of(regex("nested", "~/api/(a+)+$", 100), paths("fallback", "/api"));
        String path = "/api/" + "a".repeat(3000) + "b";

        assertThat(match(routes, path)).isEqualTo("fallback");
        assertThat(match(routes, "/api/aaa")).as("a path it matches in time").isEqualTo("nested");
    }

    @Test
    void regexBeatsPrefixWhateverTheirLengths() {
        var routes = List.of(paths("prefix", "/api/v2/users"), regex("regex", "~/api/v\\d+", 0));

        assertThat(match(routes, "/api/v2/users/7")).isEqualTo("regex");
    }

    @Test
    void higherRegexPriorityWins() {
        var routes = List.of(regex("low", "~/api/.*", 1), regex("high", "~/api/v\\d+/.*", 5));

        assertThat(match(routes, "/api/v2/users")).isEqualTo("high");
    }

    @Test
    void aNegativeRegexPriorityRanksItsRouteAboveEveryOtherAsKong3sPriorityArithmeticDoes() {
        // Kong 3.x packs regex_priority into an unsigned 64-bit number: a negative one sets its top bit
        var specific = route("specific", List.of("~/api/v\\d+/users"), List.of("GET"), List.of("gateway.local"),
                Map.of("x-tenant", List.of("acme")), 100);
        var routes = List.of(specific, paths("exact", "/api/v2/users"), regex("meant-last", "~/api/.*", -1));

        assertThat(match(routes, "GET", "gateway.local", "/api/v2/users", Map.of("x-tenant", "acme")))
                .isEqualTo("meant-last");
        assertThat(match(routes, "/other")).as("its regex does not match").isNull();
    }

    @Test
    void aNegativeRegexPriorityCountsOnlyWhenItsRegexMatchedAndItsValueOrdersNothingAmongNegatives() {
        var mixed = route("mixed", List.of("~/nowhere", "/api"), List.of(), List.of(), Map.of(), -1);
        assertThat(match(List.of(mixed, paths("longer", "/api/v2")), "/api/v2/users"))
                .as("matched by its prefix").isEqualTo("longer");

        // Kong's arithmetic loses the value: -1 and -5 tie, and the routes' other criteria decide
        var withMethod = route("with-method", List.of("~/api/.*"), List.of("GET"), List.of(), Map.of(), -5);
        assertThat(match(List.of(regex("minus-one", "~/api/.*", -1), withMethod), "/api/v2/users"))
                .isEqualTo("with-method");
        assertThat(match(List.of(regex("minus-one", "~/api/.*", -1), regex("minus-five", "~/api/.*", -5)),
                "/api/v2/users")).as("a tie: the route defined first").isEqualTo("minus-one");
    }

    @Test
    void longestPrefixWins() {
        var routes = List.of(paths("short", "/api"), paths("long", "/api/v2"), paths("mid", "/api/"));

        assertThat(match(routes, "/api/v2/users")).isEqualTo("long");
    }

    @Test
    void bestOfARoutesPathsCounts() {
        var routes = List.of(paths("many", "/a", "/api/v1"), paths("mid", "/api"));

        assertThat(match(routes, "/api/v1/x")).isEqualTo("many");
    }

    @Test
    void routeWithMoreCriteriaWinsOverALongerPath() {
        var routes = List.of(paths("long-path", "/api/v2/users"),
                route("with-method", List.of("/api"), List.of("GET"), List.of(), Map.of(), 0));

        assertThat(match(routes, "/api/v2/users")).isEqualTo("with-method");
    }

    @Test
    void routeWithPathsOutranksARouteWithOnlyMethodsAsInKong() {
        // Kong counts paths among the criteria: {methods} and {paths} tie on count, then the path decides
        var routes = List.of(route("methods-only", List.of(), List.of("GET"), List.of(), Map.of(), 0),
                paths("paths-only", "/api"));

        assertThat(match(routes, "/api")).isEqualTo("paths-only");
    }

    @Test
    void plainHostOutranksAWildcardHostAsInKong() {
        var routes = List.of(hosts("wildcard", "*.example.com"), hosts("plain", "api.example.com"));

        assertThat(match(routes, "GET", "api.example.com", "/x", Map.of())).isEqualTo("plain");
    }

    @Test
    void theKindOfCriterionBreaksNoTieAsInKong3SoAWildcardHostLosesToAPathAHeaderOrARegex() {
        // Kong 3.x counts the criteria a route sets but no longer ranks host over header over path over method
        // (Kong 2.x did); a wildcard host adds nothing more, so the next rules decide
        Route wildcard = route("wildcard", List.of(), List.of(), List.of("*.example.com"), Map.of(), 0);
        Route header = route("header", List.of(), List.of(), List.of(), Map.of("x-tenant", List.of("acme")), 0);

        assertThat(match(List.of(wildcard, paths("path", "/mcp")), "GET", "api.example.com", "/mcp", Map.of()))
                .as("the path's length").isEqualTo("path");
        assertThat(match(List.of(wildcard, regex("regex", "~/mcp", 0)), "GET", "api.example.com", "/mcp", Map.of()))
                .as("a regex path").isEqualTo("regex");
        assertThat(match(List.of(wildcard, header), "GET", "api.example.com", "/mcp", Map.of("x-tenant", "acme")))
                .as("the header count").isEqualTo("header");
    }

    @Test
    void aRouteWithAnyWildcardHostRanksBelowOneWithOnlyPlainHostsEvenWhenThePlainHostMatchedAsInKong3() {
        // Kong's tiebreaker: A wins when A has only plain hosts and B has one or more wildcard hosts; it looks at
        // the route's hosts, not at the one that matched, and before path lengths
        Route mixed = route("mixed", List.of("/mcp/admin"), List.of(), List.of("api.example.com", "*.example.org"),
                Map.of(), 0);
        Route plain = route("plain", List.of("/mcp"), List.of(), List.of("api.example.com"), Map.of(), 0);

        assertThat(match(List.of(mixed, plain), "GET", "api.example.com", "/mcp/admin", Map.of())).isEqualTo("plain");
        assertThat(match(List.of(mixed, plain), "GET", "a.example.org", "/mcp/admin", Map.of())).isEqualTo("mixed");
    }

    @Test
    void anEmptyHostsListMatchesAnyHostYetRanksAsPlainHostsOnlyAsKong3DoesSoItBeatsARouteWithoutHosts() {
        // Kong's get_priority asks whether hosts is a list, not whether it holds a host
        var loaded = dev.toolgate.testing.Configs.load("""
                _format_version: "3.0"
                services:
                  - name: api
                    url: http://api.internal
                    routes:
                      - {name: no-hosts, paths: [/api], headers: {x-tenant: [acme]}}
                      - {name: wildcard, paths: [/api], hosts: ["*.example.com"]}
                      - {name: empty-hosts, paths: [/api], hosts: [], headers: {x-tenant: [acme]}}
                """);
        assertThat(loaded.problems()).isEmpty();
        List<Route> routes = loaded.config().routes();

        assertThat(match(routes, "GET", "api.example.com", "/api", Map.of("x-tenant", "acme")))
                .isEqualTo("empty-hosts");
        assertThat(match(List.of(routes.get(2)), "GET", "other.example.org", "/api", Map.of("x-tenant", "acme")))
                .as("it sets no host criterion").isEqualTo("empty-hosts");
    }

    @Test
    void tieGoesToTheRouteDefinedFirst() {
        var routes = List.of(paths("first", "/tie"), paths("second", "/tie"));

        assertThat(match(routes, "/tie")).isEqualTo("first");
        assertThat(match(routes.reversed(), "/tie")).isEqualTo("second");
    }

    @Test
    void methodTheRouteDoesNotAllowDoesNotMatch() {
        var routes = List.of(route("reads", List.of("/reads"), List.of("GET"), List.of(), Map.of(), 0));

        assertThat(match(routes, "POST", "gateway.local", "/reads", Map.of())).isNull();
        assertThat(match(routes, "GET", "gateway.local", "/reads", Map.of())).isEqualTo("reads");
    }

    @ParameterizedTest(name = "{0} vs Host {1}")
    @CsvSource(nullValues = "null", textBlock = """
            *.example.com,          api.example.com,       true
            *.example.com,          a.b.example.com,       true
            *.example.com,          example.com,           false
            *.example.com,          API.Example.COM:8000,  true
            api.example.*,          api.example.org,       true
            api.example.*,          api.example.org:8443,  true
            api.example.*,          www.example.org,       false
            api.example.com,        api.example.com:8000,  true
            api.example.com:8443,   api.example.com:8443,  true
            api.example.com:8443,   api.example.com,       false
            api.example.com,        null,                  false
            api.example.com,        api.example.com.,      true
            api.example.com,        API.example.com.:8000, true
            api.example.com:8443,   api.example.com.:8443, true
            *.example.com,          a.example.com.,        true
            api.example.com,        .,                     false
            """)
    void hostPatternMatchesLikeKong(String pattern, String host, boolean matches) {
        var routes = List.of(hosts("h", pattern));

        assertThat(match(routes, "GET", host, "/x", Map.of())).isEqualTo(matches ? "h" : null);
    }

    @Test
    void everyRouteHeaderMustMatchOneOfItsValuesCaseInsensitively() {
        var routes = List.of(route("tenant", List.of(), List.of(), List.of(),
                Map.of("x-tenant", List.of("acme", "globex"), "x-region", List.of("eu")), 0));

        assertThat(match(routes, "GET", null, "/", Map.of("x-tenant", "ACME", "x-region", "eu"))).isEqualTo("tenant");
        assertThat(match(routes, "GET", null, "/", Map.of("x-tenant", "acme"))).isNull();
        assertThat(match(routes, "GET", null, "/", Map.of("x-tenant", "initech", "x-region", "eu"))).isNull();
    }

    @Test
    void aHeaderValueWrittenTildeStarIsACaseInsensitiveRegexFoundAnywhereInTheValueAsInKong() {
        var routes = List.of(headers("acme", Map.of("x-tenant", List.of("~*^acme-", "~*-eu$"))), paths("open", "/mcp"));

        assertThat(matchLines(routes, Map.of("x-tenant", List.of("ACME-1")))).isEqualTo("acme");
        assertThat(matchLines(routes, Map.of("x-tenant", List.of("globex-EU")))).isEqualTo("acme");
        assertThat(matchLines(routes, Map.of("x-tenant", List.of("globex-1")))).isEqualTo("open");
        assertThat(matchLines(routes, Map.of("x-tenant", List.of("~*^acme-")))).as("not compared as text")
                .isEqualTo("open");
        assertThat(matchLines(routes, Map.of())).isEqualTo("open");
    }

    @Test
    void aRequestHeaderSentOnSeveralLinesMatchesWhenAnyLineDoesAsInKong() {
        var routes = List.of(headers("acme", Map.of("x-tenant", List.of("acme"))),
                headers("regex", Map.of("x-region", List.of("~*^eu-"))), paths("open", "/mcp"));

        assertThat(matchLines(routes, Map.of("x-tenant", List.of("globex", "ACME")))).isEqualTo("acme");
        assertThat(matchLines(routes, Map.of("x-region", List.of("us-1", "eu-2")))).isEqualTo("regex");
        assertThat(matchLines(routes, Map.of("x-tenant", List.of("globex", "initech")))).isEqualTo("open");
    }

    @Test
    void aHeaderRegexThatBacktracksPastItsBudgetDoesNotMatchAndTheNextRouteDoes() {
        var routes = List.of(headers("nested", Map.of("x-id", List.of("~*^(a+)+$"))), paths("open", "/mcp"));

        assertThat(matchLines(routes, Map.of("x-id", List.of("a".repeat(3000) + "b")))).isEqualTo("open");
        assertThat(matchLines(routes, Map.of("x-id", List.of("aaa")))).isEqualTo("nested");
    }

    @Test
    void oneRequestsHeaderLinesShareOneRegexBudgetSoRepeatingALineCannotMultiplyIt() {
        var routes = List.of(headers("nested", Map.of("x-id", List.of("~*^(a+)+$"))), paths("open", "/mcp"));
        List<String> lines = new java.util.ArrayList<>(java.util.Collections.nCopies(100, "a".repeat(200) + "b"));

        assertThat(matchLines(routes, Map.of("x-id", List.of("a".repeat(200) + "b", "aaa"))))
                .as("one such line costs a fraction of the budget").isEqualTo("nested");
        lines.add("aaa");
        assertThat(matchLines(routes, Map.of("x-id", lines))).as("a hundred spend it").isEqualTo("open");
    }

    @Test
    void matchReportsWhatThePathMatchedForStripping() {
        var router = new Router(List.of(paths("prefix", "/a", "/api"), regex("regex", "~/r/\\d+", 0)));

        assertThat(router.match("GET", null, "/api/x", h -> List.of())).get().extracting(RouteMatch::matchedPrefix)
                .isEqualTo("/api");
        assertThat(router.match("GET", null, "/r/7/x", h -> List.of())).get().extracting(RouteMatch::matchedPrefix)
                .isEqualTo("/r/7");
    }

    @Test
    void regexIsAnchoredAtTheStartOfThePath() {
        var routes = List.of(regex("regex", "~/users/\\d+", 0));

        assertThat(match(routes, "/users/7/orders")).isEqualTo("regex");
        assertThat(match(routes, "/v1/users/7")).isNull();
    }

    @Test
    void aDoubledSlashOrAnEncodedLetterReachesTheMoreSpecificRouteAsInKong() {
        var routes = List.of(paths("public", "/mcp"), paths("admin", "/mcp/admin"));

        assertThat(match(routes, Router.normalize("/mcp//admin"))).isEqualTo("admin");
        assertThat(match(routes, Router.normalize("/mcp/%61dmin"))).isEqualTo("admin");
        assertThat(match(routes, Router.normalize("/mcp/%2561dmin"))).as("%25 stays encoded").isEqualTo("public");
    }

    @Test
    void aRoutePathIsComparedInTheFormRequestPathsTake() {
        var routes = List.of(paths("public", "/mcp"), paths("slashed", "/mcp/a%2fb"));

        assertThat(match(routes, Router.normalize("/mcp/a%2Fb"))).isEqualTo("slashed");
        assertThat(match(routes, Router.normalize("/mcp/a/b"))).isEqualTo("public");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(nullValues = "null", textBlock = """
            /mcp/../admin,          /admin
            /mcp/%2e%2e/admin,      /admin
            /mcp/%2E%2E/admin,      /admin
            /mcp/.%2e/admin,        /admin
            /a/./b,                 /a/b
            /a/b/..,                /a/
            /a/b/.,                 /a/b/
            /..,                    /
            /../../etc,             /etc
            /plain/path,            /plain/path
            /a/.hidden/b,           /a/.hidden/b
            '',                     /
            null,                   /
            /a//b,                  /a/b
            //admin,                /admin
            /a//,                   /a/
            //,                     /
            /a/.//b,                /a/b
            /%61dmin,               /admin
            /mcp/%41%7a%30-%5F%7e,  /mcp/Az0-_~
            /a%2fb,                 /a%2Fb
            /a%2F..%2fb,            /a%2F..%2Fb
            /a%20b%c3%a9,           /a%20b%C3%A9
            /a%25,                  /a%25
            /a%2561,                /a%2561
            /a%zz%4,                /a%zz%4
            """)
    void normalizeDecodesUnreservedCharactersMergesSlashesAndResolvesDotSegments(String raw, String normalized) {
        assertThat(Router.normalize(raw)).isEqualTo(normalized);
    }
}
