package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.mcp.Json;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BoundedPatternsTest {

    private static CompiledSchema schema(String json) throws Exception {
        return CompiledSchema.now(ToolSchemas.compileOrThrow(Json.parse(json)));
    }

    private static JsonNode value(String field, String text) {
        return Json.object().put(field, text);
    }

    @Test
    void aPatternThatBacktracksWithoutEndSpendsTheValidationsBudgetAndSaysSo() throws Exception {
        CompiledSchema schema = schema("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\",\"pattern\":\"^(x+x+)+y$\"}}}");

        assertThat(schema.validate(value("a", "x".repeat(5000)))).singleElement()
                .satisfies(e -> assertThat(e.getMessage()).contains("took too long to match a pattern"));
        assertThat(schema.validate(value("a", "xxxy"))).isEmpty();
        assertThat(schema.validate(value("a", "xxz"))).singleElement()
                .satisfies(e -> assertThat(e.getMessage()).contains("does not match"));
    }

    @Test
    void aValueThatMakesACharacterClassPatternReadNineMillionCharactersIsStoppedAsTakingTooLong() throws Exception {
        // reads cost 4 to 10 ns warm for such patterns, more before the JIT compiles them: nine million is past 0.1 s
        CompiledSchema words = schema("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\","
                + "\"pattern\":\"^([a-zA-Z0-9]+\\\\s?)*$\"}}}");
        CompiledSchema pairs = schema("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\",\"pattern\":\"^(x+x+)+y$\"}}}");

        // about 3,000² reads, and 300³/3
        assertThat(words.validate(value("a", "a".repeat(3000) + "!"))).singleElement()
                .satisfies(e -> assertThat(e.getMessage()).contains("took too long to match a pattern"));
        assertThat(pairs.validate(value("a", "x".repeat(300)))).singleElement()
                .satisfies(e -> assertThat(e.getMessage()).contains("took too long to match a pattern"));
        assertThat(words.validate(value("a", "a".repeat(1000) + "!"))).singleElement()
                .satisfies(e -> assertThat(e.getMessage()).contains("does not match"));
    }

    @Test
    void patternPropertiesShareTheBudgetOfTheirValidation() throws Exception {
        CompiledSchema schema = schema("{\"type\":\"object\",\"patternProperties\":{\"^(x+x+)+y$\":{\"type\":\"string\"}}}");

        assertThat(schema.validate(value("x".repeat(5000), "v"))).singleElement()
                .satisfies(e -> assertThat(e.getMessage()).contains("took too long"));
    }

    @Test
    void aLinearPatternOnAValueOfAMegabyteStaysWithinTheBudgetAsDoesTheNextValidation() throws Exception {
        CompiledSchema schema = schema("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\",\"pattern\":\"^[a-z]+$\"},"
                + "\"b\":{\"type\":\"string\",\"pattern\":\"^[a-z]+$\"}}}");
        String big = "q".repeat(1 << 20);

        assertThat(schema.validate(Json.object().put("a", big).put("b", big))).isEmpty();
        assertThat(schema.validate(Json.object().put("a", big).put("b", big + "1"))).singleElement()
                .satisfies(e -> assertThat(e.getMessage()).contains("does not match"));
    }

    @Test
    void ecmaScriptDollarAndUnicodePropertiesMeanWhatTheLibrarysOwnEngineMakesThem() throws Exception {
        CompiledSchema schema = schema("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\",\"pattern\":\"^\\\\p{Letter}+$\"}}}");

        assertThat(schema.validate(value("a", "été"))).isEmpty();
        assertThat(schema.validate(value("a", "abc\n"))).isNotEmpty();
    }
}
