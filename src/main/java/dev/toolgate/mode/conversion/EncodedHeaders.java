package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.http.ForwardedHeaders;
import dev.toolgate.mode.ParameterSpec;
import dev.toolgate.mode.conversion.RequestEncoder.Rejection;
import dev.toolgate.pipeline.CookiePair;
import io.vertx.core.MultiMap;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.stream.Stream;

/**
 * The headers of the upstream request {@link RequestEncoder} builds for one call: the client's the tool passes on,
 * the forwarding headers, the gateway's own (consumer headers, claims), the tool's fixed ones, and the arguments'
 * headers and cookies, each value checked so that no argument smuggles a header. What the gateway decides is
 * authoritative: an argument does not go beside it.
 */
final class EncodedHeaders {

    /** Largest total of header names and values the arguments may make. */
    static final int MAX_HEADER_CHARS = 64 * 1024;

    private final RequestTemplate template;
    private final RequestEncoder.Client client;
    private final MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    /** Lower-case names of the headers the gateway wrote (not the client's). */
    private final Set<String> written = new HashSet<>();
    /** The arguments' cookies, by name, merged into {@code Cookie} once the fixed headers are laid. */
    private final Map<String, String> cookies = new LinkedHashMap<>();
    /** The names of the fixed cookies, folded; read once a cookie argument comes. */
    private Set<String> fixedCookies;

    /** The client's headers the tool passes on, with the forwarding headers, the Host and the gateway's own. */
    EncodedHeaders(RequestTemplate t, RequestEncoder.Client client) {
        this.template = t;
        this.client = client;
        if (t.forwardClientHeaders()) {
            ForwardedHeaders.copyForToolCall(client.headers(), headers, client.consumed());
        }
        ForwardedHeaders.addForwarding(headers, client.forwarding());
        String host = t.replayHost(client.host());
        if (t.preserveHost() && host != null) {
            // the tool's host is configuration, as the service is: it names the Host header, never the address
            headers.set("host", host);
        }
        if (client.added() != null) {
            // set, not add: the gateway's consumer headers replace whatever else named them; the client's own
            // among them (its cookies less a token) are client headers, which go only where client headers may
            client.added().names().stream().filter(this::goes).forEach(name -> set(name, client.added().getAll(name)));
        }
    }

    /** Whether a header the policies set goes: the gateway's own always, the client's only when forwarded. */
    private boolean goes(String added) {
        return template.forwardClientHeaders() || !client.clientsOwn().contains(added.toLowerCase(Locale.ROOT));
    }

    /** A header argument's value, unless the gateway or a fixed header decides that header. */
    void header(ParameterSpec p, JsonNode value) {
        String checked = checkedHeader(p.argument(), ParameterStyles.headerValue(value, p.explode()));
        // a fixed header is authoritative as the gateway's own are, in every spelling of its name
        if (!client.asserts(p.name()) && !hasFixedHeader(p.name(), template.fixedHeaders().keySet())) {
            set(p.name(), List.of(checked));
        }
    }

    /**
     * A cookie argument's value, unless a fixed cookie of its name is sent or a policy reads a credential from a
     * cookie of its name (dropped as the client's own cookie of that name is: the model's value would reach the
     * upstream under the name whose cookie the gateway checked).
     */
    void cookie(ParameterSpec p, JsonNode value) {
        String checked = checkedCookie(p.argument(), ParameterStyles.scalar(value));
        if (client.withheld().withholds(p.name())) {
            return;
        }
        // fixed cookies are authoritative as fixed query values are, their names compared alike
        if (fixedCookies == null) {
            fixedCookies = fixedCookieNames(template.fixedHeaders());
        }
        if (!fixedCookies.contains(FixedQueryNames.folded(p.name()))) {
            cookies.put(p.name(), checked);
        }
    }

    /**
     * Takes the withheld cookies out of the {@code Cookie} so far (a {@code Cookie} header argument's, or the
     * client's), lays the tool's fixed headers over the rest, then merges the arguments' cookies into
     * {@code Cookie}. A fixed cookie is the operator's, whatever its name: it stays.
     */
    void fixed() {
        String rest = client.withheld().less(headers.getAll("cookie"));
        if (rest != null && rest.isEmpty()) {
            headers.remove("cookie");
        } else if (rest != null) {
            headers.set("cookie", rest);
        }
        template.fixedHeaders().forEach(this::set);
        if (!cookies.isEmpty()) {
            headers.set("cookie", mergeCookies(headers.getAll("cookie"), cookies));
        }
    }

