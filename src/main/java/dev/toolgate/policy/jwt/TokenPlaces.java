package dev.toolgate.policy.jwt;

import dev.toolgate.pipeline.Exchange;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import io.netty.handler.codec.http.cookie.ClientCookieEncoder;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where Kong's {@code jwt} looks for tokens: every configured query argument, cookie and header. The
 * distinct non-empty tokens found are returned (more than one is Kong's "Multiple tokens provided"),
 * and each place one was read is consumed, so the token does not travel upstream: query arguments and
 * headers are removed, and the {@code Cookie} header is sent on without the token cookies.
 */
final class TokenPlaces {

    private static final Pattern BEARER = Pattern.compile("\\s*[Bb]earer\\s+(.+)");

    private TokenPlaces() {
    }

    static List<String> find(Exchange exchange, JwtConfig config) {
        Set<String> tokens = new LinkedHashSet<>();
        for (String name : config.uriParamNames()) {
            List<String> values = exchange.request().params().getAll(name);
            if (!values.isEmpty()) {
                exchange.consumeQuery(name);
                values.stream().filter(v -> !v.isEmpty()).forEach(tokens::add);
            }
        }
        if (!config.cookieNames().isEmpty()) {
            cookies(exchange, config.cookieNames(), tokens);
        }
        for (String name : config.headerNames()) {
            String value = exchange.header(name);
            if (value != null) {
                exchange.consumeHeader(name);
                Matcher m = BEARER.matcher(value);
                if (m.lookingAt() && !m.group(1).isEmpty()) {
                    tokens.add(m.group(1));
                }
            }
        }
        return new ArrayList<>(tokens);
    }

    private static void cookies(Exchange exchange, List<String> names, Set<String> tokens) {
        String header = exchange.header("cookie");
        if (header == null) {
            return;
        }
        List<Cookie> kept = new ArrayList<>();
        boolean found = false;
        for (Cookie cookie : ServerCookieDecoder.LAX.decode(header)) {
            if (names.contains(cookie.name())) {
                found = true;
                if (!cookie.value().isEmpty()) {
                    tokens.add(cookie.value());
                }
            } else {
                kept.add(cookie);
            }
        }
        if (found) {
            exchange.consumeHeader("cookie");
            if (!kept.isEmpty()) {
                exchange.upstreamHeaders().set("Cookie", ClientCookieEncoder.LAX.encode(kept));
            }
        }
    }
}
