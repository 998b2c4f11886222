package dev.toolgate.mcp;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** MCP's tool-name rule: 1 to 64 characters of [A-Za-z0-9_.-]. */
class ToolNamesTest {

    @ParameterizedTest
    @ValueSource(strings = {"get_users", "Get-Users.v2", "a", "0", "mcp-route-1"})
    void namesOfAllowedCharactersAreValid(String name) {
        assertThat(ToolNames.isValid(name)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "get users", "get/users", "héllo", "tool😀", "a:b", "list users!"})
    void namesWithOtherCharactersOrEmptyAreInvalid(String name) {
        assertThat(ToolNames.isValid(name)).isFalse();
    }

    @Test
    void nullIsInvalid() {
        assertThat(ToolNames.isValid(null)).isFalse();
    }

    @Test
    void sixtyFourCharactersAreTheLimit() {
        assertThat(ToolNames.isValid("a".repeat(64))).isTrue();
        assertThat(ToolNames.isValid("a".repeat(65))).isFalse();
    }

    @ParameterizedTest(name = "\"{0}\" -> \"{1}\"")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            Get users         | Get_users
            Get_users         | Get_users
            "  padded  "      | padded
            a/b:c             | a_b_c
            héllo             | h_llo
            tool😀            | tool_
            Realtime API      | Realtime_API
            """)
    void sanitizeReplacesEveryOtherCharacterWithAnUnderscore(String text, String sanitized) {
        assertThat(ToolNames.sanitize(text)).isEqualTo(sanitized);
        assertThat(ToolNames.isValid(sanitized)).isTrue();
    }

    @Test
    void sanitizeCutsLongNamesToSixtyFourCharacters() {
        String sanitized = ToolNames.sanitize("x".repeat(60) + " and more");

        assertThat(sanitized).hasSize(64).isEqualTo("x".repeat(60) + "_and");
    }

    @Test
    void sanitizeOfNothingIsEmpty() {
        assertThat(ToolNames.sanitize("")).isEmpty();
        assertThat(ToolNames.sanitize("   ")).isEmpty();
    }
}
