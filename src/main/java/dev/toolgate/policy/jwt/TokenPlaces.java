package dev.toolgate.policy.jwt;

import dev.toolgate.http.UpstreamQuery;
import dev.toolgate.pipeline.CookiePair;
import dev.toolgate.pipeline.WithheldCookies;
import dev.toolgate.pipeline.Exchange;

import java.util.ArrayList;
import java.util.HashSet;
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
        return find(exchange, config, true);
    }

    /** The tokens {@link #find} finds, consuming no place: to tell whom they name without running jwt. */
    static List<String> read(Exchange exchange, JwtConfig config) {
        return find(exchange, config, false);
    }

    private static List<String> find(Exchange exchange, JwtConfig config, boolean consume) {
        Set<String> tokens = new LinkedHashSet<>();
        for (String name : config.uriParamNames()) {
            // read as the upstream query is cut (UpstreamQuery), not with the framework's case-insensitive,
            // ;-splitting parameter map: a token it alone understood would authenticate and still go upstream
            List<String> values = UpstreamQuery.values(exchange.request().query(), name);
            if (!values.isEmpty()) {
                if (consume) {
                    exchange.credentials().consumeQuery(name);
                }
                values.stream().filter(v -> !v.isEmpty()).forEach(tokens::add);
            }
        }
        if (!config.cookieNames().isEmpty()) {
            cookies(exchange, config.cookieNames(), tokens, consume);
        }
        for (String name : config.headerNames()) {
            String value = exchange.header(name);
            if (value != null) {
                if (consume) {
                    exchange.credentials().consumeHeader(name);
                }
                String token = bearer(value);
                if (token != null) {
                    tokens.add(token);
                }
            }
        }
        return new ArrayList<>(tokens);
    }

    /** The token of a {@code Bearer <token>} header value, or null. */
    static String bearer(String value) {
        Matcher m = BEARER.matcher(value);
        return m.lookingAt() && !m.group(1).isEmpty() ? m.group(1) : null;
    }

    private static void cookies(Exchange exchange, List<String> names, Set<String> tokens, boolean consume) {
        // every Cookie header (HTTP/2 sends each cookie in its own): one left unread would go upstream
        List<String> headers = exchange.request().headers().getAll("cookie");
        if (consume) {
            // the tokens are read where the client sent them; what goes on is what earlier policies left (a
            // listener's jwt took its token cookie out, which must not come back with this route's cookies). Noted
            // even when the client sent no cookie: a tool's arguments send none of these names either
            exchange.withholdCookies(WithheldCookies.of(names));
        }
        if (headers.isEmpty()) {
            return;
        }
        // nginx's $cookie_<name>, which Kong reads, is the first cookie of that name: a later one (another
        // application's "JWT" beside this one's "jwt") is no second token, but it is withheld all the same
        Set<String> read = new HashSet<>();
        for (CookiePair cookie : CookiePair.of(headers)) {
            String configured = named(names, cookie.name());
            if (configured != null && read.add(configured) && !cookie.unquoted().isEmpty()) {
                tokens.add(cookie.unquoted());
            }
        }
    }

    /**
     * The configured name a cookie's name matches, in any case (Kong reads nginx's {@code $cookie_<name>},
     * which does); null for none.
     */
    private static String named(List<String> names, String name) {
        for (String configured : names) {
            if (configured.equalsIgnoreCase(name)) {
                return configured;
            }
        }
        return null;
    }
}
