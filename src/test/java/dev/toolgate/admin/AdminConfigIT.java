package dev.toolgate.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.mcp.Json;
import dev.toolgate.testing.AdminHttp;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RedisServer;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * db-less {@code POST /config}: a valid document replaces what is served, in every body shape Kong
 * accepts; an invalid one is refused with every problem and changes nothing.
 */
@Timeout(60)
class AdminConfigIT {

    static RestUpstream upstream;
    static TestGateway gateway;
    static AdminHttp admin;

    static String config(String route) {
        return """
                _format_version: "3.0"
                services:
                  - name: api
                    url: %s
                    routes:
                      - name: %s
                        paths: [/%s]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              tools:
                                - {name: ping, description: Ping, method: GET, path: /%s/ping}
                """.formatted(upstream.url(), route, route, route);
    }

    @BeforeAll
    static void start() {
        upstream = new RestUpstream().json("GET /ping", 200, "{\"pong\":true}");
        gateway = TestGateway.start(config("old"));
        admin = new AdminHttp(gateway);
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @BeforeEach
    void backToTheOldConfig() {
        AdminHttp.Response reset = admin.postConfig(config("old"));
        assertThat(reset.status()).as("%s", reset).isEqualTo(200);
        while (upstream.pending() > 0) {
            upstream.next();
        }
    }

    private static void assertServes(String route) {
        McpHttp mcp = new McpHttp(gateway.proxy("/" + route));
        assertThat(mcp.initialize("2025-06-18").status()).isEqualTo(200);
        assertThat(mcp.call("ping", "{}").at("/content/0/text").asText()).isEqualTo("{\"pong\":true}");
        assertThat(upstream.next().path()).isEqualTo("/ping");
    }

    private static void assertNoRoute(String route) {
        McpHttp.Response response = new McpHttp(gateway.proxy("/" + route)).post(
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}");
        assertThat(response.status()).isEqualTo(404);
        assertThat(response.json().get("message").asText()).isEqualTo("no Route matched with those values");
    }

    @Test
    void validYamlReplacesTheConfigNewRouteServesAndOldRouteIsGone() {
        String before = admin.hash();
        AdminHttp.Response response = admin.postConfig(config("new"));
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().get("configuration_hash").asText()).isNotEqualTo(before).isEqualTo(admin.hash());
        assertThat(response.json().at("/counts/tools").asInt()).isEqualTo(1);
        assertServes("new");
        assertNoRoute("old");
        assertThat(admin.get("/routes/new").status()).isEqualTo(200);
        assertThat(admin.get("/routes/old").status()).isEqualTo(404);
    }

    @Test
    void invalidConfigIs400WithEveryProblemAndTheOldConfigKeepsServing() {
        McpHttp existing = new McpHttp(gateway.proxy("/old"));
        existing.initialize("2025-06-18");
        String before = admin.hash();
        AdminHttp.Response response = admin.postConfig("""
                _format_version: "3.0"
                services:
                  - name: api
                    url: ftp://example.com
                    routes:
                      - name: new
                        paths: [/new]
                        plugins:
                          - name: request-termination
                          - name: ai-mcp-proxy
                            config:
                              tools: []
                """);
        assertThat(response.status()).isEqualTo(400);
        JsonNode body = response.json();
        assertThat(body.get("name").asText()).isEqualTo("invalid declarative configuration");
        List<String> problems = new ArrayList<>();
        body.get("problems").forEach(p -> problems.add(p.asText()));
        assertThat(body.get("message").asText()).isEqualTo("declarative config is invalid: " + problems.size() + " problem(s)");
        assertThat(problems).hasSizeGreaterThanOrEqualTo(3).allMatch(p -> p.matches("[\\w\\[\\].]+: .+"), "path: message");
        assertThat(problems).contains("services[0].url: must be an http:// or https:// URL");
        assertThat(problems).anyMatch(p -> p.startsWith("services[0].routes[0].plugins[0].name: unknown plugin 'request-termination'"));
        assertThat(problems).anyMatch(p -> p.startsWith("services[0].routes[0].plugins[1].config.mode: is required"));

        assertThat(admin.hash()).isEqualTo(before);
        assertThat(existing.call("ping", "{}").get("isError").asBoolean()).isFalse();
        upstream.next();
        assertServes("old");
        assertNoRoute("new");
    }

