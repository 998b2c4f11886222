package dev.toolgate.mcp;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class JsonTest {

    @ParameterizedTest
    @ValueSource(strings = {"42", "-7", "9007199254740993", "123456789012345678901234567890", "1.5", "1e3",
            "\"abc\"", "\"\"", "\"a\\\"b\"", "\"back\\\\slash\"", "\"tab\\t\"", "\"é\"", "\"\\u0001\"", "null", "true"})
    void anIdsTextIsWhatTheSerializerWrites(String json) throws Exception {
        var id = Json.parse(json);

        assertThat(Json.idText(id)).isEqualTo(id.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"a\":NaN}", "{\"a\":+1}", "{\"a\":1}{", "[1,2", "/* c */ {}", "{\"a\":Infinity}"})
    void aParseProblemSaysWhatIsWrongWithTheJsonNotHowTheParserIsConfigured(String json) {
        var thrown = org.assertj.core.api.Assertions.catchThrowableOfType(
                com.fasterxml.jackson.core.JsonProcessingException.class,
                () -> Json.parse(json.getBytes(java.nio.charset.StandardCharsets.UTF_8)));

        assertThat(Json.problem(thrown)).isNotBlank().doesNotContain("Feature", "`", "com.fasterxml", "REDACTED");
    }

    @org.junit.jupiter.api.Test
    void aParseProblemKeepsWhereAndWhat() throws Exception {
        var thrown = org.assertj.core.api.Assertions.catchThrowableOfType(
                com.fasterxml.jackson.core.JsonProcessingException.class, () -> Json.parse("{\"a\":NaN}".getBytes()));

        assertThat(Json.problem(thrown)).isEqualTo("Non-standard token 'NaN', which JSON does not allow");
    }

    @org.junit.jupiter.api.Test
    void aClientMessageThatRepeatsAKeyAnywhereIsRefusedNamingTheKeyWhileAnUpstreamAnswerIsReadLastWins() throws Exception {
        byte[] repeated = "{\"result\":{\"content\":[{\"type\":\"text\",\"type\":\"image\"}]}}".getBytes();

        var thrown = org.assertj.core.api.Assertions.catchThrowableOfType(
                com.fasterxml.jackson.core.JsonProcessingException.class, () -> Json.parseClientMessage(repeated));

        assertThat(Json.problem(thrown)).isEqualTo("duplicate key \"type\" in the message");
        assertThat(Json.parse(repeated).at("/result/content/0/type").asText()).isEqualTo("image");
    }

    @org.junit.jupiter.api.Test
    void aLongRepeatedKeyIsNamedByItsFirst64CharactersNeverHalfACharacter() {
        String key = "k".repeat(63) + "\ud83d\ude00" + "x".repeat(1000);
        byte[] repeated = ("{\"" + key + "\":1,\"" + key + "\":2}").getBytes(java.nio.charset.StandardCharsets.UTF_8);

        var thrown = org.assertj.core.api.Assertions.catchThrowableOfType(
                com.fasterxml.jackson.core.JsonProcessingException.class, () -> Json.parseClientMessage(repeated));

        assertThat(Json.problem(thrown)).isEqualTo("duplicate key \"" + "k".repeat(63) + "\"... in the message");
    }
}
