package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.http.ForwardedHeaders;
import dev.toolgate.http.Forwarding;
import dev.toolgate.http.UpstreamRequest;
import dev.toolgate.mcp.Json;
import dev.toolgate.mode.ParameterSpec;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/**
 * Turns validated arguments into an upstream request. Values go only where the template puts them,
 * percent-encoded (path and query) or checked (headers and cookies): a {@code ../}, {@code ?},
 * {@code #} or line break in an argument cannot change where the call goes or smuggle a header.
 */
final class RequestEncoder {

    /** The outcome: a request to send, or the reason the arguments cannot be sent. */
    sealed interface Encoded {
        /** {@code written}: lower-case names of the headers the gateway wrote (not the client's). */
        record Ready(UpstreamRequest request, Set<String> written) implements Encoded {
        }

        /** {@code arguments}: an argument's value is wrong (the tool's "Invalid arguments" error), not its size. */
        record Rejected(String message, boolean arguments) implements Encoded {
            Rejected(String message) {
                this(message, false);
            }
        }
    }

    /**
     * What the client's own request contributes.
     *
     * @param headers       the MCP request's headers
     * @param forwarding    what the upstream is told of the client's request ({@code X-Forwarded-*})
     * @param host          the MCP request's Host header
     * @param consumed      lower-case names of credential headers the gateway's auth consumed
     * @param added         headers the gateway's policies set on every upstream request (consumer
     *                      headers), or null for none
     * @param asserted      lower-case names of headers the gateway's policies decide, set or left out (claims)
     */
    record Client(MultiMap headers, Forwarding forwarding, String host, Set<String> consumed, MultiMap added,
                  Set<String> asserted) {

        /** A client connected straight to the gateway over plain HTTP. */
        Client(MultiMap headers, String forwardedFor, String remoteAddress, String host, int localPort,
               Set<String> consumed, MultiMap added, Set<String> asserted) {
            this(headers, Forwarding.direct(forwardedFor, remoteAddress, host, localPort), host, consumed, added,
                    asserted);
        }

        /**
         * The client's {@code Cookie} header as it stands after the gateway's authentication: once a
         * plugin consumed it (a {@code jwt} token cookie, or a key read from a header named
         * {@code Cookie}), only what that plugin passed on, never the original with the credential.
         */
        String cookieHeader() {
            if (!consumed.contains("cookie")) {
                return headers.get("cookie");
            }
            return added == null ? null : added.get("cookie");
        }

        /**
         * Whether the gateway decides what the upstream gets under {@code name}: a header its policies
         * set (a claim, the consumer, an exchanged token) or leave out (a claim the token lacks). An argument
         * does not: it comes from the client, as Kong's replayed request would have had the route's plugins lay
         * their headers over it. A credential header the gateway read is not one: an argument of that name is the
         * upstream's own (its API key), which Kong's key-auth leaves as it is. Names are compared as
         * {@link ForwardedHeaders#folded} reads them: an argument {@code X_User_Id} is the claim's {@code X-User-Id}
         * to a CGI/WSGI-style upstream.
         */
        boolean asserts(String name) {
            String folded = ForwardedHeaders.folded(name);
            return added != null && added.names().stream().anyMatch(n -> ForwardedHeaders.folded(n).equals(folded))
                    || asserted.stream().anyMatch(n -> ForwardedHeaders.folded(n).equals(folded));
        }
    }

    static final class Rejection extends RuntimeException {
        final boolean arguments;

        Rejection(String message) {
            this(message, false);
        }

        private Rejection(String message, boolean arguments) {
            super(message, null, false, false);
            this.arguments = arguments;
        }

        /** An argument's value that cannot be sent as what its schema says (a file field that is not base64). */
        static Rejection invalid(String message) {
            return new Rejection(message, true);
        }
    }

