package dev.toolgate.policy.oauth2;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.sun.net.httpserver.HttpServer;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where an authorization server's metadata says its keys are: the gateway takes them from that http(s) address
 * only, as its metadata fetch does, never through a redirect nor from a {@code file:} URL (which would have it
 * read its own disk on a server's word). Tokens it cannot check so are refused as unverifiable (503).
 */
@Timeout(60)
class KeySetAddressIT {

    static HttpServer server;
    static RSAKey key;
    static final AtomicReference<String> jwksUri = new AtomicReference<>();
    static RestUpstream weather;
    static RestUpstream mcp;

    @BeforeAll
    static void start() throws Exception {
        key = new RSAKeyGenerator(2048).keyID("k1").generate();
        byte[] keys = new JWKSet(key.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            if (path.startsWith("/.well-known/")) {
                answer(exchange, 200, ("{\"issuer\": \"" + issuer() + "\", \"jwks_uri\": \"" + jwksUri.get() + "\"}")
                        .getBytes(StandardCharsets.UTF_8));
            } else if (path.equals("/jwks")) {
                answer(exchange, 200, keys);
            } else if (path.equals("/moved")) {
                exchange.getResponseHeaders().add("Location", issuer() + "/jwks");
                answer(exchange, 302, new byte[0]);
            } else {
                answer(exchange, 404, new byte[0]);
            }
        });
        server.start();
        weather = OAuthSetup.weatherApi();
        mcp = OAuthSetup.mcpServer();
    }

    @AfterAll
    static void stop() throws Exception {
        server.stop(0);
        OAuthSetup.close(weather, mcp);
    }

    @Test
    void keysAtTheAddressTheMetadataNamesCheckTheToken() throws Exception {
        jwksUri.set(issuer() + "/jwks");
        assertThat(initializeWithToken().status()).isEqualTo(200);
    }

    @Test
    void aKeySetAddressThatRedirectsIsNotFollowedAndTheTokenIsUnverifiable() throws Exception {
        jwksUri.set(issuer() + "/moved");
        McpHttp.Response refused = initializeWithToken();
        assertThat(refused.status()).as("%s", refused).isEqualTo(503);
        assertThat(refused.body()).doesNotContain("127.0.0.1");
    }

    @Test
    void aKeySetAddressThatIsAFileIsNotReadAndTheTokenIsUnverifiable() throws Exception {
        Path file = Files.createTempFile("jwks", ".json");
        try {
            Files.writeString(file, new JWKSet(key.toPublicJWK()).toString());
            jwksUri.set(file.toUri().toString());
            McpHttp.Response refused = initializeWithToken();
            assertThat(refused.status()).as("%s", refused).isEqualTo(503);
            assertThat(refused.body()).doesNotContain(file.toString());
        } finally {
            Files.delete(file);
        }
    }

    /** A fresh gateway (no keys cached), and an initialize with a token the key signed. */
    private static McpHttp.Response initializeWithToken() throws Exception {
        try (TestGateway gateway = OAuthSetup.start(OAuthSetup.threeModes(null, weather, mcp, ""),
                Map.of("issuer", issuer(), "weather", weather.url(), "mcp", mcp.url()))) {
            String endpoint = gateway.proxy("/mcp-cl").toString();
            String token = ForgedTokens.signed(key, ForgedTokens.claims(issuer(), endpoint, claims -> claims));
            return new McpHttp(URI.create(endpoint)).send("POST", BadTokensIT.INITIALIZE,
                    BadTokensIT.headers(Map.of("authorization", "Bearer " + token)));
        }
    }

    private static String issuer() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private static void answer(com.sun.net.httpserver.HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
