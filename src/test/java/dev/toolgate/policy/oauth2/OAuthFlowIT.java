package dev.toolgate.policy.oauth2;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.gateway.Gateway;
import dev.toolgate.http.ClientAddresses;
import dev.toolgate.testing.AuthorizationServer;
import dev.toolgate.testing.McpHttp;
import dev.toolgate.testing.NodeClients;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * MCP authorization end to end: the official TypeScript SDK client, starting without a token, is
 * refused with a challenge naming the Protected Resource Metadata, discovers the authorization server
 * (a real oidc-provider), gets a token for the resource and lists and calls tools, on a listener (Kong's
 * Okta how-to shape), a conversion-listener and a passthrough endpoint. No upstream ever sees its token.
 */
@Timeout(120)
class OAuthFlowIT {

    static AuthorizationServer as;
    static RestUpstream weather;
    static RestUpstream mcp;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        as = AuthorizationServer.start();
        weather = OAuthSetup.weatherApi();
        mcp = OAuthSetup.mcpServer();
        gateway = OAuthSetup.start(OAuthSetup.threeModes(as, weather, mcp, ""), OAuthSetup.values(as, weather, mcp));
    }

    @AfterAll
    static void stop() throws Exception {
        OAuthSetup.close(gateway, weather, mcp, as);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/weather/mcp", "/mcp-cl", "/mcp-pass"})
    void theTypeScriptSdkDiscoversTheAuthorizationServerGetsATokenAndCallsATool(String path) {
        URI endpoint = gateway.proxy(path);
        boolean passthrough = path.equals("/mcp-pass");
        String tool = passthrough ? "echo" : "current_weather";
        String arguments = passthrough ? "{}" : "{\"query_q\":\"Paris\"}";

        JsonNode run = NodeClients.require().script("src/test/node/ts-sdk-oauth-client.mjs", java.time.Duration.ofSeconds(60),
                endpoint.toString(), as.issuer(), "mcp-client", "mcp-client-secret", "call", tool, arguments).ok();

        List<String> http = new java.util.ArrayList<>();
        run.get("http").forEach(line -> http.add(line.asText()));
        assertThat(http.getFirst()).isEqualTo("POST " + endpoint + " -> 401");
        assertThat(http).contains("GET " + gateway.proxy("/.well-known/oauth-protected-resource" + path) + " -> 200")
                .anyMatch(line -> line.startsWith("GET " + as.issuer() + "/.well-known/") && line.endsWith("-> 200"))
                .contains("POST " + as.issuer() + "/token -> 200");
        assertThat(http.getLast()).endsWith("-> 200");
        assertThat(run.at("/result/content/0/text").asText()).contains(passthrough ? "echoed" : "temp_c");
        RestUpstream upstream = passthrough ? mcp : weather;
        assertThat(upstream.received()).isNotEmpty().allSatisfy(received -> {
            assertThat(received.header("authorization")).as("the client's token never goes upstream").isNull();
            assertThat(received.header("x-user-id")).isEqualTo("mcp-client");
        });
    }

    @Test
    void aClaimTheTokenLacksLeavesNoClientSuppliedHeaderOfItsNameUpstream() {
        String endpoint = gateway.proxy("/mcp-pass").toString();
        String withoutSub = ForgedTokens.signed(as.signingKey(), ForgedTokens.claims(as.issuer(), endpoint, c -> c.subject(null)));
        mcp.clear();

        McpHttp.Response served = new McpHttp(URI.create(endpoint)).send("POST", BadTokensIT.INITIALIZE,
                BadTokensIT.headers(Map.of("authorization", "Bearer " + withoutSub, "X-User-Id", "admin")));

        assertThat(served.status()).as("%s", served).isEqualTo(200);
        List<RestUpstream.Received> received = mcp.received();
        // taken, not left for the SDK test, which reads every request this upstream got
        mcp.clear();
        assertThat(received).isNotEmpty().allSatisfy(r -> assertThat(r.header("x-user-id"))
                .as("claim_to_header sub -> X-User-Id, and the token has no sub").isNull());
    }

    @Test
    void theMetadataIsPublishedWithoutARouteAndReadableFromAnyOrigin() throws Exception {
        for (String path : List.of("/.well-known/oauth-protected-resource/mcp-cl", "/.well-known/oauth-protected-resource/weather/mcp")) {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(gateway.proxy(path))
                    .header("origin", "https://app.example").GET().build(), HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("access-control-allow-origin")).hasValue("*");
            JsonNode document = dev.toolgate.mcp.Json.MAPPER.readTree(response.body());
            assertThat(document.get("resource").asText()).isEqualTo(gateway.proxy(path.substring(path.indexOf("/", 2 + ".well-known".length()))).toString());
            assertThat(document.get("authorization_servers").get(0).asText()).isEqualTo(as.issuer());
            assertThat(document.get("scopes_supported").get(0).asText()).isEqualTo("mcp:tools");
        }
    }

    @Test
    void aRequestWithoutATokenIsChallengedWithTheMetadataUrl() {
        McpHttp.Response refused = new McpHttp(gateway.proxy("/weather/mcp")).post(LIST);

        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.json().at("/error/message").asText()).isEqualTo("Invalid or inactive token");
        assertThat(refused.header("www-authenticate")).isEqualTo("Bearer resource_metadata=\""
                + gateway.proxy("/.well-known/oauth-protected-resource/weather/mcp") + "\", scope=\"mcp:tools\"");
    }

    @Test
    void aTrustedProxysForwardingHeadersNameTheAddressInTheChallenge() throws Exception {
        Path file = Files.createTempDirectory("toolgate-forwarded").resolve("kong.yaml");
        Files.writeString(file, "_format_version: \"3.0\"\n" + OAuthSetup.threeModes(as, weather, mcp, "")
                .replace("${proxy}", "https://mcp.example.com").replace("${issuer}", as.issuer())
                .replace("${weather}", weather.url()).replace("${mcp}", mcp.url()));
        ClientAddresses trusting = new ClientAddresses(ClientAddresses.parseList("127.0.0.1/32"), "X-Real-IP", false);
        try (Gateway behind = Gateway.start(new Gateway.Options(file, "127.0.0.1", 0, "127.0.0.1", 0, false,
                k -> null, InstantSource.system(), new SecureRandom(), trusting))) {
            McpHttp.Response refused = new McpHttp(URI.create("http://127.0.0.1:" + behind.proxyPort() + "/mcp-cl"))
                    .send("POST", LIST, FORWARDED);

            assertThat(refused.status()).isEqualTo(401);
            assertThat(refused.header("www-authenticate"))
                    .contains("resource_metadata=\"https://mcp.example.com/.well-known/oauth-protected-resource/mcp-cl\"");
        }
    }

    @Test
    void forwardingHeadersFromAnUntrustedClientAreIgnored() {
        McpHttp.Response refused = new McpHttp(gateway.proxy("/mcp-cl")).send("POST", LIST, FORWARDED);

        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.header("www-authenticate")).contains("resource_metadata=\""
                + gateway.proxy("/.well-known/oauth-protected-resource/mcp-cl") + "\"");
    }

    static final Map<String, String> FORWARDED = Map.of("content-type", "application/json", "accept",
            McpHttp.ACCEPT_BOTH, "x-forwarded-proto", "https", "x-forwarded-host", "mcp.example.com",
            "x-forwarded-port", "443");
    static final String LIST = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}";
}
