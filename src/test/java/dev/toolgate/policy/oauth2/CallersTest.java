package dev.toolgate.policy.oauth2;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.mcp.Json;
import dev.toolgate.pipeline.Consumers;
import dev.toolgate.testing.Configs;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Who a token stands for when it maps to no consumer: the identity its sessions and limits are bound to. */
class CallersTest {

    private static final Callers CALLERS = new Callers(
            new ConsumerMapping(List.of(), List.of("username"), false, List.of(), false, List.of("sub")),
            new Consumers(Configs.load("_format_version: \"3.0\"\n").config()), Set.of());

    private static String credential(String claims) throws IOException {
        JsonNode node = Json.parse(claims);
        return CALLERS.map(node).caller().credential().id();
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
