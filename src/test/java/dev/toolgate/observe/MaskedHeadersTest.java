package dev.toolgate.observe;

import dev.toolgate.config.Redacted;
import dev.toolgate.mcp.Json;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MaskedHeadersTest {

    private final Redaction redaction = new Redaction(Map.of("s3cr3t-from-vault", "{vault://env/API_TOKEN}"));

    @Test
    void headersAreShownByLowerCaseNameWithRepeatsJoinedAndSecretsMasked() {
        MaskedHeaders.Gathering gathering = new MaskedHeaders.Gathering();
        gathering.add("Content-Type", "application/json");
        gathering.add("X-Trace", "a");
        gathering.add("x-trace", "b");
        gathering.add("Authorization", "Bearer token-of-alice");
        gathering.add("X-Team-Key", "k-123");
        gathering.add("Apikey", "alice-key");
        gathering.add("X-Forwarded-Note", "s3cr3t-from-vault");
        for (int i = 0; i < 20; i++) {
            gathering.add("X-Extra-" + i, "v");
        }

        Map<String, String> headers = gathering.masked(redaction, Set.of("apikey"));

        assertThat(headers).containsEntry("content-type", "application/json")
                .containsEntry("x-trace", "a, b")
                .containsEntry("authorization", Redacted.MASK)
                .containsEntry("x-team-key", Redacted.MASK)
                .containsEntry("apikey", Redacted.MASK)
                .containsEntry("x-forwarded-note", "{vault://env/API_TOKEN}")
                .containsEntry("x-extra-19", "v")
                .hasSize(26);
        assertThat(headers.toString()).doesNotContain("token-of-alice", "k-123", "alice-key", "s3cr3t");
        assertThat(headers.keySet()).startsWith("content-type", "x-trace", "authorization");
        assertThatThrownBy(() -> headers.put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void theJsonALogEntryWritesIsTheMapsHeadersInTheirOrder() throws Exception {
        MaskedHeaders.Gathering gathering = new MaskedHeaders.Gathering();
        gathering.add("Accept", "text/plain");
        gathering.add("X-MySid", "sid-of-alice");
        gathering.add("ACCEPT", "application/json");
        gathering.add("Quote\"Name", "v");
        MaskedHeaders headers = gathering.masked(redaction, Set.of());

        var out = new ByteArrayOutputStream();
        try (var g = Json.MAPPER.createGenerator(out)) {
            headers.writeTo(g);
        }

        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(
                "{\"accept\":\"text/plain, application/json\",\"x-mysid\":\"" + Redacted.MASK
                        + "\",\"quote\\\"name\":\"v\"}");
        assertThat(Json.parse(out.toByteArray()))
                .isEqualTo(Json.MAPPER.valueToTree(headers));
    }

    @Test
    void aRepeatedHeaderIsMaskedWhenAnyCopyOfItsNameReadsAsASecret() {
        MaskedHeaders.Gathering gathering = new MaskedHeaders.Gathering();
        gathering.add("x-mysid", "a");
        gathering.add("X-MySid", "sid-of-alice");

        Map<String, String> headers = gathering.masked(redaction, Set.of());

        assertThat(headers).containsExactly(Map.entry("x-mysid", Redacted.MASK));
    }

    @Test
    void namesAlreadyKnownWhenGatheredAreShownAndMaskedAsNewOnesAre() {
        Map<String, String> first = null;
        for (int pass = 0; pass < 2; pass++) {
            MaskedHeaders.Gathering gathering = new MaskedHeaders.Gathering();
            for (int i = 0; i < 12; i++) {
                gathering.add("X-Known-" + i, "v" + i);
            }
            gathering.add("X-Session-Token", "tok-of-bob");
            gathering.add("x-known-3", "again");
            gathering.add("X-" + "Long".repeat(20), "long-name");
            Map<String, String> headers = Map.copyOf(gathering.masked(redaction, Set.of()));
            assertThat(headers).containsEntry("x-session-token", Redacted.MASK)
                    .containsEntry("x-known-3", "v3, again")
                    .containsEntry("x-known-11", "v11")
                    .containsEntry("x-" + "long".repeat(20), "long-name")
                    .hasSize(14);
            if (first != null) {
                assertThat(headers).as("the second pass finds every short name known").isEqualTo(first);
            }
            first = headers;
        }
    }
}
