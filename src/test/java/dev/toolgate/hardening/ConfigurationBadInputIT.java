package dev.toolgate.hardening;

import dev.toolgate.openapi.SchemaConverterTest;
import dev.toolgate.testing.AdminHttp;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile configuration through the Admin API's {@code POST /config}: secrets resolved from vault
 * references, specs outside the config folder or inside it but not meant to be read, documents that
 * parse slowly or expand, spec URLs that never end, metadata addresses. Each gets its answer within
 * seconds, never quotes a secret or a file, and the running configuration keeps serving.
 */
@Timeout(120)
class ConfigurationBadInputIT {

    static final String SECRET = "sk-live-7f3a9c2e1b";
    static BadInputGateway fixture;
    static AdminHttp admin;
    static Path folder;
    static Vertx vertx;
    static HttpServer specServer;

    /**
     * @param name     what is tried
     * @param document the posted document
     * @param status   200 (loaded) or 400 (refused)
     * @param expected a fragment of the answer (a problem, or a warning of a loaded document)
     */
    record Case(String name, String document, int status, String expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    @BeforeAll
    static void start() throws IOException {
        startSpecServer();
        fixture = new BadInputGateway(environment());
        admin = new AdminHttp(fixture.gateway);
        folder = fixture.gateway.configFile().getParent();
        Files.writeString(folder.resolve(".env"), "API_TOKEN=" + SECRET + "\nOTHER=" + SECRET + "\n");
        Files.writeString(folder.resolve("env.yaml"), "token: " + SECRET + "\n  broken: [\n");
        Files.writeString(folder.resolve("env.json"), "{\"token\": " + SECRET + "}");
        Files.writeString(folder.resolve("long-token.yaml"), "openapi: 3.0.0\ninfo: {title: x, version: '1'}\nx: "
                + "y".repeat(100_000) + "\n");
        Files.writeString(folder.resolve("laughs-swagger.yaml"), laughs("swagger: \"2.0\"\ninfo: {title: x, version: '1'}\n"
                + "paths: {}\n"));
        Files.writeString(folder.resolve("laughs-openapi.yaml"), laughs("openapi: 3.0.0\ninfo: {title: x, version: '1'}\n"
                + "paths: {}\n"));
        Files.writeString(folder.resolve("ref-out.yaml"), "openapi: 3.0.0\ninfo: {title: x, version: '1'}\npaths:\n"
                + "  /a:\n    get:\n      operationId: a\n      responses:\n        '200':\n          description: ok\n"
                + "          content:\n            application/json:\n              schema: {$ref: '../outside.yaml#/S'}\n");
        Files.writeString(folder.resolve("ref-chain.yaml"), "openapi: 3.0.0\ninfo: {title: x, version: '1'}\npaths:\n"
                + "  /a:\n    get:\n      operationId: a\n      responses:\n        '200':\n          description: ok\n"
                + "          content:\n            application/json:\n              schema: {$ref: 'inner.yaml#/S'}\n");
        Files.writeString(folder.resolve("cookie-name.yaml"), "openapi: 3.0.0\ninfo: {title: x, version: '1'}\n"
                + "servers: [{url: 'http://127.0.0.1:9'}]\npaths:\n  /a:\n    get:\n      operationId: a\n"
                + "      parameters: [{name: 'a;admin', in: cookie, schema: {type: string}}]\n"
                + "      responses: {'200': {description: ok}}\n");
        Files.writeString(folder.resolve("component-chain.json"), SchemaConverterTest.referenceChain(20_000, "#/components/schemas"));
        Files.writeString(folder.resolve("copies.yaml"), SchemaConverterTest.withParameters(
                SchemaConverterTest.doublingReferences(16, "#/x-defs"), 500, "{$ref: '#/x-defs/d15'}"));
        Files.writeString(folder.resolve("nul-ref.json"), "{\"openapi\": \"3.0.0\", \"info\": {\"title\": \"x\", \"version\": \"1\"}, "
                + "\"paths\": {\"/a\": {\"get\": {\"responses\": {\"200\": {\"description\": \"ok\", \"content\": "
                + "{\"application/json\": {\"schema\": {\"$ref\": \"a\\u0000.json#/S\"}}}}}}}}}");
        Files.writeString(folder.resolve("inner.yaml"), "S: {$ref: '../../etc/passwd#/x'}\n");
        Files.writeString(folder.getParent().resolve("outside.yaml"), "S: {type: string}\n");
        try {
            Files.createSymbolicLink(folder.resolve("link.yaml"), Path.of("/etc/hostname"));
        } catch (IOException | UnsupportedOperationException e) {
            Files.writeString(folder.resolve("link.yaml"), "not a link here");
        }
    }

    static void startSpecServer() {
        vertx = Vertx.vertx();
        specServer = vertx.createHttpServer().requestHandler(request -> {
            switch (request.path()) {
                case "/endless" -> {
                    request.response().setChunked(true).putHeader("content-type", "application/yaml");
                    Buffer mebibyte = Buffer.buffer(new byte[1024 * 1024]);
                    for (int i = 0; i < 80; i++) {
                        request.response().write(mebibyte);
                    }
                    request.response().end();
                }
                // the connection stays open a while: closed at once, the client may see the close before the head
                case "/huge-declared" -> request.response().putHeader("content-length", Long.toString(1L << 40))
                        .write(Buffer.buffer("openapi: 3.0.0\n")).onComplete(v -> vertx.setTimer(5_000,
                                id -> request.connection().close()));
                case "/not-a-document" -> request.response().putHeader("content-type", "application/yaml").end("openapi: [\n");
                default -> request.response().setStatusCode(500).end("boom " + SECRET);
            }
        }).listen(0, "127.0.0.1").await();
    }

    @AfterAll
    static void stop() {
        fixture.close();
        vertx.close().await();
    }

    /** Ten levels of ten aliases each: 10^10 nodes when expanded. */
    static String laughs(String head) {
        StringBuilder yaml = new StringBuilder(head).append("x-l0: &l0 [a, a, a, a, a, a, a, a, a, a]\n");
        for (int i = 1; i < 10; i++) {
            yaml.append("x-l").append(i).append(": &l").append(i).append(" [")
                    .append(String.join(", ", java.util.Collections.nCopies(10, "*l" + (i - 1)))).append("]\n");
        }
        return yaml.toString();
    }

    static String service(String url, String pluginConfig) {
        return """
                _format_version: "3.0"
                services:
                  - name: api
                    url: %s
                    routes:
                      - name: r
                        paths: [/r]
                        plugins:
                          - name: ai-mcp-proxy
                            config: %s
                """.formatted(url, pluginConfig);
    }

    static String spec(String spec) {
        return service("http://127.0.0.1:9", "{mode: conversion-listener, openapi: {spec: \"" + spec + "\"}}");
    }

    static List<Case> cases() {
        String tools = "{mode: conversion-listener, tools: [{name: t, description: T, method: GET, path: /r/t}]}";
        List<Case> cases = new ArrayList<>();
        // secrets from vault references are never quoted
        cases.add(new Case("a secret as _format_version", "_format_version: \"{vault://env/SECRET}\"\n", 400,
                "the value of vault://env/SECRET"));
        cases.add(new Case("a secret as a plugin name", "_format_version: \"3.0\"\nplugins:\n  - name: \"{vault://env/SECRET}\"\n",
                400, "unknown plugin 'the value of vault://env/SECRET'"));
        cases.add(new Case("a secret as a route's service", "_format_version: \"3.0\"\nroutes:\n  - name: r\n    paths: [/r]\n"
                + "    service: \"{vault://env/SECRET}\"\n", 400, "the value of vault://env/SECRET"));
        cases.add(new Case("a secret as a duplicate service name", "_format_version: \"3.0\"\nservices:\n"
                + "  - {name: \"{vault://env/SECRET}\", url: \"http://a\"}\n  - {name: \"{vault://env/SECRET}\", url: \"http://b\"}\n",
                400, "the value of vault://env/SECRET"));
        cases.add(new Case("a secret as a spec path", spec("{vault://env/SECRET}"), 400, "the value of vault://env/SECRET"));
        cases.add(new Case("a secret as a spec URL", spec("{vault://env/SECRET_URL}"), 400,
                "fetching the value of vault://env/SECRET_URL answered HTTP 500"));
        // spec files outside the folder, or not meant to be read
        cases.add(new Case("a spec outside the folder", spec("../outside.yaml"), 400, "outside the configuration's folder"));
        cases.add(new Case("an absolute spec path", spec("/etc/passwd"), 400, "outside the configuration's folder"));
        cases.add(new Case("a spec that is a link out of the folder", spec("link.yaml"), 400, "outside the configuration's folder"));
        cases.add(new Case("an .env file as a spec", spec(".env"), 400, "is empty or not a mapping"));
        cases.add(new Case("a YAML file with a secret and a syntax error", spec("env.yaml"), 400, "not valid YAML"));
        cases.add(new Case("a JSON file with a secret token", spec("env.json"), 400, "not valid JSON"));
        cases.add(new Case("a spec referencing a file outside the folder", spec("ref-out.yaml"), 400,
                "outside the configuration's folder"));
        cases.add(new Case("a spec whose referenced file references /etc/passwd", spec("ref-chain.yaml"), 400,
                "outside the configuration's folder"));
        cases.add(new Case("a missing spec", spec("nope.yaml"), 400, "no such file"));
        // documents that parse slowly or expand
        cases.add(new Case("a spec whose $refs chain 20,000 components", spec("component-chain.json"), 400,
                "config.openapi.spec: component c63 (first used at paths./a.get.responses.200): the schema nests deeper "
                        + "than 128 levels"));
        cases.add(new Case("a spec whose 500 parameters each copy in a 65,535-object schema", spec("copies.yaml"), 400,
                "config.openapi.spec: paths./a.get.parameters.p"));
        cases.add(new Case("a spec with a NUL in a file $ref", spec("nul-ref.json"), 400,
                "config.openapi.spec: $ref 'a\\\\u0000.json' cannot name a file: Nul character not allowed"));
        cases.add(new Case("a spec with a 100 KB token", spec("long-token.yaml"), 400, "without a space or line break"));
        cases.add(new Case("a Swagger 2.0 spec of nested aliases", spec("laughs-swagger.yaml"), 400,
                "a YAML alias (*name) is not supported"));
        cases.add(new Case("an OpenAPI spec of nested aliases", spec("laughs-openapi.yaml"), 400,
                "a YAML alias (*name) is not supported"));
        cases.add(new Case("a configuration with a 100 KB token", "_format_version: \"3.0\"\nx: " + "y".repeat(100_000) + "\n",
                400, "without a space or line break"));
        cases.add(new Case("a configuration of nested aliases", laughs("_format_version: \"3.0\"\n"), 400, "a YAML alias (*name) is not supported"));
        cases.add(new Case("a configuration nested 200 levels", "_format_version: \"3.0\"\nx: " + "[".repeat(200)
                + "]".repeat(200) + "\n", 400, "not valid YAML"));
        cases.add(new Case("a JSON configuration with a secret-looking token", "{\"_format_version\": sk-live-7f3a9c2e1b}", 400,
                "not valid JSON"));
        cases.add(new Case("duplicate keys", "_format_version: \"3.0\"\n_format_version: \"3.0\"\n", 400, "Duplicate field"));
        cases.add(new Case("an empty document", "", 400, "the document is empty"));
        cases.add(new Case("a document that is a list", "- a\n- b\n", 400, "must be a mapping"));
        cases.add(new Case("a port of 1e999999999", "_format_version: \"3.0\"\nservices:\n  - {name: s, host: a, "
                + "port: 1e999999999}\n", 400, "must be between 0 and 65535"));
        cases.add(new Case("a session_ttl of 1e999999999", service("http://a", "{mode: conversion-listener, server: "
                + "{session: {session_ttl: 1e999999999}}}"), 400, "must be between"));
        cases.add(new Case("a timeout of 1e-999999999", "_format_version: \"3.0\"\nservices:\n  - {name: s, url: \"http://a\", "
                + "read_timeout: 1e-999999999}\n", 400, "must be between 1 and"));
        // header parameters an argument must not set: the gateway's identity and forwarding headers, names
        // that cannot be sent
        for (String name : List.of("X-Consumer-ID", "x-consumer-username", "X-Consumer-Custom-ID", "X-Consumer-Groups",
                "X-Credential-Identifier", "X-Anonymous-Consumer", "X-Authenticated-Userid", "X-Authenticated-Whatever",
                "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", "X-Forwarded-Port", "X-Forwarded-Path",
                "X-Forwarded-Prefix", "X-Real-IP", "Forwarded")) {
            cases.add(new Case("a header parameter named " + name, headerParameter(name), 400,
                    "config.tools[0].parameters[0].name: header " + name + " cannot be set by a tool argument (the gateway sets it)"));
        }
        for (String name : List.of(":authority", "host ", "X Trace", "X-Trace:", "X-Trace(1)")) {
            cases.add(new Case("a header parameter named '" + name + "'", headerParameter(name), 400,
                    "config.tools[0].parameters[0].name: header '" + name + "' is not a valid header name"));
        }
        cases.add(new Case("a header parameter named Proxy-Authorization", headerParameter("Proxy-Authorization"), 400,
                "config.tools[0].parameters[0].name: header Proxy-Authorization cannot be set by a tool argument "
                        + "(the gateway never forwards proxy credentials)"));
        // cookie parameter names a Cookie header cannot carry: written, a problem; in a document, the operation is skipped
        for (String name : List.of("a;admin", "a=b", "a b", "a,b", "(a)")) {
            cases.add(new Case("a cookie parameter named '" + name + "'", service("http://127.0.0.1:9", "{mode: "
                    + "conversion-listener, tools: [{name: t, description: T, method: GET, path: /r/t, parameters: "
                    + "[{name: \"" + name + "\", in: cookie, schema: {type: string}}]}]}"), 400,
                    "config.tools[0].parameters[0].name: cookie '" + name + "' is not a valid cookie name"));
        }
        cases.add(new Case("an OpenAPI cookie parameter named 'a;admin'", spec("cookie-name.yaml"), 200,
                "skipped GET /a (a): cookie 'a;admin' is not a valid cookie name"));
        // fixed identity headers: a fixed header replaces the gateway's own, so every caller would pose as the one named
        for (String name : List.of("X-Consumer-ID", "x-consumer-username", "X-Consumer-Custom-ID", "X-Consumer-Groups",
                "X-Credential-Identifier", "X-Anonymous-Consumer", "X-Authenticated-Userid")) {
            cases.add(new Case("a fixed header named " + name, fixedHeader(name), 400,
                    "config.tools[0].headers." + name + ": cannot be set (the gateway asserts the authenticated consumer"));
        }
        cases.add(new Case("a fixed header named Host", fixedHeader("Host"), 400,
                "config.tools[0].headers.Host: cannot be set (the service decides"));
        // spec URLs
        cases.add(new Case("a spec URL that never stops sending", spec("http://127.0.0.1:" + specPort() + "/endless"), 400,
                "larger than 67108864 bytes"));
        cases.add(new Case("a spec URL declaring a terabyte", spec("http://127.0.0.1:" + specPort() + "/huge-declared"), 400,
                "larger than 67108864 bytes"));
        cases.add(new Case("a spec URL answering 500", spec("http://127.0.0.1:" + specPort() + "/fail"), 400, "answered HTTP 500"));
        cases.add(new Case("a spec URL nobody listens on", spec("http://127.0.0.1:9/x"), 400, "cannot fetch"));
        // credentials written in a spec URL: the problem names the URL with them masked, as the Admin API shows it
        cases.add(new Case("a spec URL with a password and a token argument answering 500", spec("http://ci:" + SECRET
                + "@127.0.0.1:" + specPort() + "/fail?private_token=" + SECRET), 400,
                "fetching http://ci:[redacted]@127.0.0.1:" + specPort() + "/fail?private_token=[redacted] answered HTTP 500"));
        cases.add(new Case("a spec URL with a token as its userinfo nobody listens on", spec("http://" + SECRET
                + "@127.0.0.1:9/x"), 400, "cannot fetch http://[redacted]@127.0.0.1:9/x"));
        cases.add(new Case("a spec URL with credentials that is not a valid URL", spec("http://ci:" + SECRET
                + "@127.0.0.1:9/a b?token=" + SECRET), 400, "'http://ci:[redacted]@127.0.0.1:9/a b?token=[redacted]' is not"));
        cases.add(new Case("a spec URL with credentials serving no document", spec("http://ci:" + SECRET + "@127.0.0.1:"
                + specPort() + "/not-a-document?api_key=" + SECRET), 400, "http://ci:[redacted]@127.0.0.1:" + specPort()
                + "/not-a-document?api_key=[redacted] is not valid YAML"));
        // metadata addresses
        cases.add(new Case("a service at the cloud metadata address", service("http://169.254.169.254/latest", tools), 200,
                "link-local or cloud metadata address"));
        cases.add(new Case("a service at metadata.google.internal", service("http://metadata.google.internal", tools), 200,
                "link-local or cloud metadata address"));
        cases.add(new Case("a service at an IPv6 link-local address", service("http://[fe80::1]:8080", tools), 200,
                "link-local or cloud metadata address"));
        cases.add(new Case("a service at Alibaba's metadata address", service("http://100.100.100.200", tools), 200,
                "link-local or cloud metadata address"));
        return cases;
    }

    static String headerParameter(String name) {
        return service("http://127.0.0.1:9", "{mode: conversion-listener, tools: [{name: t, description: T, method: GET, "
                + "path: /r/t, parameters: [{name: \"" + name + "\", in: header, schema: {type: string}}]}]}");
    }

    static String fixedHeader(String name) {
        return service("http://127.0.0.1:9", "{mode: conversion-listener, tools: [{name: t, description: T, method: GET, "
                + "path: /r/t, headers: {\"" + name + "\": [admin]}}]}");
    }

    static int specPort() {
        return specServer.actualPort();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void eachHostileDocumentIsAnsweredWithoutQuotingSecretsAndTheRunningConfigurationServes(Case c) {
        String before = admin.hash();
        long started = System.nanoTime();
        AdminHttp.Response response = admin.postConfig(c.document());
        long tookMs = (System.nanoTime() - started) / 1_000_000;
        assertThat(tookMs).as("answered in %d ms", tookMs).isLessThan(10_000);
        assertThat(response.status()).as("%s: %s", c.name(), response).isEqualTo(c.status());
        assertThat(response.body()).contains(c.expected()).doesNotContain(SECRET).doesNotContain("root:x:0:0");
        if (c.status() == 400) {
            assertThat(admin.hash()).isEqualTo(before);
            fixture.assertServes();
        } else {
            // the accepted document replaced the fixture's; put it back for the next case
            fixture.gateway.gateway().apply(readConfig(), folder);
        }
    }

    private static byte[] readConfig() {
        try {
            return Files.readAllBytes(fixture.gateway.configFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, String> environment() {
        return Map.of("SECRET", SECRET, "SECRET_URL", "http://127.0.0.1:" + specPort() + "/" + SECRET);
    }
}
