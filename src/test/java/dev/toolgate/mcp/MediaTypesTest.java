package dev.toolgate.mcp;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Accept and Content-Type checks as streamable HTTP needs them. */
class MediaTypesTest {

    @ParameterizedTest
    @ValueSource(strings = {"application/json", "Application/JSON", "application/json; charset=utf-8",
            "text/event-stream, application/json", "*/*", "application/*", "text/html, application/*;q=0.5",
            "application/json;q=0.001", "application/json;q=abc"})
    void acceptHeaderAdmittingJson(String accept) {
        assertThat(MediaTypes.accepts(accept, MediaTypes.JSON)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/event-stream", "text/*", "", "application/xml", "application/json;q=0",
            "application/json; q=0.0", "application/json;Q=0", "application/*;q=0, text/event-stream",
            "application/jsonl"})
    void acceptHeaderNotAdmittingJson(String accept) {
        assertThat(MediaTypes.accepts(accept, MediaTypes.JSON)).isFalse();
    }

    @Test
    void missingAcceptHeaderAdmitsNothing() {
        assertThat(MediaTypes.accepts(null, MediaTypes.JSON)).isFalse();
        assertThat(MediaTypes.accepts(null, MediaTypes.EVENT_STREAM)).isFalse();
    }

    @Test
    void wildcardsAdmitTheirOwnMajorTypeOnly() {
        assertThat(MediaTypes.accepts("text/*", MediaTypes.EVENT_STREAM)).isTrue();
        assertThat(MediaTypes.accepts("text/*", MediaTypes.JSON)).isFalse();
    }

    @Test
    void typeRefusedWithQZeroIsNotAdmittedByAWildcardBesideIt() {
        // RFC 9110 12.5.1: the most specific reference has precedence
        assertThat(MediaTypes.accepts("*/*, text/event-stream;q=0", MediaTypes.EVENT_STREAM)).isFalse();
        assertThat(MediaTypes.accepts("application/json;q=0, application/*", MediaTypes.JSON)).isFalse();
    }

    @Test
    void contentTypeIsComparedWithoutParametersOrCase() {
        assertThat(MediaTypes.is("application/json; charset=UTF-8", MediaTypes.JSON)).isTrue();
        assertThat(MediaTypes.is(" Application/Json ", MediaTypes.JSON)).isTrue();
        assertThat(MediaTypes.is("application/json-patch+json", MediaTypes.JSON)).isFalse();
        assertThat(MediaTypes.is(null, MediaTypes.JSON)).isFalse();
    }

    @Test
    void jsonMeansApplicationJsonOrAPlusJsonSuffix() {
        assertThat(MediaTypes.isJson("application/json")).isTrue();
        assertThat(MediaTypes.isJson("application/problem+json; charset=utf-8")).isTrue();
        assertThat(MediaTypes.isJson("APPLICATION/VND.API+JSON")).isTrue();
        assertThat(MediaTypes.isJson("text/json")).isFalse();
        assertThat(MediaTypes.isJson("application/x-ndjson")).isFalse();
        assertThat(MediaTypes.isJson(null)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip", "GZIP", "br, gzip", "gzip;q=0.5, identity", "x-gzip", "*", "deflate, *;q=0.1",
            "gzip, deflate, br, zstd"})
    void gzipIsAcceptedWhenNamedOrCoveredByAWildcard(String acceptEncoding) {
        assertThat(MediaTypes.acceptsGzip(acceptEncoding)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "identity", "br, deflate", "gzip;q=0", "*, gzip;q=0", "*;q=0", "gzipx"})
    void gzipIsRefusedWhenAbsentOrGivenQZero(String acceptEncoding) {
        assertThat(MediaTypes.acceptsGzip(acceptEncoding)).isFalse();
    }

    @Test
    void noAcceptEncodingHeaderMeansNoGzip() {
        assertThat(MediaTypes.acceptsGzip(null)).isFalse();
    }
}