    /** Longest request URI (path and query) arguments may make; servers commonly refuse far less. */
    static final int MAX_URI_CHARS = 64 * 1024;
    /** Largest total of header names and values the arguments may make. */
    static final int MAX_HEADER_CHARS = 64 * 1024;
    /** Largest multipart body the arguments may make (file content is base64-decoded, so it shrinks). */
    static final int MAX_BODY_BYTES = 16 * 1024 * 1024;
    /**
     * Largest form body the arguments may make: percent-encoding triples a byte and a nested object
     * repeats its whole key path for every leaf, so a form can outgrow its argument many times over.
     */
    static final int MAX_FORM_CHARS = 2 * 1024 * 1024;
    /** Most parts a multipart body may have: each adds its own headers, however small its content. */
    static final int MAX_PARTS = 1_000;

    private RequestEncoder() {
    }

    static Encoded encode(RequestTemplate t, ObjectNode arguments, Client client, int maxResponseBytes) {
        try {
            MultiMap headers = MultiMap.caseInsensitiveMultiMap();
            Set<String> written = new HashSet<>();
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
                // set, not add: the gateway's consumer headers replace whatever else named them
                client.added().names().forEach(name -> set(headers, written, name, client.added().getAll(name)));
            }
            Map<String, String> pathValues = new HashMap<>();
            EncodedText query = new EncodedText(MAX_URI_CHARS, "the query string");
            Map<String, String> cookies = new LinkedHashMap<>();
            Set<String> fixedCookies = null;
            for (ParameterSpec p : t.parameters()) {
                JsonNode value = ParameterStyles.asContent(p, value(p, arguments));
                if (value == null) {
                    continue;
                }
                switch (p.in()) {
                    case "path" -> pathValues.put(p.name(), ParameterStyles.pathValue(p, value));
                    case "query" -> {
                        // fixed query values are authoritative, as fixed headers are: an argument of the same
                        // name is not sent beside them (ArgumentPlaces refuses keys that would be)
                        if (!hasFixedName(p, t.fixedQuery().keySet())) {
                            ParameterStyles.appendQuery(query, p, value);
                        }
                    }
                    case "header" -> {
                        String checked = checkedHeader(p.argument(), ParameterStyles.headerValue(value, p.explode()));
                        // a fixed header is authoritative as the gateway's own are, in every spelling of its name
                        if (!client.asserts(p.name()) && !hasFixedHeader(p.name(), t.fixedHeaders().keySet())) {
                            set(headers, written, p.name(), List.of(checked));
                        }
                    }
                    case "cookie" -> {
                        String checked = checkedCookie(p.argument(), ParameterStyles.scalar(value));
                        // fixed cookies are authoritative as fixed query values are, their names compared alike
                        if (fixedCookies == null) {
                            fixedCookies = fixedCookieNames(t.fixedHeaders());
                        }
                        if (!fixedCookies.contains(FixedQueryNames.folded(p.name()))) {
                            cookies.put(p.name(), checked);
                        }
                    }
                    default -> throw new IllegalStateException("unknown parameter location " + p.in());
                }
            }
            t.fixedQuery().forEach((name, values) -> values.forEach(v -> ParameterStyles.appendPair(query, name, v)));
            t.fixedHeaders().forEach((name, values) -> set(headers, written, name, values));
            if (!cookies.isEmpty()) {
                headers.set("cookie", mergeCookies(headers.getAll("cookie"), cookies));
            }
            Buffer body = body(t, arguments.get(ToolSchemas.BODY), headers);
            String uri = t.path().expand(pathValues) + (query.isEmpty() ? "" : "?" + query);
            if (uri.length() > MAX_URI_CHARS) {
                throw new Rejection("the arguments make a request URI longer than " + MAX_URI_CHARS + " characters");
            }
            if (t.forwardClientHeaders()) {
                ForwardedHeaders.dropClientTwins(headers, written);
            }
            checkHeaderSize(headers);
            return new Encoded.Ready(new UpstreamRequest(t.target(), t.method(), uri, headers, body, t.timeoutMs(),
                    maxResponseBytes), written);
        } catch (Rejection r) {
            return new Encoded.Rejected(r.getMessage(), r.arguments);
        }
    }

    /** Sets a header the gateway decides, noting it as the gateway's: no client spelling of it goes beside it. */
    private static void set(MultiMap headers, Set<String> written, String name, Iterable<String> values) {
        headers.set(name, values);
        written.add(name.toLowerCase(Locale.ROOT));
    }

    /**
     * Whether {@code p}'s own name is a fixed query name, regardless of case (as ASP.NET Core reads names):
     * its argument is then not sent.
     */
    static boolean hasFixedName(ParameterSpec p, Set<String> fixed) {
        String name = FixedQueryNames.folded(p.name());
        return fixed.stream().anyMatch(f -> FixedQueryNames.folded(f).equals(name));
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

    /** The value sent for {@code p}: its argument, else its schema's default; null when neither is (or both are null). */
    static JsonNode value(ParameterSpec p, ObjectNode arguments) {
        JsonNode value = arguments.get(p.argument());
        if (value == null || value.isNull()) {
            value = p.schema().get("default");
        }
        return value == null || value.isNull() ? null : value;
    }

    private static Buffer body(RequestTemplate t, JsonNode value, MultiMap headers) {
        if (t.body() == BodyEncoding.NONE || value == null) {
            return null;
        }
        if (t.body() == BodyEncoding.JSON) {
            headers.set("content-type", t.bodyType());
            return Buffer.buffer(Json.bytes(value));
        }
        if (!value.isObject()) {
            throw new Rejection("body: a " + t.body().contentType() + " body must be an object of fields");
        }
        if (t.body() == BodyEncoding.MULTIPART) {
            return MultipartBody.encode(value, t.bodyFields(), headers);
        }
        headers.set("content-type", t.body().contentType());
        EncodedText form = new EncodedText(MAX_FORM_CHARS, "the form body");
        value.properties().forEach(e -> ParameterStyles.appendField(form, e.getKey(), e.getValue(),
                t.bodyFields().getOrDefault(e.getKey(), FieldEncoding.DEFAULT)));
        return Buffer.buffer(form.toString());
    }

    private static void checkHeaderSize(MultiMap headers) {
        long total = 0;
        for (Map.Entry<String, String> header : headers) {
            total += header.getKey().length() + header.getValue().length() + 4;
        }
        if (total > MAX_HEADER_CHARS) {
            throw new Rejection("the arguments make request headers longer than " + MAX_HEADER_CHARS + " characters");
        }
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

    private static String checkedCookie(String argument, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean octet = c == 0x21 || c >= 0x23 && c <= 0x2B || c >= 0x2D && c <= 0x3A || c >= 0x3C && c <= 0x5B
                    || c >= 0x5D && c <= 0x7E;
            if (!octet) {
                throw Rejection.invalid(argument + ": a cookie value must not contain spaces, quotes, commas, "
                        + "semicolons, backslashes or control characters");
            }
        }
        return value;
    }

    /** {@code present}: every {@code Cookie} line the request has so far (the client's, or the fixed ones). */
    private static String mergeCookies(List<String> present, Map<String, String> fromArguments) {
        Map<String, String> merged = new LinkedHashMap<>();
        for (String line : present) {
            for (String pair : line.split(";")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    merged.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
                }
            }
        }
        merged.putAll(fromArguments);
        StringJoiner header = new StringJoiner("; ");
        merged.forEach((k, v) -> header.add(k + "=" + v));
        return header.toString();
    }

    /** Cookies of the client's request, by name; used to fill cookie arguments the client did not pass. */
    static Map<String, String> cookies(String cookieHeader) {
        if (cookieHeader == null) {
            return Map.of();
        }
        Map<String, String> cookies = new HashMap<>();
        for (String pair : cookieHeader.split(";")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                cookies.putIfAbsent(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
            }
        }
        return cookies;
    }
}
