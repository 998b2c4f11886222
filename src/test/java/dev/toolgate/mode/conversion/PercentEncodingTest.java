package dev.toolgate.mode.conversion;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** RFC 3986 percent-encoding of argument values: only the unreserved characters survive as they are. */
class PercentEncodingTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            /     | %2F
            ?     | %3F
            #     | %23
            &     | %26
            =     | %3D
            " "   | %20
            +     | %2B
            %     | %25
            é     | %C3%A9
            😀    | %F0%9F%98%80
            """)
    void reservedAndNonAsciiCharactersAreEncodedAsUtf8Bytes(String value, String encoded) {
        assertThat(PercentEncoding.encode(value)).isEqualTo(encoded);
    }

    @Test
    void unreservedCharactersAreKept() {
        String unreserved = "ABCXYZabcxyz0189-._~";

        assertThat(PercentEncoding.encode(unreserved)).isSameAs(unreserved);
    }

    @Test
    void valueWithPathAndQuerySyntaxStaysOneValue() {
        assertThat(PercentEncoding.encode("../admin?x=1&y=2#top")).isEqualTo("..%2Fadmin%3Fx%3D1%26y%3D2%23top");
        assertThat(PercentEncoding.encode("u 1&x=y")).isEqualTo("u%201%26x%3Dy");
    }

    @Test
    void mixedTextKeepsItsUnreservedPartsAndUpperCaseHex() {
        assertThat(PercentEncoding.encode("café au lait 😀!")).isEqualTo("caf%C3%A9%20au%20lait%20%F0%9F%98%80%21");
    }

    @Test
    void encodingThenDecodingGivesTheValueBack() {
        String value = "Zürich / 東京 ? a+b=c & 😀 ~ 100%";

        assertThat(URLDecoder.decode(PercentEncoding.encode(value).replace("+", "%2B"), StandardCharsets.UTF_8))
                .isEqualTo(value);
    }

    @Test
    void emptyValueStaysEmpty() {
        assertThat(PercentEncoding.encode("")).isEmpty();
    }
}
