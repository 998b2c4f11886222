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
}
