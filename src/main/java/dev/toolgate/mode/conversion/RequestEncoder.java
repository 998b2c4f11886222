package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.http.ForwardedHeaders;
import dev.toolgate.http.Forwarding;
import dev.toolgate.http.UpstreamRequest;
import dev.toolgate.mcp.Json;
import dev.toolgate.mode.ParameterSpec;
import dev.toolgate.pipeline.WithheldCookies;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns validated arguments into an upstream request. Values go only where the template puts them,
 * percent-encoded (path and query) or checked (headers and cookies): a {@code ../}, {@code ?},
 * {@code #} or line break in an argument cannot change where the call goes or smuggle a header.
 * The path, query and body are encoded here; the headers and cookies are {@link EncodedHeaders}.
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
     * @param clientsOwn    lower-case names among {@code added} that are the client's own headers a policy passed
     *                      on less a credential (the cookies beside a token): client headers, sent only where
     *                      client headers may go
     * @param withheld      the cookies a policy reads a credential from: no pair of their names goes upstream,
     *                      whether the client's or an argument's
     */
    record Client(MultiMap headers, Forwarding forwarding, String host, Set<String> consumed, MultiMap added,
                  Set<String> asserted, Set<String> clientsOwn, WithheldCookies withheld) {

        /** A client connected straight to the gateway over plain HTTP. */
        Client(MultiMap headers, String forwardedFor, String remoteAddress, String host, int localPort,
               Set<String> consumed, MultiMap added, Set<String> asserted) {
            this(headers, Forwarding.direct(forwardedFor, remoteAddress, host, localPort), host, consumed, added,
                    asserted, Set.of(), WithheldCookies.NONE);
        }

        /**
         * The client's {@code Cookie} header as it stands after the gateway's authentication: once a
         * plugin consumed it (a {@code jwt} token cookie, or a key read from a header named
         * {@code Cookie}), only what that plugin passed on, never the original with the credential.
         */
        String cookieHeader() {
            if (!consumed.contains("cookie")) {
                // every one: an HTTP/2 client sends each cookie in a header of its own (RFC 9113 §8.2.3)
                List<String> all = headers.getAll("cookie");
                return all.isEmpty() ? null : all.size() == 1 ? all.getFirst() : String.join("; ", all);
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
         * to a CGI/WSGI-style upstream. Nor is the client's own header a policy passed on less a credential (the
         * cookies beside a jwt token cookie): an argument replaces it, as it replaces any client header of its name.
         */
        boolean asserts(String name) {
            String folded = ForwardedHeaders.folded(name);
            return added != null && added.names().stream()
                    .filter(n -> !clientsOwn.contains(n.toLowerCase(Locale.ROOT)))
                    .anyMatch(n -> ForwardedHeaders.folded(n).equals(folded))
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
            EncodedHeaders headers = new EncodedHeaders(t, client);
            Map<String, String> pathValues = new HashMap<>();
            EncodedText query = new EncodedText(MAX_URI_CHARS, "the query string");
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
                    case "header" -> headers.header(p, value);
                    case "cookie" -> headers.cookie(p, value);
                    default -> throw new IllegalStateException("unknown parameter location " + p.in());
                }
            }
            t.fixedQuery().forEach((name, values) -> values.forEach(v -> ParameterStyles.appendPair(query, name, v)));
            headers.fixed();
            Buffer body = body(t, arguments.get(ToolSchemas.BODY), headers.all());
            String uri = t.path().expand(pathValues) + (query.isEmpty() ? "" : "?" + query);
            if (uri.length() > MAX_URI_CHARS) {
                throw new Rejection("the arguments make a request URI longer than " + MAX_URI_CHARS + " characters");
            }
            return new Encoded.Ready(new UpstreamRequest(t.target(), t.method(), uri, headers.checked(), body,
                    t.timeoutMs(), maxResponseBytes), headers.written());
        } catch (Rejection r) {
            return new Encoded.Rejected(r.getMessage(), r.arguments);
        }
    }

    /**
     * Whether {@code p}'s own name is a fixed query name, regardless of case (as ASP.NET Core reads names):
     * its argument is then not sent.
     */
    static boolean hasFixedName(ParameterSpec p, Set<String> fixed) {
        String name = FixedQueryNames.folded(p.name());
        return fixed.stream().anyMatch(f -> FixedQueryNames.folded(f).equals(name));
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
}
