package dev.toolgate.policy.oauth2;

import dev.toolgate.mcp.Json;
import dev.toolgate.pipeline.Consumers;
import dev.toolgate.pipeline.Principal;
import dev.toolgate.testing.Configs;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Who a token stands for when it maps to no consumer: the identity its sessions and limits are bound to. */
class CallersTest {

    private static final Callers CALLERS = callers(false);
    /** Of a plugin listing several authorization servers. */
    private static final Callers OF_SEVERAL = callers(true);

    private static Callers callers(boolean severalIssuers) {
        return new Callers(new ConsumerMapping(List.of(), List.of("username"), false, List.of(), false, List.of("sub")),
                new Consumers(Configs.load("_format_version: \"3.0\"\n").config()), Set.of(), severalIssuers);
    }

    private static String credential(String claims) throws IOException {
        return CALLERS.map(Json.parse(claims)).caller().credential().id();
    }

    @Test
    void withOneAuthorizationServerTheIssuerIsNoPartOfTheCredential() throws IOException {
        assertThat(credential("{\"iss\":\"https://a.example/\",\"sub\":\"alice\"}")).isEqualTo("alice");
    }

    @Test
    void withSeveralAuthorizationServersTheSameSubjectOfTwoIssuersIsTwoCallers() throws IOException {
        Principal a = OF_SEVERAL.map(Json.parse("{\"iss\":\"https://a.example/\",\"sub\":\"alice\"}")).caller();
        Principal b = OF_SEVERAL.map(Json.parse("{\"iss\":\"https://b.example\",\"sub\":\"alice\"}")).caller();

        assertThat(a.credential().id()).isEqualTo("https://a.example alice");
        assertThat(a.credential().entityId()).isEqualTo("https://a.example alice");
        assertThat(b.credential().id()).isEqualTo("https://b.example alice");
        assertThat(a.sessionOwner()).isNotEqualTo(b.sessionOwner());
        assertThat(OF_SEVERAL.map(Json.parse("{\"iss\":\"https://b.example\",\"client_id\":\"app\"}")).caller()
                .credential().id()).isEqualTo("https://b.example client:app");
    }

    @Test
    void theCredentialClaimNamesTheCaller() throws IOException {
        assertThat(credential("{\"sub\":\"alice\",\"client_id\":\"app\"}")).isEqualTo("alice");
    }

    @Test
    void withoutTheClaimTheOAuthClientTheTokenWasIssuedToNamesIt() throws IOException {
        assertThat(credential("{\"client_id\":\"app\",\"jti\":\"1\"}")).isEqualTo("client:app");
        assertThat(credential("{\"azp\":\"web\",\"jti\":\"1\"}")).isEqualTo("client:web");
    }

    @Test
    void twoTokensWithoutAnyIdentifyingClaimAreNeverTheSameCaller() throws IOException {
        String one = credential("{\"iss\":\"https://as.example\",\"jti\":\"a\",\"exp\":1}");
        String other = credential("{\"iss\":\"https://as.example\",\"jti\":\"b\",\"exp\":1}");
        assertThat(one).startsWith("token:").isNotEqualTo(other);
        assertThat(credential("{\"iss\":\"https://as.example\",\"jti\":\"a\",\"exp\":1}")).isEqualTo(one);
    }
}
