package dev.toolgate.hardening;

import dev.toolgate.mcp.Json;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RawConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The streamable HTTP transport's rules broken one at a time (headers, methods, sessions, origins,
 * content codings), on an endpoint with sessions: each request gets the catalog's status and code, and
 * the session keeps working afterwards.
 */
@Timeout(60)
class McpTransportBadInputIT {

    static BadInputGateway fixture;
    static McpHttp mcp;

    /**
     * @param name    what is wrong
     * @param method  HTTP method
     * @param path    request target
     * @param headers header lines; {@code SESSION} stands for the live session's id
     * @param body    the body
     * @param status  the status answered
     * @param code    the JSON-RPC error code; 0 when the answer is not an error
     */
    record Case(String name, String method, String path, List<String> headers, byte[] body, int status, int code) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final String SESSION = "<session>";
    static final String LIST = BadInputGateway.LIST;

    @BeforeAll
    static void start() {
        fixture = new BadInputGateway();
        mcp = fixture.session();
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    static List<String> standard(String... replace) {
        List<String> headers = new ArrayList<>(List.of("Content-Type: application/json", "Accept: " + McpHttp.ACCEPT_BOTH,
                "Mcp-Session-Id: " + SESSION, "MCP-Protocol-Version: 2025-06-18"));
        for (String r : replace) {
            String name = r.substring(0, r.indexOf(':') + 1).toLowerCase(java.util.Locale.ROOT);
            headers.removeIf(h -> h.toLowerCase(java.util.Locale.ROOT).startsWith(name));
            if (!r.endsWith(":-")) {
                headers.add(r);
            }
        }
        return headers;
    }

    static Case post(String name, List<String> headers, int status, int code) {
        return new Case(name, "POST", "/mcp", headers, LIST.getBytes(StandardCharsets.UTF_8), status, code);
    }

    static Case post(String name, List<String> headers, byte[] body, int status, int code) {
        return new Case(name, "POST", "/mcp", headers, body, status, code);
    }

    static List<Case> cases() throws IOException {
        List<Case> cases = new ArrayList<>();
        cases.add(post("a good request", standard(), 200, 0));
        // Accept
        cases.add(post("no Accept", standard("Accept:-"), 406, -32000));
        cases.add(post("Accept: text/html", standard("Accept: text/html"), 406, -32000));
        cases.add(post("Accept without text/event-stream", standard("Accept: application/json"), 406, -32000));
        cases.add(post("Accept without application/json", standard("Accept: text/event-stream"), 406, -32000));
        cases.add(post("Accept: */*", standard("Accept: */*"), 200, 0));
        cases.add(post("Accept: application/*, text/*", standard("Accept: application/*, text/*"), 200, 0));
        cases.add(post("Accept of 4000 characters", standard("Accept: " + "x/y, ".repeat(800)), 406, -32000));
        // Content-Type
        cases.add(post("no Content-Type", standard("Content-Type:-"), 415, -32000));
        cases.add(post("Content-Type: text/plain", standard("Content-Type: text/plain"), 415, -32000));
        cases.add(post("Content-Type: application/jsonx", standard("Content-Type: application/jsonx"), 415, -32000));
        cases.add(post("Content-Type: multipart/form-data", standard("Content-Type: multipart/form-data; boundary=x"), 415,
                -32000));
        cases.add(post("Content-Type with a charset", standard("Content-Type: application/json; charset=utf-8"), 200, 0));
        // Content-Encoding
        cases.add(post("a gzip body", standard("Content-Encoding: gzip"), gzip(LIST.getBytes(StandardCharsets.UTF_8)), 200, 0));
        cases.add(post("a deflate body", standard("Content-Encoding: deflate"), deflate(LIST.getBytes(StandardCharsets.UTF_8)),
                200, 0));
        cases.add(post("Content-Encoding: identity", standard("Content-Encoding: identity"), 200, 0));
        cases.add(post("Content-Encoding: br", standard("Content-Encoding: br"), 415, -32000));
        cases.add(post("Content-Encoding: gzip, gzip", standard("Content-Encoding: gzip, gzip"), 415, -32000));
        cases.add(post("Content-Encoding: gzip with a body that is not gzip", standard("Content-Encoding: gzip"), 400, -32700));
        cases.add(post("a truncated gzip body", standard("Content-Encoding: gzip"),
                java.util.Arrays.copyOf(gzip(LIST.getBytes(StandardCharsets.UTF_8)), 20), 400, -32700));
        cases.add(post("a gzip bomb (60 MiB of zeros in 60 KB, under the body limit)", standard("Content-Encoding: gzip"),
                bomb(60), 413, -32000));
        cases.add(post("a gzip body that inflates one byte past the limit", standard("Content-Encoding: gzip"),
                gzip((LIST + " ".repeat(BadInputGateway.BODY_LIMIT + 1 - LIST.length())).getBytes(StandardCharsets.UTF_8)),
                413, -32000));
        cases.add(post("a deflate bomb", standard("Content-Encoding: deflate"), deflate(new byte[16 * 1024 * 1024]), 413, -32000));
        // protocol version
        cases.add(post("an old protocol version", standard("MCP-Protocol-Version: 2024-11-05"), 400, -32000));
        // a version after 2026-07-28's is read as a later modern revision: the answer lists the ones served
        cases.add(post("a made-up protocol version", standard("MCP-Protocol-Version: 9999-99-99"), 400, -32022));
        // a value that is no YYYY-MM-DD date names no revision of either era: the legacy refusal
        cases.add(post("a protocol version of 2000 characters", standard("MCP-Protocol-Version: " + "v".repeat(2000)), 400,
                -32000));
        // sessions
        cases.add(post("no session", standard("Mcp-Session-Id:-"), 400, -32000));
        cases.add(post("an unknown session", standard("Mcp-Session-Id: AAAAAAAAAAAAAAAAAAAAAA"), 404, -32001));
        cases.add(post("a session id with spaces", standard("Mcp-Session-Id: a b c"), 404, -32001));
        cases.add(post("a session id of 6000 characters", standard("Mcp-Session-Id: " + "s".repeat(6000)), 404, -32001));
        cases.add(post("a session id with a SQL quote", standard("Mcp-Session-Id: ' OR 1=1 --"), 404, -32001));
        cases.add(post("two session ids", standard("Mcp-Session-Id: AAAA", "X-Dummy: 1"), 404, -32001));
        // origins (DNS rebinding)
        cases.add(post("a foreign Origin", standard("Origin: https://evil.example"), 403, -32000));
        cases.add(post("Origin: null", standard("Origin: null"), 403, -32000));
        cases.add(post("a loopback Origin with a port", standard("Origin: http://127.0.0.1:5173"), 200, 0));
        cases.add(post("Origin: http://localhost", standard("Origin: http://localhost"), 200, 0));
        cases.add(post("an Origin that only starts like localhost", standard("Origin: http://localhost.evil.example"), 403,
                -32000));
        // methods
        for (String method : List.of("PUT", "PATCH", "OPTIONS", "PROPFIND")) {
            cases.add(new Case(method + " gets 405", method, "/mcp", standard(), LIST.getBytes(StandardCharsets.UTF_8), 405,
                    -32000));
        }
        cases.add(new Case("GET without text/event-stream", "GET", "/mcp", standard("Accept: application/json"), new byte[0],
                406, -32000));
        cases.add(new Case("GET of an unknown session", "GET", "/mcp", standard("Accept: text/event-stream",
                "Mcp-Session-Id: AAAAAAAAAAAAAAAAAAAAAA"), new byte[0], 404, -32001));
        cases.add(new Case("GET without a session", "GET", "/mcp", standard("Accept: text/event-stream", "Mcp-Session-Id:-"),
                new byte[0], 400, -32000));
        cases.add(new Case("DELETE of an unknown session", "DELETE", "/mcp", standard("Mcp-Session-Id: AAAAAAAAAAAAAAAA"),
                new byte[0], 404, -32001));
        cases.add(new Case("DELETE without a session", "DELETE", "/mcp", standard("Mcp-Session-Id:-"), new byte[0], 400, -32000));
        // size
        cases.add(post("a body one byte over the limit", standard(), (LIST + " ".repeat(BadInputGateway.BODY_LIMIT + 1
                - LIST.length())).getBytes(StandardCharsets.UTF_8), 413, -32000));
        return cases;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void eachTransportViolationGetsItsAnswerAndTheSessionKeepsWorking(Case c) throws IOException {
        List<String> headers = new ArrayList<>(List.of("Host: 127.0.0.1", "Content-Length: " + c.body().length));
        c.headers().forEach(h -> headers.add(h.replace(SESSION, mcp.sessionId())));
        RawConnection.Response response = RawConnection.exchange(fixture.port(), c.method(), c.path(), headers, c.body());
        assertThat(response.status()).as("%s: %s", c.name(), response).isEqualTo(c.status());
        if (c.code() != 0) {
            assertThat(Json.parse(response.body()).path("error").path("code").asInt()).as(response.toString())
                    .isEqualTo(c.code());
        } else {
            assertThat(Json.parse(response.body()).path("result").path("tools").isArray()).isTrue();
        }
        if (c.status() == 413) {
            assertThat(response.header("connection")).isEqualToIgnoringCase("close");
        }
        dev.toolgate.testing.McpAssertions.assertStillServes(mcp);
    }

    static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
            zip.write(bytes);
        }
        return out.toByteArray();
    }

    static byte[] deflate(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DeflaterOutputStream zip = new DeflaterOutputStream(out)) {
            zip.write(bytes);
        }
        return out.toByteArray();
    }

    /** {@code mebibytes} MiB of zeros, gzipped: about a thousandth of that on the wire. */
    static byte[] bomb(int mebibytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] zeros = new byte[1024 * 1024];
        try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
            for (int i = 0; i < mebibytes; i++) {
                zip.write(zeros);
            }
        }
        return out.toByteArray();
    }
}
