package dev.toolgate.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The 2026-07-28 request headers checked against the body, as the transport's server validation says. */
class RequestHeadersTest {

    private static JsonNode json(String text) throws IOException {
        return Json.parse(text.getBytes());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "us-west1 | us-west1",
            "=?base64?SGVsbG8sIOS4lueVjA==?= | Hello, 世界",
            "=?base64?IHBhZGRlZCA=?= | ' padded '",
            "=?base64?PT9iYXNlNjQ/bGl0ZXJhbD89?= | =?base64?literal?=",
    })
    void aHeaderValueDecodesToWhatTheBodyHolds(String header, String body) {
        assertThat(RequestHeaders.decode(header)).isEqualTo(body);
    }

    @Test
    void badBase64MissingPaddingAndControlCharactersAreNotValues() {
        assertThat(RequestHeaders.decode("=?base64?SGVsbG8?=")).isNull();
        assertThat(RequestHeaders.decode("=?base64?!!!!?=")).isNull();
        assertThat(RequestHeaders.decode("a\u0001b")).isNull();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "get_weather | get_weather",
            "Zürich | =?base64?WsO8cmljaA==?=",
            "' lead' | =?base64?IGxlYWQ=?=",
            "=?base64?x?= | =?base64?PT9iYXNlNjQ/eD89?=",
    })
    void aNameIsSentPlainWhenSafeElseInBase64(String name, String header) {
        assertThat(RequestHeaders.encode(name)).isEqualTo(header);
        assertThat(RequestHeaders.decode(header)).isEqualTo(name);
    }

    @Test
    void methodAndNameMustMatchTheBody() throws IOException {
        JsonNode params = json("{\"name\":\"get_weather\"}");
        Map<String, String> headers = new HashMap<>(Map.of("mcp-method", "tools/call", "mcp-name", "get_weather"));

        assertThat(RequestHeaders.standardMismatch(headers::get, "tools/call", params)).isNull();
        headers.put("mcp-name", "other");
        assertThat(RequestHeaders.standardMismatch(headers::get, "tools/call", params))
                .isEqualTo("Mcp-Name header value 'other' does not match body value 'get_weather'");
        headers.remove("mcp-name");
        assertThat(RequestHeaders.standardMismatch(headers::get, "tools/call", params))
                .isEqualTo("the Mcp-Name header is required for tools/call (params.name)");
        assertThat(RequestHeaders.standardMismatch(Map.of("mcp-method", "TOOLS/CALL")::get, "tools/call", params))
                .as("values are case-sensitive").startsWith("Mcp-Method header value 'TOOLS/CALL'");
        assertThat(RequestHeaders.standardMismatch(Map.of("mcp-method", "tools/list")::get, "tools/list", null)).isNull();
    }

    @Test
    void onlyPropertiesReachedThroughPropertiesMayBeMirrored() throws IOException {
        JsonNode schema = json("""
                {"type":"object","properties":{
                  "region":{"type":"string","x-mcp-header":"Region"},
                  "target":{"type":"object","properties":{"zone":{"type":"integer","x-mcp-header":"Zone"}}},
                  "list":{"type":"array","items":{"type":"string","x-mcp-header":"Item"}}}}""");

        assertThat(RequestHeaders.declared(schema)).containsExactly(Map.entry("Region", List.of("region")),
                Map.entry("Zone", List.of("target", "zone")));
    }

    @Test
    void mirroredParametersAreComparedAsTheirTypes() throws IOException {
        Map<String, List<String>> declared = Map.of("Zone", List.of("target", "zone"));
        JsonNode arguments = json("{\"target\":{\"zone\":42}}");

        assertThat(RequestHeaders.paramMismatch(Map.of("mcp-param-zone", "42.0")::get, declared, arguments)).isNull();
        assertThat(RequestHeaders.paramMismatch(Map.of("mcp-param-zone", "41")::get, declared, arguments))
                .startsWith("Mcp-Param-Zone header value '41' does not match");
        assertThat(RequestHeaders.paramMismatch(Map.<String, String>of()::get, declared, arguments))
                .startsWith("the Mcp-Param-Zone header is required");
        assertThat(RequestHeaders.paramMismatch(Map.<String, String>of()::get, declared, json("{}")))
                .as("no value, no header").isNull();
        assertThat(RequestHeaders.paramMismatch(Map.of("mcp-param-zone", "1")::get, declared, json("{}")))
                .as("a header for a value the body lacks").isNotNull();
    }

    @Test
    void aMirroredIntegerBeyondTwoToThe53MinusOneIsNamedAndOneWithinIsNot() throws IOException {
        Map<String, List<String>> declared = Map.of("Count", List.of("query_count"));

        assertThat(RequestHeaders.unsafeInteger(declared, json("{\"query_count\":9007199254740991}"))).isNull();
        assertThat(RequestHeaders.unsafeInteger(declared, json("{\"query_count\":-9007199254740991}"))).isNull();
        assertThat(RequestHeaders.unsafeInteger(declared, json("{\"query_count\":-9007199254740992}"))).isEqualTo(
                "query_count: -9007199254740992 is outside -9007199254740991 to 9007199254740991, the integers the "
                        + "Mcp-Param-Count header may carry (2026-07-28 limits mirrored integers to ±(2^53−1))");
        assertThat(RequestHeaders.unsafeInteger(declared, json("{\"query_count\":\"9007199254740992\"}"))).isNull();
    }
}
