package dev.toolgate.http;

import dev.toolgate.error.GatewayError;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The request-line and Host rules of RFC 9112 the gateway enforces before routing. */
class HttpFramingTest {

    private static HttpRequest request(String version, String uri, String... hosts) {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.valueOf(version), HttpMethod.GET, uri);
        for (String host : hosts) {
            request.headers().add("host", host);
        }
        return request;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"/mcp, true", "/mcp/%C3%A9, true", "/%F0%9F%98%80, true", "/mcp/%C0%AE, false", "/%FF, false",
            "/%ED%A0%80, false", "/%E2%82, false", "/%zz, true", "/100%, true"})
    void aPathMustBeUtf8OncePercentDecoded(String path, boolean valid) {
        assertThat(HttpFraming.validUtf8(path)).isEqualTo(valid);
    }

    @Test
    void aHigherMinorVersionIsServedAsHttp11() {
        HttpRequest request = request("HTTP/1.2", "/", "h");
        assertThat(HttpFraming.check(request)).isNull();
        assertThat(request.protocolVersion()).isEqualTo(HttpVersion.HTTP_1_1);
    }

    @Test
    void anotherMajorVersionIsNotSupported() {
        assertThat(HttpFraming.check(request("HTTP/9.9", "/", "h"))).isInstanceOf(GatewayError.UnsupportedHttpVersion.class);
    }

    @Test
    void hostIsRequiredInHttp11OnceAndWellFormed() {
        assertThat(HttpFraming.check(request("HTTP/1.1", "/"))).isInstanceOf(GatewayError.BadHost.class);
        assertThat(HttpFraming.check(request("HTTP/1.1", "/", "a", "b"))).isInstanceOf(GatewayError.BadHost.class);
        assertThat(HttpFraming.check(request("HTTP/1.1", "/", "a b"))).isInstanceOf(GatewayError.BadHost.class);
        assertThat(HttpFraming.check(request("HTTP/1.0", "/"))).isNull();
        assertThat(HttpFraming.check(request("HTTP/1.1", "/", "[::1]:8000"))).isNull();
    }
}
