package dev.toolgate.policy.cors;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.regex.PatternSyntaxException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Kong's origin matching for {@code cors}: {@code *} or no origins allow all; one plain origin is
 * sent as is; otherwise the caller's normalized origin comes back when an exact entry or a regex
 * (against the host when it has no {@code :}) names it, and nothing when none does.
 */
class AllowedOriginsTest {

    @Test
    void anAsteriskOrNoOriginsAllowEveryOrigin() {
        for (List<String> origins : List.of(List.<String>of(), List.of("*"), List.of("https://a.example", "*"))) {
            AllowedOrigins any = new AllowedOrigins(origins);
            assertThat(any.any()).isTrue();
            assertThat(any.allowOrigin("https://whoever.example")).isEqualTo("*");
            assertThat(any.allowOrigin(null)).isEqualTo("*");
        }
    }

    @Test
    void aRegexEntryThatBacktracksPastItsBudgetDoesNotAllowTheOrigin() {
        AllowedOrigins origins = new AllowedOrigins(List.of("https://(a+)+\\.example", "https://ok.example"));

        assertThat(origins.allowOrigin("https://" + "a".repeat(3000) + "b.example")).isNull();
        assertThat(origins.allowOrigin("https://aaa.example")).isEqualTo("https://aaa.example");
        assertThat(origins.allowOrigin("https://ok.example")).isEqualTo("https://ok.example");
    }

    @Test
    void oneBudgetServesAllRegexEntriesOfARequestSoEntriesDoNotMultiplyItsWork() {
        // each entry with a budget of its own, twenty backtracking entries cost twenty budgets a request
        List<String> listed = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            listed.add("https://(a+)+\\.example" + i);
        }
        listed.add("https://.*\\.example");
        AllowedOrigins origins = new AllowedOrigins(listed);

        assertThat(origins.allowOrigin("https://" + "a".repeat(3000) + "b.example"))
                .as("the budget was spent before the last entry, which would allow it").isNull();
        assertThat(origins.allowOrigin("https://app.example")).isEqualTo("https://app.example");
    }

    @Test
    void onePlainOriginIsSentAsItIsWhateverTheCallerSent() {
        AllowedOrigins one = new AllowedOrigins(List.of("https://app.example.com"));
        assertThat(one.any()).isFalse();
        assertThat(one.allowOrigin("https://app.example.com")).isEqualTo("https://app.example.com");
        assertThat(one.allowOrigin("https://evil.example")).isEqualTo("https://app.example.com");
        assertThat(one.allowOrigin(null)).isEqualTo("https://app.example.com");
    }

    @Test
    void exactEntriesMatchTheNormalizedOrigin() {
        AllowedOrigins exact = new AllowedOrigins(List.of("https://app.example.com", "http://localhost:3000"));
        assertThat(exact.allowOrigin("https://app.example.com")).isEqualTo("https://app.example.com");
        // default ports dropped, scheme and host lower-cased
        assertThat(exact.allowOrigin("HTTPS://APP.example.com:443")).isEqualTo("https://app.example.com");
        assertThat(exact.allowOrigin("http://localhost:3000")).isEqualTo("http://localhost:3000");
        assertThat(exact.allowOrigin("http://localhost:3001")).isNull();
        assertThat(exact.allowOrigin("http://app.example.com")).isNull();
        assertThat(exact.allowOrigin(null)).isNull();
        assertThat(exact.allowOrigin("null")).isNull();
    }

    @Test
    void aRegexWithASchemeMatchesTheWholeOriginAnchoredAtItsEnd() {
        AllowedOrigins regex = new AllowedOrigins(List.of("https://app.example.com", "https://.*\\.partner\\.example"));
        assertThat(regex.allowOrigin("https://shop.partner.example")).isEqualTo("https://shop.partner.example");
        assertThat(regex.allowOrigin("https://shop.partner.example.evil.example")).isNull();
        assertThat(regex.allowOrigin("http://shop.partner.example")).isNull();
        assertThat(regex.allowOrigin("https://evil.example/?https://x.partner.example")).isNull();
    }

    @Test
    void aRegexWithoutAColonMatchesTheHost() {
        AllowedOrigins byHost = new AllowedOrigins(List.of("https://app.example.com", "(.*\\.)?partner\\.example"));
        assertThat(byHost.allowOrigin("https://partner.example")).isEqualTo("https://partner.example");
        assertThat(byHost.allowOrigin("http://api.partner.example:8443")).isEqualTo("http://api.partner.example:8443");
        assertThat(byHost.allowOrigin("https://partner.example.evil.example")).isNull();
        assertThat(byHost.allowOrigin("https://notpartner.example")).isNull();
    }

    @Test
    void aRegexThatDoesNotCompileIsRefused() {
        assertThatThrownBy(() -> new AllowedOrigins(List.of("https://a.example", "https://([.example")))
                .isInstanceOf(PatternSyntaxException.class);
    }
}
