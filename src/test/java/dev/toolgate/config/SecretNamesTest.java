package dev.toolgate.config;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SecretNamesTest {

    @Test
    void namesThatReadLikeSecretsAreSecret() {
        assertThat(SecretNames.secret("Authorization")).isTrue();
        assertThat(SecretNames.secret("x-api-key")).isTrue();
        assertThat(SecretNames.secret("apiKey")).isTrue();
        assertThat(SecretNames.secret("header_x_auth_token")).isTrue();
        assertThat(SecretNames.secret("client_secret")).isTrue();
        assertThat(SecretNames.secret("Cookie")).isTrue();
        assertThat(SecretNames.secret("Set-Cookie")).isTrue();
        assertThat(SecretNames.secret("password")).isTrue();
        assertThat(SecretNames.secret("api_key")).isTrue();
    }

    @Test
    void anAuthenticationHeaderAsSomeApisNameTheirCredentialIsSecret() {
        assertThat(SecretNames.secret("Authentication")).isTrue();
        assertThat(SecretNames.secret("X-Authentication")).isTrue();
        assertThat(SecretNames.secret("WWW-Authenticate")).isFalse();
        assertThat(SecretNames.secret("X-Authenticated-Userid")).isFalse();
    }

    @Test
    void ordinaryNamesAreNot() {
        assertThat(SecretNames.secret("keyword")).isFalse();
        assertThat(SecretNames.secret("author")).isFalse();
        assertThat(SecretNames.secret("mcp-session-id")).isFalse();
        assertThat(SecretNames.secret("content-type")).isFalse();
        assertThat(SecretNames.secret("X-Request-Id")).isFalse();
        assertThat(SecretNames.secret("scope")).isFalse();
    }
}