    /** The headers so far, for the body's own ({@code Content-Type}). */
    MultiMap all() {
        return headers;
    }

    /** Lower-case names of the headers the gateway wrote (not the client's). */
    Set<String> written() {
        return written;
    }

    /** The headers to send: no client spelling of one the gateway wrote, and within {@link #MAX_HEADER_CHARS}. */
    MultiMap checked() {
        if (template.forwardClientHeaders()) {
            ForwardedHeaders.dropClientTwins(headers, written);
        }
        long total = 0;
        for (Map.Entry<String, String> header : headers) {
            total += header.getKey().length() + header.getValue().length() + 4;
        }
        if (total > MAX_HEADER_CHARS) {
            throw new Rejection("the arguments make request headers longer than " + MAX_HEADER_CHARS + " characters");
        }
        return headers;
    }

    /** Sets a header the gateway decides, noting it as the gateway's: no client spelling of it goes beside it. */
    private void set(String name, Iterable<String> values) {
        headers.set(name, values);
        written.add(name.toLowerCase(Locale.ROOT));
    }

    /** Whether a fixed header of the tool is {@code name} as a CGI/WSGI-style upstream reads names. */
    static boolean hasFixedHeader(String name, Set<String> fixed) {
        String folded = ForwardedHeaders.folded(name);
        return fixed.stream().anyMatch(f -> ForwardedHeaders.folded(f).equals(folded));
    }

    /** Names of the cookies the tool's fixed {@code Cookie} headers send, folded as fixed query names are. */
    private static Set<String> fixedCookieNames(Map<String, List<String>> fixedHeaders) {
        Set<String> names = new HashSet<>();
        fixedHeaders.forEach((header, values) -> {
            if (ForwardedHeaders.folded(header).equals("cookie")) {
                values.forEach(v -> cookies(v).keySet().forEach(n -> names.add(FixedQueryNames.folded(n))));
            }
        });
        return names;
    }

    private static String checkedHeader(String argument, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 && c != '\t' || c >= 0x7F) {
                throw Rejection.invalid(argument + ": a header value must be printable ASCII without line breaks");
            }
        }
        return value;
    }

    /**
     * RFC 6265 §4.1.1's {@code cookie-value}: cookie-octets, or cookie-octets in double quotes (as a client's own
     * cookie may be, which fills the parameter as it came).
     */
    private static String checkedCookie(String argument, String value) {
        boolean quoted = value.length() >= 2 && value.charAt(0) == '"' && value.charAt(value.length() - 1) == '"';
        for (int i = quoted ? 1 : 0; i < value.length() - (quoted ? 1 : 0); i++) {
            char c = value.charAt(i);
            boolean octet = c == 0x21 || c >= 0x23 && c <= 0x2B || c >= 0x2D && c <= 0x3A || c >= 0x3C && c <= 0x5B
                    || c >= 0x5D && c <= 0x7E;
            if (!octet) {
                throw Rejection.invalid(argument + ": a cookie value must not contain spaces, quotes (but around the whole value), commas, "
                        + "semicolons, backslashes or control characters");
            }
        }
        return value;
    }

    /** {@code present}: every {@code Cookie} line the request has so far (the client's, or the fixed ones). */
    private static String mergeCookies(List<String> present, Map<String, String> fromArguments) {
        Map<String, String> merged = new LinkedHashMap<>();
        named(CookiePair.of(present)).forEach(c -> merged.put(c.name().trim(), c.value().trim()));
        merged.putAll(fromArguments);
        StringJoiner header = new StringJoiner("; ");
        merged.forEach((k, v) -> header.add(k + "=" + v));
        return header.toString();
    }

    /** Cookies of the client's request, by name; used to fill cookie arguments the client did not pass. */
    static Map<String, String> cookies(String cookieHeader) {
        Map<String, String> cookies = new HashMap<>();
        named(CookiePair.of(cookieHeader)).forEach(c -> cookies.putIfAbsent(c.name().trim(), c.value().trim()));
        return cookies;
    }

    /**
     * The pairs that can be a tool's cookie: a name and a value, the spaces around the {@code =} not theirs (as
     * the cookie parameters' names and values are written); a bare {@code a} or a nameless {@code =a} is none.
     */
    private static Stream<CookiePair> named(List<CookiePair> pairs) {
        return pairs.stream().filter(c -> c.hasValue() && !c.name().trim().isEmpty());
    }
}
