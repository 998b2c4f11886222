package dev.toolgate.policy.oauth2;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.config.ConfigNode;
import dev.toolgate.config.ConfigReport;
import dev.toolgate.mcp.Json;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Instant;
import java.time.InstantSource;

import static org.assertj.core.api.Assertions.assertThat;

class ClaimRulesTest {

    private static final InstantSource CLOCK = InstantSource.fixed(Instant.parse("2026-12-05T12:00:00Z"));

    @Test
    void anIntrospectedTokenThatLivesPastEveryDateIsValidAndCachedAsLongAsAnInstantCanBe() throws IOException {
        // an introspection answer is the authorization server's JSON as sent: exp is any number it chose
        ClaimRules rules = rules();
        JsonNode claims = Json.parse("""
                {"active": true, "iss": "https://auth.example.com", "aud": "https://api.example.com/mcp",
                 "exp": 100000000000000000}""".getBytes());

        assertThat(rules.problem(claims, true)).isNull();
        assertThat(rules.expires(claims)).isEqualTo(Instant.MAX.minusNanos(Instant.MAX.getNano()));
    }

    @Test
    void anExpiryAtTheLastSecondALongHoldsDoesNotWrapRoundToExpiredUnderLeeway() throws IOException {
        ClaimRules rules = rules();
        JsonNode claims = Json.parse(("""
                {"active": true, "iss": "https://auth.example.com", "aud": "https://api.example.com/mcp",
                 "exp": %d}""".formatted(Long.MAX_VALUE)).getBytes());

        assertThat(rules.problem(claims, true)).isNull();
    }

    @Test
    void anExpiryOrNotBeforeBeyondWhatALongHoldsIsReadAsTheFarFutureNotWrappedRound() throws IOException {
        // 2^63 and 1e300 read as a long wrap round to the past: an endless token expired, a far nbf valid now
        ClaimRules rules = rules();
        for (String exp : new String[] {"9223372036854775808", "1e300", "18446744073709551617"}) {
            JsonNode claims = Json.parse(("""
                    {"iss": "https://auth.example.com", "aud": "https://api.example.com/mcp", "exp": %s}"""
                    .formatted(exp)).getBytes());
            assertThat(rules.problem(claims, false)).as(exp).isNull();
        }
        for (String nbf : new String[] {"18446744073709551617", "1e300"}) {
            JsonNode claims = Json.parse(("""
                    {"iss": "https://auth.example.com", "aud": "https://api.example.com/mcp", "exp": 4102444800,
                     "nbf": %s}""".formatted(nbf)).getBytes());
            assertThat(rules.problem(claims, false)).as(nbf).isEqualTo("the token is not valid yet");
        }
        JsonNode ancient = Json.parse("""
                {"iss": "https://auth.example.com", "aud": "https://api.example.com/mcp", "exp": -1e300}""".getBytes());
        assertThat(rules.problem(ancient, false)).isEqualTo("the token has expired");
    }

    @Test
    void aTokenBoundToAKeyOrCertificateIsRefusedAsABearerToken() throws IOException {
        ClaimRules rules = rules();
        for (String cnf : new String[] {"{\"jkt\": \"0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I\"}",
                "{\"x5t#S256\": \"bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2\"}"}) {
            JsonNode claims = Json.parse(("""
                    {"iss": "https://auth.example.com", "aud": "https://api.example.com/mcp", "exp": %d, "cnf": %s}"""
                    .formatted(CLOCK.instant().getEpochSecond() + 60, cnf)).getBytes());

            assertThat(rules.problem(claims, false)).as(cnf).isEqualTo(
                    "the token is bound to a key or certificate (cnf): only bearer tokens are accepted here");
        }
    }

    @Test
    void aClaimHeaderThatWouldFrameTheUpstreamRequestIsAProblemAtItsPath() throws IOException {
        for (String headers : new String[] {"\"claim_to_header\": [{\"claim\": \"n\", \"header\": \"Content-Length\"}]",
                "\"upstream_headers\": [{\"path\": [\"n\"], \"header\": \"transfer-encoding\"}]"}) {
            ConfigReport report = new ConfigReport();
            OAuth2Config.read(ConfigNode.at(Json.parse(("""
                    {"resource": "https://api.example.com/mcp", "authorization_servers": ["https://auth.example.com"],
                     %s}""".formatted(headers)).getBytes()), "config", report));

            assertThat(report.problems()).as(headers).singleElement().asString()
                    .matches("config\\.(claim_to_header|upstream_headers)\\[0]\\.header: '.*' frames the upstream request.*");
        }
    }

    @Test
    void anIntrospectionAnswerWithoutIssuerIsRefusedOnlyWhenSeveralAuthorizationServersAreListed() throws IOException {
        JsonNode claims = Json.parse("""
                {"active": true, "sub": "alice", "aud": "https://api.example.com/mcp"}""".getBytes());

        assertThat(rules("\"https://auth.example.com\"").problem(claims, true)).isNull();
        assertThat(rules("\"https://auth.example.com\", \"https://auth.example.com/\"").problem(claims, true)).isNull();
        assertThat(rules("\"https://auth.example.com\", \"https://partner.example\"").problem(claims, true))
                .isEqualTo("the introspection answer names no issuer (iss), which tells apart the users of several authorization servers");
    }

    private static ClaimRules rules() throws IOException {
        return rules("\"https://auth.example.com\"");
    }

    private static ClaimRules rules(String servers) throws IOException {
        ConfigReport report = new ConfigReport();
        OAuth2Config config = OAuth2Config.read(ConfigNode.at(Json.parse("""
                {"resource": "https://api.example.com/mcp", "authorization_servers": [%s],
                 "introspection_endpoint": "https://auth.example.com/introspect", "client_id": "gateway",
                 "client_secret": "s3cret", "jwt_claims_leeway": 60}""".formatted(servers).getBytes()), "config", report));
        assertThat(report.problems()).isEmpty();
        return new ClaimRules(config, new ServerMetadata(config, config.authorizationServers().getFirst(), CLOCK), CLOCK);
    }
}
