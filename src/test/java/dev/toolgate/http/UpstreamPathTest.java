package dev.toolgate.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The upstream path of a request: Kong's strip_path and path_handling rules. */
class UpstreamPathTest {

    /**
     * Kong's own table (the path_handling description of the Route entity):
     * service path, route path, strip_path, path_handling, request path, upstream path.
     */
    @ParameterizedTest(name = "{3} strip={2}: {0} + {1} with {4} -> {5}")
    @CsvSource(textBlock = """
            /s, /fv0,  false, v0, /fv0req,  /s/fv0req
            /s, /fv1,  false, v1, /fv1req,  /sfv1req
            /s, /tv0,  true,  v0, /tv0req,  /s/req
            /s, /tv1,  true,  v1, /tv1req,  /sreq
            /s, /fv0/, false, v0, /fv0/req, /s/fv0/req
            /s, /fv1/, false, v1, /fv1/req, /sfv1/req
            /s, /tv0/, true,  v0, /tv0/req, /s/req
            /s, /tv1/, true,  v1, /tv1/req, /sreq
            """)
    void followsKongsPathHandlingTable(String servicePath, String routePath, boolean strip, String handling,
                                       String request, String upstream) {
        assertThat(UpstreamPath.of(servicePath, routePath, request, strip, handling)).isEqualTo(upstream);
    }

    @ParameterizedTest(name = "{0} + {1} -> {2}")
    @CsvSource(textBlock = """
            /s/,  /tv0/req,  /s/tv0/req
            /s/,  tv0req,    /s/tv0req
            /s,   /tv0/req,  /s/tv0/req
            """)
    void joiningNeverDoublesOrDropsTheSlashBetweenServiceAndRequestPath(String servicePath, String remainder,
                                                                        String joined) {
        assertThat(UpstreamPath.of(servicePath, "/p", "/p" + remainder, true, "v0")).isEqualTo(joined);
    }

    @Test
    void withoutAServicePathTheRemainderIsTheUpstreamPath() {
        assertThat(UpstreamPath.of(null, "/notify", "/notify/all", true, "v0")).isEqualTo("/all");
        assertThat(UpstreamPath.of(null, "/ledger", "/ledger/entries/9", false, "v0")).isEqualTo("/ledger/entries/9");
        assertThat(UpstreamPath.of("", "/notify", "/notifyall", true, "v0")).isEqualTo("/all");
    }

    @Test
    void strippingTheWholePathLeavesTheServicePathOrTheRoot() {
        assertThat(UpstreamPath.of("/api", "/notify", "/notify", true, "v0")).isEqualTo("/api");
        assertThat(UpstreamPath.of(null, "/notify", "/notify", true, "v0")).isEqualTo("/");
    }

    @Test
    void regexOrPathlessMatchKeepsTheWholeRequestPath() {
        assertThat(UpstreamPath.of("/v2", null, "/reports/2026/q3", true, "v0")).isEqualTo("/v2/reports/2026/q3");
    }

    @Test
    void percentEncodingOfTheRequestPathIsKept() {
        assertThat(UpstreamPath.of("/api", "/files", "/files/a%2Fb%20c", true, "v0")).isEqualTo("/api/a%2Fb%20c");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(textBlock = """
            /base/../admin,        true
            /base/%2e%2E/admin,    true
            /base/..;/admin,       true
            /base/..;jsessionid=1, true
            /base/..%2Fadmin,      true
            /base/..%5cadmin,      true
            /base/..\\admin,       true
            /base/./x,             true
            /base/.../x,           false
            /base/a;b/c,           false
            /base/file.json,       false
            /base/v1.2/items,      false
            /base/100%25,          false
            """)
    void aDotSegmentIsFoundHoweverACommonServerWouldReadOne(String path, boolean found) {
        assertThat(UpstreamPath.hasDotSegment(path)).isEqualTo(found);
    }
}
