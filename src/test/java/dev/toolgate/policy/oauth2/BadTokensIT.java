package dev.toolgate.policy.oauth2;

import dev.toolgate.testing.AuthorizationServer;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Tokens ai-mcp-oauth2 must refuse, each with Kong's answer (401 "Invalid or inactive token" and a
 * challenge naming the metadata and what is wrong), and the next good request served. A preflight
 * is no exception: ai-mcp-oauth2 lets nothing pass unread, so a client's token never goes upstream.
 */
@Timeout(90)
class BadTokensIT {

    static AuthorizationServer as;
    static RestUpstream weather;
    static RestUpstream mcp;
    static TestGateway gateway;
    static String resource;

    @BeforeAll
    static void start() {
        as = AuthorizationServer.start();
        weather = OAuthSetup.weatherApi();
        mcp = OAuthSetup.mcpServer();
        gateway = OAuthSetup.start(OAuthSetup.threeModes(as, weather, mcp, ""), OAuthSetup.values(as, weather, mcp));
        resource = gateway.proxy("/mcp-cl").toString();
    }

    @AfterAll
    static void stop() throws Exception {
        OAuthSetup.close(gateway, weather, mcp, as);
    }

    static Stream<Arguments> refusedTokens() {
        return Stream.of(
                arguments("expired", (Supplier<String>) () -> ForgedTokens.signed(as.signingKey(), ForgedTokens.claims(as.issuer(),
                        resource, c -> c.expirationTime(new Date(System.currentTimeMillis() - 60_000)))), "the token has expired"),
                arguments("not yet valid", (Supplier<String>) () -> ForgedTokens.signed(as.signingKey(), ForgedTokens.claims(as.issuer(),
                        resource, c -> c.notBeforeTime(new Date(System.currentTimeMillis() + 600_000)))), "the token is not valid yet"),
                arguments("for another resource", (Supplier<String>) () -> as.token(as.issuer(), "http://other.example/mcp",
                        "mcp:tools"), "not issued for this resource"),
                arguments("from another issuer", (Supplier<String>) () -> as.token(as.otherIssuer(), resource, "mcp:tools"),
                        "no key of the authorization server matches"),
                arguments("issuer claim of another server, our key", (Supplier<String>) () -> ForgedTokens.signed(as.signingKey(),
                        ForgedTokens.claims(as.otherIssuer(), resource, c -> c)), "not issued by a trusted authorization server"),
                arguments("signed with an unknown key id", (Supplier<String>) () -> ForgedTokens.signed(ForgedTokens.unknownKey(),
                        ForgedTokens.claims(as.issuer(), resource, c -> c)), "no key of the authorization server matches"),
                arguments("alg none", (Supplier<String>) () -> ForgedTokens.unsigned(ForgedTokens.claims(as.issuer(), resource, c -> c)),
                        "not a signed JWT"),
                arguments("HS256 signed with the RSA public key", (Supplier<String>) () -> ForgedTokens.hmacWithPublicKey(
                        as.signingKey(), ForgedTokens.claims(as.issuer(), resource, c -> c)), "algorithm is not accepted"),
                arguments("truncated", (Supplier<String>) () -> good().substring(0, good().length() - 12),
                        "signature does not verify"),
                arguments("claims that are no JWT claims", (Supplier<String>) () -> ForgedTokens.signed(as.signingKey(),
                        ForgedTokens.claims(as.issuer(), resource, c -> c.claim("sub", Map.of("a", 1)))), "claims are malformed"),
                arguments("not a JWT", (Supplier<String>) () -> "opaque-but-unknown", "not a JWT"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedTokens")
    void aBadTokenIsRefusedWithKongsAnswerAndTheNextGoodRequestIsServed(String name, Supplier<String> token, String why) {
        McpHttp.Response refused = initialize(Map.of("authorization", "Bearer " + token.get()));

        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.json().at("/error/message").asText()).isEqualTo("Invalid or inactive token");
        assertThat(refused.header("www-authenticate")).startsWith("Bearer error=\"invalid_token\"").contains(why)
                .contains("resource_metadata=\"" + gateway.proxy("/.well-known/oauth-protected-resource/mcp-cl") + "\"");
        assertGoodRequestServed();
    }

    @Test
    void tenKilobytesOfGarbageAreRefusedBeforeAnyParsing() {
        McpHttp.Response refused = initialize(Map.of("authorization", "Bearer " + "A".repeat(10 * 1024)));

        assertThat(refused.status()).isEqualTo(431);
        assertGoodRequestServed();
    }

    @Test
    void twoAuthorizationHeadersAreABadRequest() {
        var refused = new McpHttp(gateway.proxy("/mcp-cl")).send("POST", INITIALIZE, headers(Map.of()),
                "authorization", "Bearer " + good(), "authorization", "Bearer " + good());

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.header("www-authenticate")).startsWith("Bearer error=\"invalid_request\"");
        assertGoodRequestServed();
    }

    @Test
    void aTokenInTheQueryStringIsNotAccepted() {
        var refused = new McpHttp(java.net.URI.create(resource + "?access_token=" + good())).send("POST", INITIALIZE,
                headers(Map.of()));

        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.header("www-authenticate")).startsWith("Bearer resource_metadata=");
        assertGoodRequestServed();
    }

