package dev.toolgate.hardening;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RestUpstream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.toolgate.testing.McpAssertions.assertStillServes;
import static dev.toolgate.testing.McpAssertions.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tool arguments an attacker would send: numbers that expand when written out, values that try to
 * change where a call goes or smuggle headers, and shapes that multiply when encoded. Each is either
 * refused before any upstream call with a tool error that says why, or sent encoded so it stays inside
 * its place; the next call is served.
 */
@Timeout(60)
class ArgumentBadInputIT {

    static BadInputGateway fixture;
    static McpHttp mcp;

    /**
     * @param name      what is tried
     * @param tool      the tool called
     * @param arguments the arguments, as JSON
     * @param refused   a fragment of the tool error when the call is refused before the upstream; null when sent
     * @param sent      when sent: a fragment of what the upstream receives (URI, headers or body)
     */
    record Case(String name, String tool, String arguments, String refused, String sent) {
        @Override
        public String toString() {
            return name;
        }
    }

    @BeforeAll
    static void start() {
        fixture = new BadInputGateway();
        mcp = fixture.session();
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    @BeforeEach
    void forget() {
        fixture.upstream.clear();
    }

    static Case refused(String name, String tool, String arguments, String why) {
        return new Case(name, tool, arguments, why, null);
    }

    static Case sent(String name, String tool, String arguments, String sent) {
        return new Case(name, tool, arguments, null, sent);
    }

    static Case item(String name, String extra, String refused, String sent) {
        return new Case(name, "get_item", "{\"path_id\":\"a1\"" + (extra.isEmpty() ? "" : "," + extra) + "}", refused, sent);
    }

    static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        String tooLong = "is too long";
        String range = "outside the 64-bit integer range";
        // numbers that expand when written out
        cases.add(item("an integer of 1e999999999 (a billion digits written out)", "\"query_limit\":1e999999999", tooLong, null));
        cases.add(item("an integer of 1e100000000", "\"query_limit\":1e100000000", tooLong, null));
        cases.add(item("an integer of -1e999999999", "\"query_limit\":-1e999999999", tooLong, null));
        cases.add(item("a number of 1e-999999999", "\"query_ratio\":1e-999999999", tooLong, null));
        cases.add(item("a number of 1e999999999", "\"query_ratio\":1e999999999", tooLong, null));
        cases.add(item("an integer just past 64 bits", "\"query_limit\":9223372036854775808", range, null));
        cases.add(item("an integer just below -2^63", "\"query_limit\":-9223372036854775809", range, null));
        cases.add(item("an integer of 1e30", "\"query_limit\":1e30", range, null));
        cases.add(item("an integer of 1e400", "\"query_limit\":1e400", tooLong, null));
        cases.add(item("a header integer of 1e999999999", "\"header_X-Count\":1e999999999", tooLong, null));
        cases.add(item("a header integer past 64 bits", "\"header_X-Count\":99999999999999999999", range, null));
        cases.add(item("an array item of 1e999999999", "\"query_ids\":[1,1e999999999]", tooLong, null));
        cases.add(item("an array item past 64 bits", "\"query_ids\":[1,9223372036854775808]", range, null));
        cases.add(item("a deepObject leaf of 1e999999999", "\"query_filter\":{\"a\":1e999999999}", tooLong, null));
        cases.add(refused("a JSON body number of 1e999999999", "post_json", "{\"body\":{\"n\":1e999999999}}", tooLong));
        cases.add(refused("a form field of 1e999999999", "post_form", "{\"body\":{\"n\":1e999999999}}", tooLong));
        cases.add(refused("a multipart note of 1e999999999", "post_files", "{\"body\":{\"note\":1e999999999}}", tooLong));
        cases.add(item("the largest 64-bit integer is sent as digits", "\"query_limit\":9223372036854775807", null,
                "limit=9223372036854775807"));
        cases.add(item("an integer written 2e1 is sent as 20", "\"query_limit\":2e1", null, "limit=20"));
        cases.add(item("an integer written 20.0 is sent as 20", "\"query_limit\":20.0", null, "limit=20"));
        cases.add(item("a number of 1e300 is sent as written", "\"query_ratio\":1e300", null, "ratio=1E%2B300"));
        cases.add(item("a number of 1.50 keeps its digits", "\"query_ratio\":1.50", null, "ratio=1.50"));
        cases.add(item("a small number is sent in full", "\"query_ratio\":0.000001", null, "ratio=0.000001"));
        cases.add(sent("a JSON body number of 1e300 stays short", "post_json", "{\"body\":{\"n\":1e300}}", "{\"n\":1E+300}"));
        cases.add(item("a fractional integer is refused by the schema", "\"query_limit\":1.5", "Invalid arguments", null));
        // a schema pattern that backtracks (Java's regular expressions do): bounded, not hours on an event loop
        cases.add(item("a value that makes the schema's pattern backtrack without end", "\"query_code\":\"" + "x".repeat(5000) + "\"",
                "took too long to match a pattern", null));
        cases.add(item("a value the same pattern matches is sent", "\"query_code\":\"xxxxy\"", null, "code=xxxxy"));
        cases.add(item("a value the same pattern does not match is refused by the schema", "\"query_code\":\"xxz\"",
                "does not match", null));
        // values that try to leave their place
        cases.add(new Case("a path value of half a surrogate pair (Java would send '?')", "get_item",
                "{\"path_id\":\"a\\ud800\"}", "unpaired UTF-16 surrogate", null));
        cases.add(item("a query value of a lone low surrogate", "\"query_tags\":[\"\\udc00x\"]", "unpaired UTF-16 surrogate", null));
        cases.add(new Case("a path value of a whole surrogate pair is sent", "get_item", "{\"path_id\":\"\\ud83d\\ude00\"}",
                null, "/items/%F0%9F%98%80"));
        // a server that decodes %2F (nginx proxy_pass with a URI) would read ..%2Fadmin as ../admin
        cases.add(new Case("a path value of ../admin", "get_item", "{\"path_id\":\"../admin\"}",
                "Invalid arguments for tool get_item: path_id: a path value must not be empty, nor hold a '.' or '..' segment", null));
        cases.add(new Case("a path value of ..\\admin", "get_item", "{\"path_id\":\"..\\\\admin\"}",
                "must not be empty, nor hold a '.' or '..' segment", null));
        cases.add(new Case("a path value of a/b stays one segment", "get_item", "{\"path_id\":\"a/b\"}", null, "/items/a%2Fb"));
        cases.add(new Case("a path value of ..", "get_item", "{\"path_id\":\"..\"}", "must not be empty, nor hold a '.' or '..'", null));
        cases.add(new Case("a path value of .", "get_item", "{\"path_id\":\".\"}", "must not be empty, nor hold a '.' or '..'", null));
        cases.add(new Case("an empty path value", "get_item", "{\"path_id\":\"\"}", "must not be empty", null));
        cases.add(new Case("a null path value", "delete_item", "{\"path_id\":null}",
                "path_id: a path value must not be null or missing", null));
        cases.add(new Case("a null label-style path value", "get_labelled", "{\"path_tag\":null,\"path_part\":\"p\"}",
                "path_tag: a path value must not be null or missing", null));
        cases.add(new Case("a null matrix-style path value", "get_labelled", "{\"path_tag\":\"t\",\"path_part\":null}",
                "path_part: a path value must not be null or missing", null));
        cases.add(new Case("label and matrix path values fill their segments", "get_labelled",
                "{\"path_tag\":\"t\",\"path_part\":\"p\"}", null, "/labels/.t/;part=p/items"));
        cases.add(new Case("a path value with a query", "get_item", "{\"path_id\":\"a?admin=1\"}", null, "/items/a%3Fadmin%3D1"));
        cases.add(new Case("a path value with a fragment", "get_item", "{\"path_id\":\"a#x\"}", null, "/items/a%23x"));
        cases.add(new Case("a path value with encoded dots", "get_item", "{\"path_id\":\"%2e%2e\"}", null, "/items/%252e%252e"));
        cases.add(new Case("a path value that is a URL", "get_item", "{\"path_id\":\"http://169.254.169.254/\"}", null,
                "/items/http%3A%2F%2F169.254.169.254%2F"));
        // IIS reads a backslash (and %5C) as a slash: \..\admin would climb out of /items
        cases.add(new Case("a path value with backslashes around ..", "get_item", "{\"path_id\":\"\\\\..\\\\admin\"}",
                "must not be empty, nor hold a '.' or '..' segment", null));
        cases.add(new Case("a path value with backslashes", "get_item", "{\"path_id\":\"\\\\a\\\\b\"}", null,
                "/items/%5Ca%5Cb"));
        cases.add(new Case("a path value with a line break", "get_item", "{\"path_id\":\"a\\r\\nHost: evil\"}", null,
                "/items/a%0D%0AHost%3A%20evil"));
        cases.add(new Case("a path value with a NUL", "get_item", "{\"path_id\":\"a\\u0000b\"}", null, "/items/a%00b"));
        cases.add(new Case("a path value with an emoji", "get_item", "{\"path_id\":\"\\ud83d\\ude00\"}", null,
                "/items/%F0%9F%98%80"));
        cases.add(new Case("a path value that makes the URI longer than 64 KiB", "get_item", "{\"path_id\":\""
                + "\u00e9".repeat(12_000) + "\"}", "request URI longer than 65536", null));
        cases.add(item("a query value with & and =", "\"query_tags\":[\"a&admin=1\"]", null, "tags=a%26admin%3D1"));
        cases.add(item("a header value with a line break", "\"header_X-Trace\":\"a\\r\\nX-Admin: 1\"",
                "printable ASCII without line breaks", null));
        cases.add(item("a header value with a NUL", "\"header_X-Trace\":\"a\\u0000\"", "printable ASCII", null));
        cases.add(item("a header value that is not ASCII", "\"header_X-Trace\":\"\\u00e9\"", "printable ASCII", null));
        cases.add(item("a header value with a bare LF", "\"header_X-Trace\":\"a\\nb\"", "printable ASCII", null));
        cases.add(item("a cookie value with a semicolon", "\"cookie_session\":\"a; admin=1\"", "must not contain", null));
        cases.add(item("a cookie value with a comma", "\"cookie_session\":\"a,b\"", "must not contain", null));
        cases.add(item("a cookie value with a quote inside it", "\"cookie_session\":\"a\\\"b\"", "must not contain", null));
        cases.add(item("a cookie value with a line break", "\"cookie_session\":\"a\\r\\nX: y\"", "must not contain", null));
        cases.add(item("an argument named like the Host header is ignored", "\"header_Host\":\"evil.example\"", null,
                "host=127.0.0.1"));
        cases.add(item("an unknown argument is ignored", "\"host\":\"evil.example\",\"url\":\"http://evil/\"", null,
                "/items/a1"));
        // shapes that multiply when encoded
        cases.add(item("a deepObject nested 40 levels", "\"query_filter\":" + "{\"a\":".repeat(40) + "1" + "}".repeat(40),
                "deeper than 32 levels", null));
        cases.add(refused("a form body nested 40 levels", "post_form", "{\"body\":" + "{\"a\":".repeat(41) + "1"
                + "}".repeat(41) + "}", "deeper than 32 levels"));
        cases.add(item("a deepObject whose leaves repeat a long key path past 64 KiB", "\"query_filter\":{\"" + "k".repeat(3000)
                + "\":{" + leaves(60) + "}}", "the query string longer than 65536", null));
        cases.add(item("an array of 30000 items past 64 KiB of query", "\"query_tags\":[" + "\"x\",".repeat(15_000)
                + "\"x\"]", "the query string longer than 65536", null));
        cases.add(refused("a file that is not base64", "post_files", "{\"body\":{\"files\":[\"A\"]}}", "base64"));
        cases.add(sent("1000 empty files are 1000 parts", "post_files", "{\"body\":{\"files\":[" + "\"\",".repeat(999)
                + "\"\"]}}", "name=\"files\""));
        cases.add(refused("1001 empty files are refused", "post_files", "{\"body\":{\"files\":[" + "\"\",".repeat(1000)
                + "\"\"]}}", "at most 1000 are sent"));
        // types the schema refuses
        cases.add(new Case("a path value that is an object", "get_item", "{\"path_id\":{\"a\":1}}", "Invalid arguments", null));
        cases.add(new Case("a path value that is an array", "get_item", "{\"path_id\":[1]}", "Invalid arguments", null));
        cases.add(new Case("no path value", "get_item", "{}", "Invalid arguments", null));
        cases.add(item("an integer given as a string", "\"query_limit\":\"5\"", "Invalid arguments", null));
        cases.add(refused("a JSON body that is a string", "post_json", "{\"body\":\"x\"}", "Invalid arguments"));
        cases.add(refused("a form body that is an array", "post_form", "{\"body\":[1]}", "Invalid arguments"));
        cases.add(sent("a JSON body nested 120 levels is sent as it is", "post_json", "{\"body\":" + "{\"a\":".repeat(120)
                + "1" + "}".repeat(120) + "}", "{\"a\":{\"a\":"));
        cases.add(refused("a JSON body nested 900 levels is refused before any schema is checked", "post_json",
                "{\"body\":" + "{\"a\":".repeat(900) + "1" + "}".repeat(900) + "}", "nested deeper than 128 levels"));
        return cases;
    }

    private static String leaves(int n) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < n; i++) {
            out.append(i == 0 ? "" : ",").append("\"l").append(i).append("\":1");
        }
        return out.toString();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void eachArgumentIsRefusedOrSentInsideItsPlace(Case c) throws InterruptedException {
        long started = System.nanoTime();
        JsonNode result = mcp.call(c.tool(), c.arguments());
        long tookMs = (System.nanoTime() - started) / 1_000_000;
        assertThat(tookMs).as("answered within seconds, not minutes").isLessThan(3_000);
        if (c.refused() != null) {
            assertThat(result.path("isError").asBoolean()).as("%s: %s", c.name(), result).isTrue();
            assertThat(text(result)).contains(c.refused()).hasSizeLessThan(1_000);
            assertThat(fixture.upstream.quiet(Duration.ofMillis(50))).as("no upstream call").isTrue();
        } else {
            RestUpstream.Received received = fixture.upstream.next();
            String seen = received.uri() + "\n" + received.headers().entries() + "\n" + received.body();
            assertThat(seen).as("%s: the upstream saw", c.name()).contains(c.sent());
        }
        assertStillServes(mcp);
    }
}
