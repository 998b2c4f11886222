package dev.toolgate.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;
import java.util.stream.Collectors;

import static dev.toolgate.testing.Configs.load;
import static org.assertj.core.api.Assertions.assertThat;

/** Services: either a url or protocol/host/port/path, with Kong's rules for each. */
class ServiceReaderTest {

    @Test
    void urlCombinedWithHostOrPortIsReportedForEachPart() {
        var loaded = load("""
                _format_version: "3.0"
                services:
                  - name: shop
                    url: http://api.internal
                    host: other.internal
                    port: 8080
                """);

        assertThat(loaded.problems()).containsExactly(
                "services[0].host: cannot be combined with url",
                "services[0].port: cannot be combined with url");
    }

    @Test
    void urlCombinedWithProtocolOrPathIsReported() {
        var loaded = load("""
                _format_version: "3.0"
                services:
                  - {name: shop, url: http://api.internal, protocol: https, path: /v1}
                """);

        assertThat(loaded.problems()).containsExactly(
                "services[0].protocol: cannot be combined with url",
                "services[0].path: cannot be combined with url");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            ftp://api.internal         | must be an http:// or https:// URL
            api.internal               | must be an http:// or https:// URL
            http:///v1                 | must name a host
            http://mcp_server:99999    | must name a host
            http://api.internal:99999  | has a port past 65535
            http://api.internal:65536/ | has a port past 65535
            http://user@mcp_server     | must name a host
            http://api.internal/v1?x=1 | must not have a query or fragment
            http://api.internal/v1#top | must not have a query or fragment
            http://api internal        | is not a valid URL: Illegal character in authority
            ::                         | is not a valid URL: Expected scheme name
            """)
    void badUrlIsReportedWithTheReason(String url, String message) {
        var loaded = load("""
                _format_version: "3.0"
                services:
                  - name: shop
                    url: "%s"
                """.formatted(url));

        assertThat(loaded.problems()).containsExactly("services[0].url: " + message);
    }

    @Test
    void urlSetsProtocolHostPortAndPath() {
        var loaded = load("""
                _format_version: "3.0"
                services:
                  - {name: shop, url: "HTTPS://api.example.com:8443/v2/shop"}
                """);

        Service service = loaded.config().services().getFirst();
        assertThat(service.protocol()).isEqualTo("https");
        assertThat(service.host()).isEqualTo("api.example.com");
        assertThat(service.port()).isEqualTo(8443);
        assertThat(service.path()).isEqualTo("/v2/shop");
        assertThat(service.url()).isEqualTo("https://api.example.com:8443/v2/shop");
    }

    private static Map<String, String> routeIdsByPath(String routes) {
        var loaded = load("""
                _format_version: "3.0"
                services:
                  - name: api
                    url: http://api.internal
                    routes:
                %s""".formatted(routes.indent(4)));
        assertThat(loaded.problems()).isEmpty();
        return loaded.config().routes().stream().collect(Collectors.toMap(r -> String.join(",", r.paths()) + " "
                + r.methods(), Route::id, (a, b) -> a + "|" + b));
    }

    @Test
    void aRouteWithoutANameKeepsItsIdWhenARouteBeforeItIsRemovedReorderedOrWrittenOtherwise() {
        Map<String, String> three = routeIdsByPath("""
                - {paths: [/a]}
                - {paths: [/b]}
                - {paths: [/c], strip_path: false, headers: {x-tenant: [acme]}}
                """);
        Map<String, String> two = routeIdsByPath("""
                - {protocols: [http, https], paths: [/c], headers: {X-Tenant: [other]}, tags: [moved]}
                - {paths: [/b], strip_path: true}
                """);

        assertThat(two.get("/b []")).isEqualTo(three.get("/b []"));
        assertThat(two.get("/c []")).isEqualTo(three.get("/c []"));
        assertThat(three.values()).doesNotHaveDuplicates();
    }

    @Test
    void routesWithoutANameThatMatchAlikeStillHaveIdsOfTheirOwn() {
        Map<String, String> ids = routeIdsByPath("""
                - {paths: [/a]}
                - {paths: [/a]}
                - {paths: [/a], methods: [GET]}
                """);

        assertThat(ids.get("/a []").split("\\|")).doesNotHaveDuplicates().hasSize(2);
        assertThat(ids.get("/a [GET]")).isNotIn(ids.get("/a []").split("\\|"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "null", textBlock = """
            http://mcp_server:8080/mcp | http  | mcp_server   | 8080 | /mcp
            https://tools_api          | https | tools_api    | 443  | null
            http://my_mcp.internal:81  | http  | my_mcp.internal | 81 | null
            """)
    void aUrlWhoseHostNameHasAnUnderscoreLoadsAsKongLoadsIt(String url, String protocol, String host, int port,
                                                         String path) {
        var loaded = load("""
                _format_version: "3.0"
                services:
                  - {name: tools, url: "%s"}
                """.formatted(url));

        assertThat(loaded.problems()).isEmpty();
        Service service = loaded.config().services().getFirst();
        assertThat(service.protocol()).isEqualTo(protocol);
        assertThat(service.host()).isEqualTo(host);
        assertThat(service.port()).isEqualTo(port);
        assertThat(service.path()).isEqualTo(path);
    }

    @Test
    void pathThatDoesNotStartWithASlashIsReported() {
        var loaded = load("""
                _format_version: "3.0"
                services:
                  - {name: shop, host: api.internal, port: 80, path: v1}
                """);

        assertThat(loaded.problems()).containsExactly("services[0].path: must start with /");
    }

    @Test
    void protocolOtherThanHttpOrHttpsIsReported() {
        var loaded = load("""
                _format_version: "3.0"
                services:
                  - {name: shop, protocol: grpc, host: api.internal, port: 80}
                """);

        assertThat(loaded.problems()).containsExactly("services[0].protocol: must be one of http, https");
    }

    @Test
    void serviceWithHostAndNoPortLoadsWithTheSchemesDefaultPort() {
        var loaded = load("""
                _format_version: "3.0"
                services:
                  - {name: plain, host: api.internal}
                  - {name: secure, protocol: https, host: api.internal}
                """);

        assertThat(loaded.problems()).isEmpty();
        assertThat(loaded.config().services()).extracting(Service::port).containsExactly(80, 443);
    }

    @Test
    void clientCertificatesAreReportedAsNotSupportedYet() {
        var loaded = load("""
                _format_version: "3.0"
                services:
                  - name: shop
                    url: https://api.internal
                    client_certificate: {id: 3f2504e0-4f89-11d3-9a0c-0305e82c3301}
                    ca_certificates: [3f2504e0-4f89-11d3-9a0c-0305e82c3302]
                """);

        assertThat(loaded.problems()).containsExactly(
                "services[0].client_certificate: is not supported by Toolgate yet",
                "services[0].ca_certificates: is not supported by Toolgate yet");
    }

    @Test
    void disabledServiceIsLoadedAsDisabled() {
        var loaded = load("""
                _format_version: "3.0"
                services:
                  - {name: shop, url: http://api.internal, enabled: false, tls_verify: false}
                """);

        assertThat(loaded.problems()).isEmpty();
        assertThat(loaded.config().services().getFirst().enabled()).isFalse();
        assertThat(loaded.config().services().getFirst().tlsVerify()).isFalse();
    }
}