    @Test
    void aSecretInAMalformedTransformerEntryIsNotInThe400Answer() {
        String before = admin.hash();
        AdminHttp.Response response = admin.postConfig("""
                _format_version: "3.0"
                plugins:
                  - name: request-transformer
                    config:
                      add: {headers: ["X-Source:toolgate", "Authorization=Bearer sk-live-admin-secret-77"]}
                  - name: response-transformer
                    config:
                      add: {headers: ["Set-Cookie sid=sk-live-cookie-secret-78"]}
                """);

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.body()).doesNotContain("sk-live-admin-secret-77", "sk-live-cookie-secret-78");
        assertThat(response.json().get("problems")).extracting(JsonNode::asText).containsExactly(
                "plugins[0].config.add.headers[1]: has no ':' between a name and a value; write name:value",
                "plugins[1].config.add.headers[0]: has no ':' between a name and a value; write name:value");
        assertThat(admin.hash()).isEqualTo(before);
    }

    @Test
    void aMissingVaultVariableIsTheOneProblemOfItsValue() {
        String before = admin.hash();
        AdminHttp.Response response = admin.postConfig("""
                _format_version: "3.0"
                plugins:
                  - name: key-auth
                    config: {key_names: ["{vault://env/TOOLGATE_TEST_UNSET_VARIABLE}", "x api key"]}
                """);

        assertThat(response.status()).isEqualTo(400);
        // the unresolved name has only its own problem: its empty stand-in is no name to judge
        assertThat(response.json().get("problems")).extracting(JsonNode::asText).containsExactly(
                "plugins[0].config.key_names[0]: environment variable TOOLGATE_TEST_UNSET_VARIABLE (from "
                        + "{vault://env/TOOLGATE_TEST_UNSET_VARIABLE}) is not set",
                "plugins[0].config.key_names[1]: may only contain letters, digits, _ and - (Kong's header name rule)");
        assertThat(admin.hash()).isEqualTo(before);
    }

    @Test
    void aSecretWrittenAsTheAdminApisMaskIs400NamingItsPathAndChangesNothing() {
        String before = admin.hash();
        AdminHttp.Response response = admin.postConfig("""
                _format_version: "3.0"
                plugins:
                  - name: request-transformer
                    config:
                      add: {headers: ["X-Source:toolgate", "Authorization:[redacted]"]}
                """);

        assertThat(response.status()).as("%s", response).isEqualTo(400);
        assertThat(response.json().get("problems")).extracting(JsonNode::asText).containsExactly(
                "plugins[0].config.add.headers[1]: this value is the Admin API's mask, not the secret: write the "
                        + "secret (or a {vault://env/...} reference)");
        assertThat(admin.hash()).isEqualTo(before);
        assertServes("old");
    }

    @Test
    void groupSideMembershipIsRefusedSayingToWriteItOnTheConsumer() {
        String before = admin.hash();
        AdminHttp.Response response = admin.postConfig("""
                _format_version: "3.0"
                consumers:
                  - username: bob
                consumer_groups:
                  - name: gold
                    consumers: [{username: bob}]
                """);

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("problems")).extracting(JsonNode::asText).containsExactly(
                "consumer_groups[0].consumers: unknown key: write membership as consumers[].groups: [{name: gold}]");
        assertThat(admin.hash()).isEqualTo(before);
    }

    @Test
    void problemsFoundOnlyWhileBuildingToolsAreReportedToo() {
        String before = admin.hash();
        // a path parameter that the path does not have is only found when the tool is compiled
        AdminHttp.Response response = admin.postConfig(config("new").replace("path: /new/ping}",
                "path: /new/ping, parameters: [{name: id, in: path, required: true}]}"));
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("problems").get(0).asText())
                .isEqualTo("services[0].routes[0].plugins[0].config.tools[0].parameters[0]: path parameter 'id' "
                        + "does not appear in path /new/ping");
        assertThat(admin.hash()).isEqualTo(before);
        assertServes("old");
    }

    @Test
    void emptyAndUnparseableDocumentsAre400() {
        AdminHttp.Response empty = admin.postConfig("");
        assertThat(empty.status()).isEqualTo(400);
        assertThat(empty.json().get("problems").get(0).asText()).isEqualTo("the document is empty");
        AdminHttp.Response broken = admin.postConfig("services: [\n  - name: x\n");
        assertThat(broken.status()).isEqualTo(400);
        assertThat(broken.json().get("problems").get(0).asText()).startsWith("not valid YAML: line ");
        assertServes("old");
    }

    @Test
    void multipartFileUploadLikeCurlDashF() {
        String boundary = "----toolgate-test-boundary";
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"config\"; filename=\"kong.yaml\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(config("new").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        AdminHttp.Response response = admin.send("POST", "/config", "multipart/form-data; boundary=" + boundary,
                body.toByteArray());
        assertThat(response.status()).as("%s", response).isEqualTo(200);
        assertServes("new");
        assertNoRoute("old");
    }

    @Test
    void multipartTextFieldAndUrlEncodedFormWork() {
        String boundary = "b0undary";
        String multipart = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"config\"\r\n\r\n" + config("new")
                + "\r\n--" + boundary + "--\r\n";
        AdminHttp.Response field = admin.send("POST", "/config", "multipart/form-data; boundary=" + boundary,
                multipart.getBytes(StandardCharsets.UTF_8));
        assertThat(field.status()).as("%s", field).isEqualTo(200);
        assertServes("new");

        AdminHttp.Response form = admin.send("POST", "/config", "application/x-www-form-urlencoded",
                ("config=" + URLEncoder.encode(config("third"), StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
        assertThat(form.status()).as("%s", form).isEqualTo(200);
        assertServes("third");
        assertNoRoute("new");
    }

    /** A real declarative file runs past 8 KiB: padded with comments, the document stays the same. */
    private static String large(String route) {
        return config(route) + ("# " + "x".repeat(98) + "\n").repeat(400);
    }

    @Test
    void configFormFieldsLargerThan8KiBAreReadWhole() {
        String boundary = "b0undary";
        String multipart = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"config\"\r\n\r\n"
                + large("new") + "\r\n--" + boundary + "--\r\n";
        AdminHttp.Response field = admin.send("POST", "/config", "multipart/form-data; boundary=" + boundary,
                multipart.getBytes(StandardCharsets.UTF_8));
        assertThat(field.status()).as("%s", field).isEqualTo(200);
        assertServes("new");

        AdminHttp.Response form = admin.send("POST", "/config", "application/x-www-form-urlencoded",
                ("config=" + URLEncoder.encode(large("third"), StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
        assertThat(form.status()).as("%s", form).isEqualTo(200);
        assertServes("third");
    }

    @Test
    void aDocumentLargerThan64MiBIs413SayingTheLimitAndChangesNothing() {
        String before = admin.hash();
        String huge = config("new") + "#".repeat(64 * 1024 * 1024);

        AdminHttp.Response body = admin.postExpectingContinue("/config", null, huge.getBytes(StandardCharsets.UTF_8));
        assertThat(body.status()).as("%s", body).isEqualTo(413);
        assertThat(body.json().get("message").asText())
                .isEqualTo("Payload Too Large: a declarative config may be at most 67108864 bytes");

        String boundary = "b0undary";
        AdminHttp.Response form = admin.postExpectingContinue("/config", "multipart/form-data; boundary=" + boundary,
                ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"config\"\r\n\r\n" + huge
                        + "\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        assertThat(form.status()).as("%s", form).isEqualTo(413);
        assertThat(admin.hash()).isEqualTo(before);
        assertServes("old");
    }

    @Test
    void aConfigPostedWhileAnotherIsStillBeingReadIs429AndTheFirstStillLoads() throws Exception {
        byte[] first = config("first").getBytes(StandardCharsets.UTF_8);
        Socket half = null;
        AdminHttp.Response second = null;
        long deadline = System.nanoTime() + 20_000_000_000L;
        while ((second == null || second.status() != 429) && System.nanoTime() < deadline) {
            if (half != null) {
                half.close(); // the second was read first, and the half-sent one refused: again
            }
            half = postHalf(first);
            Thread.sleep(200); // its head read
            second = admin.postConfig(config("second"));
        }
        try (Socket slow = half) {
            // the first document is half sent: each more, up to 64 MiB, would be held beside it
            assertThat(second.status()).as("%s", second).isEqualTo(429);
            assertThat(second.json().get("message").asText())
                    .isEqualTo("Too Many Requests: another declarative config is being loaded; retry when it is done");

            slow.getOutputStream().write(first, first.length / 2, first.length - first.length / 2);
            String answer = new String(slow.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            assertThat(answer).isEqualTo("HTTP/1.1 200");
        }
        assertServes("first");
        assertNoRoute("second");

        // a poster that hangs up half way does not keep the next waiting
        postHalf(first).close();
        AdminHttp.Response after = null;
        long turn = System.nanoTime() + 5_000_000_000L;
        while ((after == null || after.status() == 429) && System.nanoTime() < turn) {
            after = admin.postConfig(config("old"));
        }
        assertThat(after.status()).as("%s", after).isEqualTo(200);
    }

    @Test
    void anUploadDrippingAByteAtATimeIsCutOffAtItsDeadlineAndTheNextConfigLoads() throws Exception {
        // admin body timeout 500 ms: each byte re-arms it, and the upload must arrive whole within 2 s
        dev.toolgate.http.ListenerLimits quick = new dev.toolgate.http.ListenerLimits(64, 60_000, 5_000, 500);
        dev.toolgate.gateway.Limits defaults = dev.toolgate.gateway.Limits.DEFAULT;
        try (TestGateway dripped = TestGateway.start(config("old"), java.util.Map.of(), false, java.util.Map.of(),
                new dev.toolgate.gateway.Limits(defaults.proxy(), quick, defaults.maxSessionsPerEndpoint(),
                        defaults.maxSessionsPerClient(), defaults.sessionIdleSeconds(), defaults.upstreamPoolSize(),
                        defaults.upstreamPoolWaitMs(), false, false, defaults.adminHostNames()))) {
            AdminHttp dripAdmin = new AdminHttp(dripped);
            URI uri = dripAdmin.uri("/config");
            byte[] document = config("first").getBytes(StandardCharsets.UTF_8);
            try (Socket drip = new Socket(uri.getHost(), uri.getPort())) {
                drip.setSoTimeout(10_000);
                OutputStream out = drip.getOutputStream();
                out.write(("POST /config HTTP/1.1\r\nhost: " + uri.getHost() + ":" + uri.getPort()
                        + "\r\ncontent-length: " + document.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                long started = System.nanoTime();
                AdminHttp.Response next = null;
                int sent = 0;
                while (System.nanoTime() - started < 8_000_000_000L && (next == null || next.status() != 200)) {
                    out.write(document[sent++]);
                    out.flush();
                    Thread.sleep(300);
                    if (System.nanoTime() - started > 1_000_000_000L) {
                        next = dripAdmin.postConfig(config("second"));
                    }
                }
                assertThat(next).isNotNull();
                assertThat(next.status()).as("%s", next).isEqualTo(200);
                assertThat(System.nanoTime() - started).as("ns until the next config loaded")
                        .isGreaterThan(1_900_000_000L);
                int end;
                try {
                    end = drip.getInputStream().read();
                } catch (java.net.SocketException reset) {
                    end = -1;
                }
                assertThat(end).as("the dripping upload's connection ended, unanswered").isEqualTo(-1);
            }
        }
    }

    /** A raw connection that has sent POST /config and the first half of {@code document}. */
    private static Socket postHalf(byte[] document) throws IOException {
        URI uri = admin.uri("/config");
        Socket socket = new Socket(uri.getHost(), uri.getPort());
        socket.setSoTimeout(10_000);
        OutputStream out = socket.getOutputStream();
        out.write(("POST /config HTTP/1.1\r\nhost: " + uri.getHost() + ":" + uri.getPort() + "\r\ncontent-length: "
                + document.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(document, 0, document.length / 2);
        out.flush();
        return socket;
    }

    @Test
    void aBodyInAnUnknownContentEncodingIs415() {
        AdminHttp.Response response = admin.sendWithHeaders("POST", "/config", java.util.Map.of("content-encoding", "br"),
                config("new").getBytes(StandardCharsets.UTF_8));
        assertThat(response.status()).as("%s", response).isEqualTo(415);
        assertThat(response.body()).doesNotContain("UnsupportedContentEncoding[");
        assertServes("old");
    }

    /** Over h2c the 415 comes without the Connection header HTTP/1.1 closes with, which HTTP/2 forbids. */
    @Test
    void overH2cABodyInAnUnknownContentEncodingIs415Too() {
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        try {
            URI uri = admin.uri("/config");
            io.vertx.core.http.HttpClientResponse answer = vertx.createHttpClient(
                            new io.vertx.core.http.HttpClientOptions()
                                    .setProtocolVersion(io.vertx.core.http.HttpVersion.HTTP_2)
                                    .setHttp2ClearTextUpgrade(false).setDefaultHost(uri.getHost())
                                    .setDefaultPort(uri.getPort()))
                    .request(new io.vertx.core.http.RequestOptions().setMethod(io.vertx.core.http.HttpMethod.POST)
                            .setURI("/config").addHeader("content-encoding", "br"))
                    .compose(request -> request.send(config("new"))).await();

            assertThat(answer.version()).isEqualTo(io.vertx.core.http.HttpVersion.HTTP_2);
            assertThat(answer.statusCode()).isEqualTo(415);
            assertThat(answer.headers().names()).doesNotContain("connection");
        } finally {
            vertx.close().await();
        }
        assertServes("old");
    }

    /** RFC 9110 §8.3.1: a media type's type and subtype are case-insensitive. */
    @Test
    void aFormsMediaTypeInAnyCaseIsReadAsThatForm() {
        String boundary = "b0undary";
        String multipart = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"config\"\r\n\r\n" + config("new")
                + "\r\n--" + boundary + "--\r\n";
        AdminHttp.Response field = admin.send("POST", "/config", "Multipart/Form-Data; boundary=" + boundary,
                multipart.getBytes(StandardCharsets.UTF_8));
        assertThat(field.status()).as("%s", field).isEqualTo(200);
        assertServes("new");

        AdminHttp.Response form = admin.send("POST", "/config", "Application/X-WWW-Form-Urlencoded; charset=UTF-8",
                ("config=" + URLEncoder.encode(config("third"), StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
        assertThat(form.status()).as("%s", form).isEqualTo(200);
        assertServes("third");
    }

    /**
     * Kong's {@code /config} reads {@code config} and its own options (check_hash, flatten_errors), which Toolgate
     * does not implement: a key beside {@code config} is refused by name, not dropped.
     */
    @Test
    void aKeyBesideConfigInTheJsonWrapperOrTheFormIsRefusedNamingItAndChangesNothing() {
        for (String key : List.of("other", "check_hash", "flatten_errors")) {
            AdminHttp.Response wrapped = admin.send("POST", "/config", "application/json",
                    Json.bytes(Json.object().put("config", config("new")).put(key, 1)));
            assertThat(wrapped.status()).as("%s", wrapped).isEqualTo(400);
            assertThat(wrapped.json().get("message").asText()).as(key).contains("'" + key + "'");
        }
        AdminHttp.Response form = admin.send("POST", "/config", "application/x-www-form-urlencoded",
                ("config=" + URLEncoder.encode(config("new"), StandardCharsets.UTF_8) + "&check_hash=1")
                        .getBytes(StandardCharsets.UTF_8));
        assertThat(form.status()).as("%s", form).isEqualTo(400);
        assertThat(form.json().get("message").asText()).contains("'check_hash'");
        assertServes("old");
        assertNoRoute("new");
    }

    @Test
    void formWithoutAConfigFieldIs400() {
        AdminHttp.Response response = admin.send("POST", "/config", "application/x-www-form-urlencoded",
                "other=1".getBytes(StandardCharsets.UTF_8));
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("message").asText())
                .isEqualTo("cannot read the declarative config: the form has no 'config' field");
        assertServes("old");
    }

    @Test
    void aKeyRepeatedInsideTheJsonWrapperIsRefusedAsInTheBareDocument() {
        String wrapped = "{\"config\":{\"_format_version\":\"3.0\",\"services\":[{\"name\":\"api\","
                + "\"url\":\"http://127.0.0.1:9\",\"url\":\"http://127.0.0.1:10\"}]}}";

        AdminHttp.Response refused = admin.send("POST", "/config", "application/json",
                wrapped.getBytes(java.nio.charset.StandardCharsets.UTF_8));

        assertThat(refused.status()).as("%s", refused).isEqualTo(400);
        assertThat(refused.body()).contains("Duplicate field 'url'");
    }

    @Test
    void jsonWrapperWithTheDocumentAsAStringOrAnObject() throws Exception {
        AdminHttp.Response asString = admin.send("POST", "/config", "application/json",
                Json.bytes(Json.object().put("config", config("new"))));
        assertThat(asString.status()).as("%s", asString).isEqualTo(200);
        assertServes("new");

        JsonNode document = new com.fasterxml.jackson.dataformat.yaml.YAMLMapper().readTree(config("third"));
        AdminHttp.Response asObject = admin.send("POST", "/config", "application/json",
                Json.bytes(Json.object().set("config", document)));
        assertThat(asObject.status()).as("%s", asObject).isEqualTo(200);
        assertServes("third");

        AdminHttp.Response plainJson = admin.send("POST", "/config", "application/json",
                Json.bytes(new com.fasterxml.jackson.dataformat.yaml.YAMLMapper().readTree(config("fourth"))));
        assertThat(plainJson.status()).as("%s", plainJson).isEqualTo(200);
        assertServes("fourth");
        assertNoRoute("third");
    }

    @Test
    void serviceGivenAsHostWithoutPortLoadsWithThePortDefault() {
        // Kong: port defaults to 80 (443 for https) when a service is given as protocol/host/path.
        AdminHttp.Response response = admin.postConfig("""
                _format_version: "3.0"
                services:
                  - name: by-host
                    host: 127.0.0.1
                    routes:
                      - name: by-host
                        paths: [/by-host]
                """);
        assertThat(response.status()).as("%s", response).isEqualTo(200);
        assertThat(admin.get("/services/by-host").json().get("port").asInt()).isEqualTo(80);
    }

    @Test
    void redisSessionSettingsWithoutKeepaliveBacklogLoadAndServe() {
        try (RedisServer redis = RedisServer.start()) {
            AdminHttp.Response response = admin.postConfig(config("new").replace("mode: conversion-listener", """
                    mode: conversion-listener
                                  server:
                                    session:
                                      strategy: redis
                                      redis: {host: 127.0.0.1, port: %d}""".formatted(redis.port())));
            assertThat(response.status()).as("%s", response).isEqualTo(200);
            assertServes("new");
        }
    }
}