    @Test
    void aTokenOfAnotherSchemeIsNoToken() {
        McpHttp.Response refused = initialize(Map.of("authorization", "Basic " + good()));

        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.header("www-authenticate")).doesNotContain("error=");
    }

    @Test
    void aPreflightNeedsATokenTooAndTheTokenGoesNowhereUpstream() {
        McpHttp passthrough = new McpHttp(gateway.proxy("/mcp-pass"));
        Map<String, String> preflight = Map.of("Origin", "http://localhost", "Access-Control-Request-Method", "POST");
        mcp.clear();

        McpHttp.Response unread = passthrough.send("OPTIONS", "", preflight);
        assertThat(unread.status()).as("no run_on_preflight: false to let it pass unread").isEqualTo(401);
        Map<String, String> withToken = new LinkedHashMap<>(preflight);
        withToken.put("authorization", "Bearer " + as.token(as.issuer(), gateway.proxy("/mcp-pass").toString(), "mcp:tools"));
        McpHttp.Response admitted = passthrough.send("OPTIONS", "", withToken);

        assertThat(admitted.status()).as("%s", admitted).isNotEqualTo(401);
        RestUpstream.Received received = mcp.next();
        assertThat(received.method()).isEqualTo("OPTIONS");
        assertThat(received.headers().contains("authorization")).isFalse();
    }

    @Test
    void aQueryTokenGoesNowhereUpstreamHoweverItsNameIsEncoded() {
        String token = as.token(as.issuer(), gateway.proxy("/mcp-pass").toString(), "mcp:tools");
        mcp.clear();

        McpHttp.Response served = new McpHttp(java.net.URI.create(gateway.proxy("/mcp-pass") + "?access%5Ftoken=leaked&x=1"))
                .send("POST", INITIALIZE, headers(Map.of("authorization", "Bearer " + token)));

        assertThat(served.status()).as("%s", served).isEqualTo(200);
        RestUpstream.Received received = mcp.next();
        assertThat(received.query()).isEqualTo("x=1");
    }

    private static void assertGoodRequestServed() {
        McpHttp.Response served = initialize(Map.of("authorization", "Bearer " + good()));
        assertThat(served.status()).as("%s", served).isEqualTo(200);
        assertThat(served.json().at("/result/serverInfo/name").asText()).isNotEmpty();
    }

    private static String good() {
        return as.token(as.issuer(), resource, "mcp:tools");
    }

    static McpHttp.Response initialize(Map<String, String> extra) {
        return new McpHttp(java.net.URI.create(resource)).send("POST", INITIALIZE, headers(extra));
    }

    static Map<String, String> headers(Map<String, String> extra) {
        Map<String, String> headers = new LinkedHashMap<>(Map.of("content-type", "application/json", "accept",
                McpHttp.ACCEPT_BOTH));
        headers.putAll(extra);
        return headers;
    }

    static final String INITIALIZE = """
            {"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},
             "clientInfo":{"name":"bad-tokens","version":"1"}}}""";
}
