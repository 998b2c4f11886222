package dev.toolgate.http;

import dev.toolgate.error.GatewayError;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The request-line and header rules of RFC 9112 that the gateway enforces before routing: the
 * version (a higher 1.x minor version is served as HTTP/1.1, RFC 9110 §6.2; another major version is
 * refused with 505), {@code Transfer-Encoding} (exactly {@code chunked}, or 501 as nginx answers; Netty
 * already refuses one with {@code Content-Length}, in HTTP/1.0, or not ending in {@code chunked}),
 * {@code Host} (RFC 9112 §3.2: required in HTTP/1.1, never twice), the authority of an
 * absolute-form target (a host, which {@code Host} then does not override), and a path that
 * is valid UTF-8 once percent-decoded (overlong forms such as {@code %C0%AE}, a disguised dot, are
 * not, and must not reach a server that decodes them leniently).
 */
final class HttpFraming {

    /** RFC 3986 host (reg-name, IPv4 or [IPv6]) and optional port; empty is allowed (RFC 9112 §3.2). */
    private static final java.util.regex.Pattern HOST = java.util.regex.Pattern.compile(
            "([A-Za-z0-9._~%!$&'()*+,;=-]*|\\[[0-9A-Fa-f:.]+])(:[0-9]{0,5})?");

    private HttpFraming() {
    }

    /** What is wrong with the request head, or null; a 1.x version above 1.1 is rewritten to 1.1. */
    static GatewayError check(HttpRequest request) {
        HttpVersion version = request.protocolVersion();
        if (version.majorVersion() != 1 || !version.protocolName().equals("HTTP")) {
            return new GatewayError.UnsupportedHttpVersion(version.text());
        }
        if (version.minorVersion() > 1) {
            request.setProtocolVersion(HttpVersion.HTTP_1_1);
            version = HttpVersion.HTTP_1_1;
        }
        // read as a list only when present: most requests carry none, and this runs for every one
        List<String> codings = request.headers().contains(HttpHeaderNames.TRANSFER_ENCODING)
                ? request.headers().getAll(HttpHeaderNames.TRANSFER_ENCODING) : List.of();
        if (!codings.isEmpty() && (codings.size() > 1 || !codings.getFirst().trim().equalsIgnoreCase("chunked"))) {
            // Netty reads any list ending in chunked as chunked and drops the codings before it: a body sent as
            // "gzip, chunked" would reach a route, or an upstream, as if it were not coded at all
            String shown = String.join(", ", codings);
            return new GatewayError.UnsupportedTransferCoding(shown.length() > 64 ? shown.substring(0, 64) + "..." : shown);
        }
        return hostAndPath(request.headers().getAll(HttpHeaderNames.HOST), version.minorVersion() == 1, request.uri());
    }

    /**
     * What is wrong with an HTTP/2 request (h2c), or null. The connection guard checks HTTP/1.x heads in the
     * pipeline and steps out once a connection speaks HTTP/2, where {@code :path} carries the same bytes a
     * request line does: its path must be valid UTF-8 all the same, or an overlong dot would reach a server
     * that reads it as {@code ..}. A {@code host} header, which HTTP/2 allows beside {@code :authority},
     * follows the HTTP/1.1 rules. The version and a missing authority are Netty's and Vert.x's to refuse.
     */
    static GatewayError check(io.vertx.core.http.HttpServerRequest request) {
        return hostAndPath(request.headers().getAll(HttpHeaderNames.HOST), false, request.uri());
    }

    /**
     * The checks HTTP/1.x and HTTP/2 heads share: at most one {@code Host} (exactly one when {@code hostRequired},
     * HTTP/1.1), a host name or address with an optional port, and a path of valid UTF-8.
     */
    private static GatewayError hostAndPath(java.util.List<String> hosts, boolean hostRequired, String uri) {
        if (hosts.size() > 1) {
            return new GatewayError.BadHost("the request has " + hosts.size() + " Host headers; send exactly one");
        }
        if (hosts.isEmpty() && hostRequired) {
            return new GatewayError.BadHost("an HTTP/1.1 request needs a Host header");
        }
        if (hosts.size() == 1 && !HOST.matcher(hosts.getFirst()).matches()) {
            return new GatewayError.BadHost("the Host header is not a host name or address with an optional port");
        }
        String target = ForwardedHeaders.absoluteFormAuthority(uri);
        if (target != null && (target.isEmpty() || !HOST.matcher(target).matches())) {
            // the target's authority is the request's host (RFC 9112 §3.2.2); userinfo is an error (RFC 9110 §4.2.4)
            return new GatewayError.BadHost(
                    "the request target's authority is not a host name or address with an optional port");
        }
        int end = uri.indexOf('?');
        if (!validUtf8(end < 0 ? uri : uri.substring(0, end))) {
            return new GatewayError.InvalidPath("the request path is not valid UTF-8 (malformed or overlong bytes)");
        }
        return null;
    }

    /** The path's bytes (each char of the request line is one byte) with %XX decoded, as strict UTF-8. */
    static boolean validUtf8(String path) {
        boolean plain = true;
        for (int i = 0; i < path.length() && plain; i++) {
            char c = path.charAt(i);
            plain = c < 0x80 && c != '%';
        }
        if (plain) {
            return true;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(path.length());
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '%' && i + 2 < path.length() && hex(path.charAt(i + 1)) >= 0 && hex(path.charAt(i + 2)) >= 0) {
                bytes.write(hex(path.charAt(i + 1)) * 16 + hex(path.charAt(i + 2)));
                i += 2;
            } else if (c > 0xFF) {
                return false;
            } else {
                bytes.write(c);
            }
        }
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.toByteArray()));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static int hex(char c) {
        return Character.digit(c, 16);
    }
}
