package dev.toolgate.mode.passthrough;

import dev.toolgate.mcp.Json;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

/** What an answer to the gateway's server/discover says about the era a server speaks. */
class UpstreamErasTest {

    @ParameterizedTest(name = "HTTP {0} {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
            "200 | {\"result\":{\"supportedVersions\":[\"2026-07-28\"],\"capabilities\":{}}} | true",
            "400 | {\"error\":{\"code\":-32022,\"message\":\"Unsupported\"}} | true",
            "400 | {\"error\":{\"code\":-32020,\"message\":\"Header mismatch\"}} | true",
            "400 | {\"error\":{\"code\":-32602,\"message\":\"Invalid params\"}} | true",
            "404 | {\"error\":{\"code\":-32601,\"message\":\"Method not found\"}} | true",
            "400 | {\"error\":{\"code\":-32000,\"message\":\"Bad Request: Server not initialized\"}} | false",
            "404 | '' | false",
            "405 | '' | false",
            "200 | {\"result\":{}} | false",
            "200 | {\"error\":{\"code\":-32601,\"message\":\"Method not found\"}} | false",
            "400 | '' | false",
            "405 | {\"error\":{\"code\":-32601,\"message\":\"Method not found\"}} | false",
            "401 | '' | ",
            "407 | '' | ",
            "408 | '' | ",
            "413 | '' | ",
            "429 | {\"error\":{\"code\":-32000,\"message\":\"Too many requests\"}} | ",
            "403 | {\"error\":{\"code\":-32022}} | ",
            "503 | '' | ",
    })
    void aDiscoverResultOrARecognizedModernErrorMeansModernAndPassingOrCallerSpecificRefusalsSayNothing(int status, String body,
                                                                                            Boolean modern) throws IOException {
        assertThat(UpstreamEras.verdict(status, body.isEmpty() ? null : Json.parse(body.getBytes()))).isEqualTo(modern);
    }

    @ParameterizedTest(name = "HTTP {0} {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
            "406 | '' | ",
            "406 | {\"error\":{\"code\":-32601,\"message\":\"Method not found\"}} | ",
            "406 | {\"error\":{\"code\":-32022,\"message\":\"Unsupported\"}} | ",
            "415 | '' | ",
            "415 | {\"error\":{\"code\":-32601,\"message\":\"Method not found\"}} | ",
            "409 | {\"error\":{\"code\":-32601,\"message\":\"Method not found\"}} | ",
            "409 | {\"error\":{\"code\":-32000,\"message\":\"Conflict\"}} | ",
            "422 | '' | false",
            "422 | {\"error\":{\"code\":-32600,\"message\":\"Invalid Request\"}} | false",
            "422 | {\"error\":{\"code\":-32022,\"message\":\"Unsupported\"}} | true",
    })
    void refusalsOfTheAcceptAndContentTypeBothErasSendOrOfTheServersStateSayNothingAnd422RefusesLike400(
            int status, String body, Boolean modern) throws IOException {
        assertThat(UpstreamEras.verdict(status, body.isEmpty() ? null : Json.parse(body.getBytes()))).isEqualTo(modern);
    }

    @ParameterizedTest(name = "HTTP {0} {1}")
    @CsvSource(delimiter = '|', value = {
            "408 | {\"error\":{\"code\":-32022,\"message\":\"Unsupported\"}}",
            "413 | {\"error\":{\"code\":-32020,\"message\":\"Header mismatch\"}}",
            "429 | {\"error\":{\"code\":-32021,\"message\":\"Missing capability\"}}",
            "429 | {\"error\":{\"code\":-32601,\"message\":\"Method not found\"}}",
    })
    void aTimeoutTooLargeOrTooManyRequestsSaysNothingOfTheEraWhateverCodeRidesOnIt(int status, String body)
            throws IOException {
        assertThat(UpstreamEras.verdict(status, Json.parse(body.getBytes()))).isNull();
    }

    @ParameterizedTest(name = "Retry-After {0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "7 | 7",
            "' 30 ' | 30",
            "99999999999999999999 | 3600",
            "Thu, 01 Jan 1970 00:00:10 GMT | 10",
            "Thu, 01 Jan 1970 00:00:00 GMT | 0",
            "soon | ",
            "-5 | ",
            "'' | ",
    })
    void theServersRetryAfterIsReadAsSecondsOrADateAndBounded(String value, Long seconds) {
        assertThat(RateLimitedProbe.retryAfterSeconds(value, java.time.InstantSource.fixed(java.time.Instant.EPOCH)))
                .isEqualTo(seconds);
    }
}
