package dev.toolgate.observe;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class RedactionTest {

    private final Redaction redaction = new Redaction(Map.of("s3cr3t-from-vault", "{vault://env/API_TOKEN}"));

    @Test
    void consumedAndSecretHeadersAreMaskedAndVaultValuesShownAsTheirReference() {
        assertThat(header("apikey", "k-123", Set.of("apikey"))).isEqualTo("[redacted]");
        assertThat(header("X-Custom", "k-123", Set.of("x-custom"))).isEqualTo("[redacted]");
        assertThat(header("authorization", "Bearer abc", Set.of())).isEqualTo("[redacted]");
        assertThat(header("x-forwarded", "via s3cr3t-from-vault", Set.of())).isEqualTo("via {vault://env/API_TOKEN}");
        assertThat(header("accept", "application/json", Set.of())).isEqualTo("application/json");
    }

    private String header(String name, String value, Set<String> consumed) {
        MaskedHeaders.Gathering gathering = new MaskedHeaders.Gathering();
        gathering.add(name, value);
        return gathering.masked(redaction, consumed).get(name.toLowerCase(java.util.Locale.ROOT));
    }

    @Test
    void aQueryKeepsItsShapeWithSecretsMasked() {
        assertThat(redaction.query("apikey=k-1&q=weather&token=t&flag", Set.of("apikey")))
                .isEqualTo("apikey=[redacted]&q=weather&token=[redacted]&flag");
    }

    @Test
    void aSignedUrlsSignatureInALoggedQueryIsMasked() {
        assertThat(redaction.query("sv=1&sig=s1gn&code=f-key&q=x", Set.of()))
                .isEqualTo("sv=1&sig=[redacted]&code=[redacted]&q=x");
    }

    @Test
    void theRoutesCredentialNamesAreMaskedInHeadersAndTheQueryEvenWhenNothingConsumedThem() {
        Redaction keyed = new Redaction(Map.of(), Set.of("apikey", "Tenant"));
        assertThat(keyed.query("tenant=bob-key&TENANT=b&q=weather", Set.of()))
                .isEqualTo("tenant=[redacted]&TENANT=[redacted]&q=weather");
        MaskedHeaders.Gathering gathering = new MaskedHeaders.Gathering();
        gathering.add("Tenant", "bob-key");
        gathering.add("x-region", "eu");
        assertThat(gathering.masked(keyed, Set.of())).containsEntry("tenant", "[redacted]").containsEntry("x-region", "eu");
    }

    @Test
    void payloadsMaskSecretFieldsAnywhereAndAreBounded() {
        byte[] call = """
                {"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get","arguments":
                {"header_x_api_key":"k-9","query_q":"s3cr3t-from-vault","nested":{"password":"p"},"apikey":"body-key"}}}"""
                .getBytes(StandardCharsets.UTF_8);
        String shown = redaction.payload(call, 0, call.length, Set.of());
        assertThat(shown).contains("\"header_x_api_key\":\"[redacted]\"", "\"password\":\"[redacted]\"",
                "{vault://env/API_TOKEN}", "\"apikey\":\"[redacted]\"").doesNotContain("k-9", "s3cr3t-from-vault", "body-key");

        byte[] big = ("{\"text\":\"" + "x".repeat(Redaction.MAX_PAYLOAD_CHARS * 2) + "\"}").getBytes(StandardCharsets.UTF_8);
        assertThat(redaction.payload(big, 0, big.length, Set.of())).hasSizeLessThan(Redaction.MAX_PAYLOAD_CHARS + 20)
                .endsWith("…(truncated)");
    }

    @Test
    void mcpProgressTokensAreShownWhereTheSpecPutsThemAndMaskedAnywhereElse() {
        byte[] call = """
                {"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"_meta":{"progressToken":"p-7"},"name":"get",
                "arguments":{"progressToken":"arg-secret"}}}""".getBytes(StandardCharsets.UTF_8);
        assertThat(redaction.payload(call, 0, call.length, Set.of()))
                .contains("\"_meta\":{\"progressToken\":\"p-7\"}", "\"arguments\":{\"progressToken\":\"[redacted]\"}");
        byte[] progress = """
                {"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":42,"progress":1}}"""
                .getBytes(StandardCharsets.UTF_8);
        assertThat(redaction.payload(progress, 0, progress.length, Set.of())).contains("\"progressToken\":42");
        byte[] vaulted = """
                {"jsonrpc":"2.0","id":2,"method":"tools/list","params":{"_meta":{"progressToken":"s3cr3t-from-vault"}}}"""
                .getBytes(StandardCharsets.UTF_8);
        assertThat(redaction.payload(vaulted, 0, vaulted.length, Set.of()))
                .contains("{vault://env/API_TOKEN}").doesNotContain("s3cr3t-from-vault");
        Redaction named = new Redaction(Map.of(), Set.of("progressToken"));
        assertThat(named.payload(call, 0, call.length, Set.of())).doesNotContain("p-7");
        byte[] odd = """
                {"jsonrpc":"2.0","id":3,"method":"tools/list","params":{"_meta":{"progressToken":{"k":"v"}}}}"""
                .getBytes(StandardCharsets.UTF_8);
        assertThat(redaction.payload(odd, 0, odd.length, Set.of())).doesNotContain("\"v\"");
    }

    @Test
    void aQueryWhoseNameIsNotValidPercentEncodingIsJudgedAsWrittenAndStillMasked() {
        assertThat(redaction.query("%zz=1&token=t0k&%=2&q=%41", Set.of()))
                .isEqualTo("%zz=1&token=[redacted]&%=2&q=%41");
    }

    @Test
    void bytesThatAreNotValidJsonAreCountedNotShown() {
        // an overlong encoding of NUL: Jackson's streaming parser reads it, the strict parse refuses it
        byte[] body = "{\"password\":\"P4SS\",\"x\":\"\u0000\"}".getBytes(StandardCharsets.UTF_8);
        byte[] overlong = new byte[body.length + 1];
        int at = new String(body, StandardCharsets.UTF_8).indexOf('\u0000');
        System.arraycopy(body, 0, overlong, 0, at);
        overlong[at] = (byte) 0xC0;
        overlong[at + 1] = (byte) 0x80;
        System.arraycopy(body, at + 1, overlong, at + 2, body.length - at - 1);

        assertThat(redaction.payload(overlong, 0, overlong.length, Set.of()))
                .isEqualTo("[" + overlong.length + " bytes that are not valid JSON, not shown]");
        byte[] text = "password: P4SS".getBytes(StandardCharsets.UTF_8);
        assertThat(redaction.payload(text, 0, text.length, Set.of())).doesNotContain("P4SS");
    }

    @Test
    void aMessageTooLargeToMaskOnTheEventLoopIsShownAsItsSize() {
        byte[] big = ("{\"password\":\"P4SS\",\"text\":\"" + "x".repeat(Redaction.MAX_MASKED_PAYLOAD_BYTES) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(redaction.payload(big, 0, big.length, Set.of()))
                .isEqualTo("[" + big.length + " bytes, too large to mask, not shown]");
    }

    @Test
    void jsonInsideAToolResultsTextIsMaskedAsTheResultsOwnFieldsAreAndOtherTextIsKeptAsWritten() {
        byte[] result = """
                {"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"{\\n  \\"password\\": \\"UPSTREAM_PW\\",\\n  \\"token\\": \\"TOK\\", \\"inner\\": \\"{\\\\\\"secret\\\\\\":\\\\\\"INNER_S\\\\\\"}\\", \\"name\\": \\"w\\"}"},
                {"type":"text","text":"{ not json, password: P }"},{"type":"text","text":"[1, 2]"}],
                "structuredContent":{"password":"UPSTREAM_PW","token":"TOK","name":"w"}}}"""
                .getBytes(StandardCharsets.UTF_8);

        String shown = redaction.payload(result, 0, result.length, Set.of());

        assertThat(shown).doesNotContain("UPSTREAM_PW", "TOK", "INNER_S")
                .contains("\\\"password\\\":\\\"[redacted]\\\"", "\\\"name\\\":\\\"w\\\"",
                        "{ not json, password: P }", "\"text\":\"[1, 2]\"");
    }

    @Test
    void jsonTextTooLongToMaskIsNotShownAtAll() {
        String inner = "{\"password\":\"P\",\"pad\":\"" + "p".repeat(Redaction.MAX_MASKED_TEXT) + "\"}";
        byte[] result = ("{\"content\":[{\"type\":\"text\",\"text\":" + dev.toolgate.mcp.Json.text(
                com.fasterxml.jackson.databind.node.TextNode.valueOf(inner)) + "}]}").getBytes(StandardCharsets.UTF_8);

        assertThat(redaction.payload(result, 0, result.length, Set.of()))
                .contains("[JSON text of " + inner.length() + " characters, too long to mask]").doesNotContain("\\\"P\\\"");
    }
}
