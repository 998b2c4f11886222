package dev.toolgate.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** DNS-rebinding protection: which Origin headers may call an MCP endpoint. */
class OriginPolicyTest {

    private final OriginPolicy policy = new OriginPolicy(List.of("https://app.example.com", "http://tools.example.com:8080"));

    @Test
    void requestWithoutAnOriginIsNotABrowserAndPasses() {
        assertThat(policy.allows(null)).isTrue();
        assertThat(new OriginPolicy(List.of()).allows(null)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://app.example.com", "HTTPS://APP.EXAMPLE.COM", "https://app.example.com/",
            "https://app.example.com:443", "http://tools.example.com:8080", " https://app.example.com "})
    void listedOriginPassesInAnyEquivalentSpelling(String origin) {
        assertThat(policy.allows(origin)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://evil.example.com", "http://app.example.com", "https://app.example.com:8443",
            "http://tools.example.com", "https://app.example.com.evil.com", "null", "not a url"})
    void originNotListedIsRefused(String origin) {
        assertThat(policy.allows(origin)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://localhost:6274", "http://127.0.0.1:3000", "https://localhost", "http://[::1]:8080"})
    void loopbackOriginsPassWhenNoListIsConfigured(String origin) {
        assertThat(new OriginPolicy(List.of()).allows(origin)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://localhost:3000", "http://127.0.0.1:3000", "https://localhost", "http://[::1]:8080"})
    void anExplicitListIsTheWholeRuleForLoopbackOriginsToo(String origin) {
        assertThat(policy.allows(origin)).isFalse();
        assertThat(new OriginPolicy(List.of("http://localhost:3000")).allows("http://localhost:3000")).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://localhost.evil.com", "file://localhost", "ws://localhost:8080"})
    void namesThatOnlyLookLikeLoopbackAreRefused(String origin) {
        assertThat(new OriginPolicy(List.of()).allows(origin)).isFalse();
    }

    @Test
    void wildcardAllowsEveryOrigin() {
        OriginPolicy any = new OriginPolicy(List.of("*"));

        assertThat(any.allows("https://anything.example")).isTrue();
        assertThat(any.allows("null")).isTrue();
    }

    @Test
    void defaultPortInTheListMatchesAnOriginWithoutIt() {
        assertThat(new OriginPolicy(List.of("https://app.example.com:443")).allows("https://app.example.com")).isTrue();
        assertThat(new OriginPolicy(List.of("http://app.example.com:80")).allows("http://app.example.com")).isTrue();
    }
}
