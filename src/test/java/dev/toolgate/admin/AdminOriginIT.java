package dev.toolgate.admin;

import dev.toolgate.testing.AdminHttp;
import dev.toolgate.testing.RawHttp;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A browser request reaches the Admin API only from the listener's own origin (where the live page is
 * served): a page on another port, loopback or not, cannot replace the configuration.
 */
@Timeout(60)
class AdminOriginIT {

    static TestGateway gateway;
    static AdminHttp admin;
    static int port;

    static String document(String route) {
        return """
                _format_version: "3.0"
                services:
                  - name: api
                    url: http://127.0.0.1:9
                    routes:
                      - {name: %s, paths: [/%s]}
                """.formatted(route, route);
    }

    @BeforeAll
    static void start() {
        gateway = TestGateway.start(document("first"));
        admin = new AdminHttp(gateway);
        port = admin.uri("/").getPort();
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    private static AdminHttp.Response postConfigFrom(String origin, String route) {
        return admin.sendWithHeaders("POST", "/config", Map.of("Origin", origin), document(route).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aPageOnAnotherLoopbackPortCannotReplaceTheConfiguration() {
        String before = admin.hash();
        for (String origin : new String[]{"http://localhost:1234", "http://127.0.0.1:1234", "http://[::1]:1234",
                "http://localhost"}) {
            AdminHttp.Response refused = postConfigFrom(origin, "evil");
            assertThat(refused.status()).as(origin).isEqualTo(403);
        }
        assertThat(admin.hash()).isEqualTo(before);
        assertThat(admin.get("/routes/evil").status()).isEqualTo(404);
    }

    @Test
    void aForeignOriginOrAnotherSchemeOnTheListenersOwnHostAndPortIsRefused() {
        assertThat(postConfigFrom("https://evil.example", "evil").status()).isEqualTo(403);
        assertThat(postConfigFrom("https://127.0.0.1:" + port, "evil").status()).isEqualTo(403);
        assertThat(postConfigFrom("null", "evil").status()).isEqualTo(403);
    }

    @Test
    void theListenersOwnOriginMayReplaceTheConfiguration() {
        AdminHttp.Response applied = postConfigFrom("http://127.0.0.1:" + port, "own");
        assertThat(applied.status()).as(applied.body()).isEqualTo(200);
        assertThat(admin.get("/routes/own").status()).isEqualTo(200);
    }

    @Test
    void theOwnOriginIsTheOneTheHostHeaderNames() {
        URI target = admin.uri("/dashboard/overview");
        String head = "GET /dashboard/overview HTTP/1.1\r\nHost: localhost:" + port + "\r\nOrigin: http://localhost:" + port
                + "\r\nConnection: close\r\n";
        assertThat(RawHttp.exchange(target, head, null).status()).isEqualTo(200);
        String foreign = "GET /dashboard/overview HTTP/1.1\r\nHost: localhost:" + port + "\r\nOrigin: http://127.0.0.1:"
                + port + "\r\nConnection: close\r\n";
        assertThat(RawHttp.exchange(target, foreign, null).status()).isEqualTo(403);
    }

    /**
     * HTTP/2 names the listener in {@code :authority}, not {@code Host}: a name that is not the listener's must
     * get 421 there as well (a local proxy speaking h2c to the admin listener passes the browser's name on).
     */
    @Test
    void overH2cAForeignAuthorityGets421AndTheListenersOwnIsAnswered() throws Exception {
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        try {
            io.vertx.core.http.HttpClientAgent h2c = vertx.createHttpClient(new io.vertx.core.http.HttpClientOptions()
                    .setProtocolVersion(io.vertx.core.http.HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false));
            for (Map.Entry<String, Integer> asked : Map.of("evil.example", 421, "127.0.0.1", 200, "localhost", 200)
                    .entrySet()) {
                int status = h2c.request(new io.vertx.core.http.RequestOptions()
                                .setServer(io.vertx.core.net.SocketAddress.inetSocketAddress(port, "127.0.0.1"))
                                .setHost(asked.getKey()).setPort(port).setURI("/status"))
                        .compose(r -> r.send()).compose(response -> response.body().map(b -> {
                            assertThat(response.version()).isEqualTo(io.vertx.core.http.HttpVersion.HTTP_2);
                            return response.statusCode();
                        })).await(10, java.util.concurrent.TimeUnit.SECONDS);
                assertThat(status).as(asked.getKey()).isEqualTo(asked.getValue());
            }
        } finally {
            vertx.close().await();
        }
    }

    /**
     * RFC 9113 §8.3.1: {@code :authority} takes precedence, and a {@code Host} naming another authority makes the
     * request malformed. Vert.x resets such a stream (PROTOCOL_ERROR) before the Admin API sees it, so a foreign
     * {@code :authority} cannot hide behind the listener's own {@code Host}, nor the other way round; when both are
     * present and the request is answered, they name the same host.
     */
    @Test
    void overH2cAnAuthorityAndAHostHeaderNamingDifferentHostsAreRefused() throws Exception {
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        try {
            io.vertx.core.http.HttpClientAgent h2c = vertx.createHttpClient(new io.vertx.core.http.HttpClientOptions()
                    .setProtocolVersion(io.vertx.core.http.HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false));
            for (Map.Entry<String, String> asked : Map.of("evil.example", "127.0.0.1:" + port,
                    "127.0.0.1", "evil.example:" + port).entrySet()) {
                io.vertx.core.Future<Integer> status = h2c.request(new io.vertx.core.http.RequestOptions()
                                .setServer(io.vertx.core.net.SocketAddress.inetSocketAddress(port, "127.0.0.1"))
                                .setHost(asked.getKey()).setPort(port).setURI("/status")
                                .putHeader("host", asked.getValue()))
                        .compose(r -> r.send()).compose(response -> response.body().map(b -> response.statusCode()));
                Throwable refused = status.transform(done -> io.vertx.core.Future.succeededFuture(done.cause()))
                        .await(10, java.util.concurrent.TimeUnit.SECONDS);

                assertThat(refused).as(":authority %s, Host %s answered %s", asked.getKey(), asked.getValue(),
                        status.result()).isInstanceOf(io.vertx.core.http.StreamResetException.class);
                assertThat(((io.vertx.core.http.StreamResetException) refused).getCode()).as("PROTOCOL_ERROR")
                        .isEqualTo(1L);
            }
        } finally {
            vertx.close().await();
        }
    }

    /** The headers a browser sends for a request an element or a form of a page makes. */
    private static Map<String, String> fetch(String site, String mode, String dest) {
        return Map.of("Sec-Fetch-Site", site, "Sec-Fetch-Mode", mode, "Sec-Fetch-Dest", dest);
    }

    /** Opens {@code /dashboard/events} with these extra header lines and reads the answer's head; the socket stays open. */
    private static java.net.Socket openEvents(String headers, StringBuilder head) throws java.io.IOException {
        java.net.Socket socket = new java.net.Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        socket.getOutputStream().write(("GET /dashboard/events HTTP/1.1\r\nHost: 127.0.0.1:" + port
                + "\r\nAccept: text/event-stream\r\n" + headers + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        java.io.InputStream in = socket.getInputStream();
        while (head.indexOf("\r\n\r\n") < 0) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.append((char) b);
        }
        return socket;
    }

    /**
     * An {@code <img src="http://127.0.0.1:8001/dashboard/events">} sends no Origin; the browser still says the
     * page is of another site. Sixteen of them took every place, and the operator's own page got 503.
     */
    @Test
    void imagesOnAnotherSitesPageAreRefusedAndTheOperatorsOwnPageStillStreams() throws Exception {
        List<java.net.Socket> opened = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 17; i++) {
                StringBuilder head = new StringBuilder();
                String site = i % 2 == 0 ? "cross-site" : "same-site";
                opened.add(openEvents("Sec-Fetch-Site: " + site + "\r\nSec-Fetch-Mode: no-cors\r\n"
                        + "Sec-Fetch-Dest: image\r\n", head));
                assertThat(head.toString()).as("image %d", i).startsWith("HTTP/1.1 403");
            }
            StringBuilder own = new StringBuilder();
            opened.add(openEvents("Sec-Fetch-Site: same-origin\r\nSec-Fetch-Mode: cors\r\nSec-Fetch-Dest: empty\r\n",
                    own));
            assertThat(own.toString()).startsWith("HTTP/1.1 200").contains("text/event-stream");
            StringBuilder curl = new StringBuilder();
            opened.add(openEvents("", curl));
            assertThat(curl.toString()).as("a client that is not a browser").startsWith("HTTP/1.1 200");
        } finally {
            for (java.net.Socket socket : opened) {
                socket.close();
            }
        }
        AdminHttp.Response refused = admin.sendWithHeaders("GET", "/dashboard/events",
                fetch("cross-site", "no-cors", "image"), null);
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.json().get("message").asText()).contains("Sec-Fetch-Site: cross-site")
                .contains("this listener's own address");
    }

    /**
     * A form on another site posted to {@code /config} (as text/plain or urlencoded, the types a form may send
     * without asking) by a browser that leaves the Origin out: refused before its body is read.
     */
    @Test
    void aFormPostedFromAnotherSiteWithoutAnOriginDoesNotChangeTheConfiguration() {
        String before = admin.hash();
        Map<String, byte[]> bodies = Map.of("text/plain", document("evil").getBytes(StandardCharsets.UTF_8),
                "application/x-www-form-urlencoded", ("config=" + java.net.URLEncoder.encode(document("evil"),
                        StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
        for (String site : List.of("cross-site", "same-site")) {
            for (Map.Entry<String, byte[]> body : bodies.entrySet()) {
                Map<String, String> headers = new java.util.HashMap<>(fetch(site, "navigate", "document"));
                headers.put("Content-Type", body.getKey());
                AdminHttp.Response refused = admin.sendWithHeaders("POST", "/config", headers, body.getValue());
                assertThat(refused.status()).as("%s %s: %s", site, body.getKey(), refused).isEqualTo(403);
            }
        }
        assertThat(admin.hash()).isEqualTo(before);
        assertThat(admin.get("/routes/evil").status()).isEqualTo(404);
    }

    /** A link on a wiki opens the page; the page framed, or a script's request, from there is refused. */
    @Test
    void aLinkFollowedFromAnotherSiteOpensTheDashboardButAFrameOrAScriptThereIsRefused() {
        assertThat(admin.sendWithHeaders("GET", "/dashboard", fetch("cross-site", "navigate", "document"), null)
                .status()).isEqualTo(200);
        assertThat(admin.sendWithHeaders("GET", "/dashboard", fetch("cross-site", "navigate", "iframe"), null)
                .status()).isEqualTo(403);
        assertThat(admin.sendWithHeaders("GET", "/dashboard/overview", fetch("same-site", "no-cors", "script"), null)
                .status()).isEqualTo(403);
        assertThat(admin.sendWithHeaders("GET", "/dashboard/overview", fetch("same-origin", "cors", "empty"), null)
                .status()).isEqualTo(200);
        assertThat(admin.sendWithHeaders("GET", "/status", fetch("none", "navigate", "document"), null).status())
                .as("an address typed in").isEqualTo(200);
        assertThat(admin.sendWithHeaders("GET", "/dashboard/events", fetch("cross-site", "navigate", "document"), null)
                .status()).as("the stream is not opened by a link").isEqualTo(403);
    }

    /**
     * Browsers send no {@code Sec-Fetch-*} to a plain-HTTP address that is not loopback: there, the page's own
     * policy keeps other sites from framing it.
     */
    @Test
    void theDashboardsPageMayBeFramedByItsOwnOriginAlone() throws Exception {
        try (java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient()) {
            java.net.http.HttpResponse<Void> page = client.send(java.net.http.HttpRequest.newBuilder(admin.uri("/dashboard"))
                    .build(), java.net.http.HttpResponse.BodyHandlers.discarding());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.headers().firstValue("content-security-policy")).hasValueSatisfying(policy ->
                    assertThat(policy).contains("frame-ancestors 'self'"));
        }
    }

    @Test
    void requestsWithoutAnOriginAreNotMadeByPagesAndPass() {
        assertThat(admin.get("/status").status()).isEqualTo(200);
    }
}
