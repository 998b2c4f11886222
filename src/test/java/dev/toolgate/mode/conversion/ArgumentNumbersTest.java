package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.mcp.Json;
import dev.toolgate.mode.ParameterSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.math.BigDecimal;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** How argument numbers are written, and which are too long to write at all. */
@Timeout(5)
class ArgumentNumbersTest {

    private static JsonNode number(String json) throws Exception {
        return Json.parse(("{\"n\":" + json + "}").getBytes()).get("n");
    }

    @ParameterizedTest(name = "{0} is sent as {1}")
    @CsvSource({"20, 20", "2e1, 20", "20.0, 20", "-0.0, 0", "1.50, 1.50", "1e300, 1E+300", "0.000001, 0.000001",
            "9223372036854775807, 9223372036854775807", "123456789012345678901234, 123456789012345678901234",
            "1e-7, 1E-7"})
    void numbersAreSentAsWrittenOrAsWholeDigits(String json, String sent) throws Exception {
        assertThat(ArgumentNumbers.written(number(json))).isEqualTo(sent);
    }

    @ParameterizedTest(name = "{0} has {1} characters in plain form")
    @CsvSource({"1, 1", "-1, 2", "1e3, 4", "1.5, 3", "0.001, 5", "-0.001, 6", "1e999999999, 1000000000",
            "1e-999999999, 1000000001"})
    void thePlainLengthIsComputedWithoutWritingTheNumber(String number, long length) {
        assertThat(ArgumentNumbers.plainLength(new BigDecimal(number))).isEqualTo(length);
    }

    @Test
    void aNumberTooLongToWriteIsAProblemWhereverItIs() throws Exception {
        ObjectNode args = (ObjectNode) Json.parse("{\"body\":{\"a\":[1,{\"b\":1e999999999}]}}".getBytes());
        assertThat(ArgumentNumbers.problem(List.of(), args)).contains("is too long");
    }

    @Test
    void anIntegerParameterOutside64BitsIsAProblemAndOneInsideIsNot() throws Exception {
        ParameterSpec limit = new ParameterSpec("limit", "query", false, null, Json.parse("{\"type\":\"integer\"}".getBytes()),
                "form", true);
        assertThat(ArgumentNumbers.problem(List.of(limit), (ObjectNode) Json.parse("{\"query_limit\":9223372036854775808}"
                .getBytes()))).contains("outside the 64-bit integer range");
        assertThat(ArgumentNumbers.problem(List.of(limit), (ObjectNode) Json.parse("{\"query_limit\":-9223372036854775808}"
                .getBytes()))).isNull();
    }

    @Test
    void aNumberOfAnyOtherTypeMayBeLargeAsLongAsItIsShortToWrite() throws Exception {
        ParameterSpec ratio = new ParameterSpec("ratio", "query", false, null, Json.parse("{\"type\":\"number\"}".getBytes()),
                "form", true);
        assertThat(ArgumentNumbers.problem(List.of(ratio), (ObjectNode) Json.parse("{\"query_ratio\":1e300}".getBytes())))
                .isNull();
    }
}
