package dev.toolgate.policy.oauth2;

import dev.toolgate.config.ConfigNode;
import dev.toolgate.config.ConfigReport;
import dev.toolgate.mcp.Json;
import dev.toolgate.observe.Redaction;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.HashSet;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What of a request ai-mcp-oauth2 reads a credential from, and so what logs mask whatever its name. */
class OAuth2CredentialNamesTest {

    @Test
    void anActorTokenHeaderWhoseNameSoundsHarmlessIsMaskedInLogs() throws IOException {
        ConfigReport report = new ConfigReport();
        OAuth2Config config = OAuth2Config.read(ConfigNode.at(Json.parse("""
                {"resource": "https://api.example.com/mcp", "authorization_servers": ["https://auth.example.com"],
                 "passthrough_credentials": true,
                 "token_exchange": {"enabled": true, "token_endpoint": "https://auth.example.com/token",
                   "client_id": "gateway", "client_secret": "s3cret",
                   "request": {"actor_token_source": "header", "actor_token_header": "X-Agent-Identity"}}}"""
                .getBytes()), "config", report));
        assertThat(report.problems()).isEmpty();

        OAuth2 policy = new OAuth2(config, null, null, null, null, null);
        Redaction redaction = new Redaction(Map.of(), new HashSet<>(policy.credentialNames()));

        assertThat(redaction.credentialName("X-Agent-Identity")).isTrue();
        assertThat(redaction.credentialName("Authorization")).isTrue();
    }
}
