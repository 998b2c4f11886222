package dev.toolgate.config;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RedactedTest {

    @Test
    void aUrlPasswordIsMaskedAndTheUserStays() {
        assertThat(Redacted.url("http://otluser:OTELPW_SECRET@127.0.0.1:19196/v1/traces"))
                .isEqualTo("http://otluser:[redacted]@127.0.0.1:19196/v1/traces");
        assertThat(Redacted.url("redis://:pw@redis:6379")).isEqualTo("redis://:[redacted]@redis:6379");
    }

    @Test
    void aUrlUserinfoWithoutAPasswordIsMaskedWholeAsItMayBeAToken() {
        assertThat(Redacted.url("https://ghp_token123@example.com/x")).isEqualTo("https://[redacted]@example.com/x");
    }

    @Test
    void anUnencodedAtSignInThePasswordDoesNotLeaveItsTailShown() {
        assertThat(Redacted.url("http://u:p@ss@host/a@b")).isEqualTo("http://u:[redacted]@host/a@b");
    }

    @Test
    void textThatIsNotAUrlWithUserinfoIsUnchanged() {
        assertThat(Redacted.url("http://collector:4318/v1/traces?to=a@b")).isEqualTo("http://collector:4318/v1/traces?to=a@b");
        assertThat(Redacted.url("mailto:someone@example.com")).isEqualTo("mailto:someone@example.com");
        assertThat(Redacted.url("plain text")).isEqualTo("plain text");
    }

    @Test
    void aNameValueEntryWhoseNameReadsLikeASecretHasItsValueMasked() {
        assertThat(Redacted.pair("Authorization:Bearer X")).isEqualTo("Authorization:[redacted]");
        assertThat(Redacted.pair("X-Api-Key:Y")).isEqualTo("X-Api-Key:[redacted]");
        assertThat(Redacted.pair("api_key:Z")).isEqualTo("api_key:[redacted]");
        assertThat(Redacted.pair("password:W")).isEqualTo("password:[redacted]");
        assertThat(Redacted.pair("Set-Cookie:sid=SECRET")).isEqualTo("Set-Cookie:[redacted]");
    }

    @Test
    void otherEntriesStayReadable() {
        assertThat(Redacted.pair("x-api-key:{vault://env/WIDGETS_TOKEN}")).as("a reference, not the secret")
                .isEqualTo("x-api-key:{vault://env/WIDGETS_TOKEN}");
        assertThat(Redacted.pair("x-api-key:{vault://env/A}{vault://env/B}")).isEqualTo("x-api-key:[redacted]");
        assertThat(Redacted.pair("X-Request-Source:toolgate")).isEqualTo("X-Request-Source:toolgate");
        assertThat(Redacted.pair("Authorization")).isEqualTo("Authorization");
        assertThat(Redacted.pair("http://host:80/path")).isEqualTo("http://host:80/path");
    }

    @Test
    void aSignedUrlsSignatureIsMaskedAsOnlyAUrlQueryMakesThoseNamesSecret() {
        assertThat(Redacted.url("https://a.blob.core.windows.net/c/x.json?sv=1&sig=SECRET"))
                .isEqualTo("https://a.blob.core.windows.net/c/x.json?sv=1&sig=[redacted]");
        assertThat(Redacted.url("https://f.azurewebsites.net/api/spec?code=SECRET&Sig=S2#x"))
                .isEqualTo("https://f.azurewebsites.net/api/spec?code=[redacted]&Sig=[redacted]#x");
        assertThat(SecretNames.secret("code")).as("a JSON-RPC error's code is no secret").isFalse();
    }
}
