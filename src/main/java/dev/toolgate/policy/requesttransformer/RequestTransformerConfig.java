package dev.toolgate.policy.requesttransformer;

import dev.toolgate.config.ConfigNode;
import dev.toolgate.config.PluginSettings;
import dev.toolgate.config.Redacted;
import dev.toolgate.http.ForwardedHeaders;
import dev.toolgate.http.HttpToken;
import dev.toolgate.policy.NameValueEntry;

import java.util.List;
import java.util.Optional;

/**
 * The {@code config} of Kong's {@code request-transformer} plugin, with Kong's names and defaults.
 * Rules run in Kong's order: the method, then headers, query, body and the path, each
 * remove → rename → replace → add → append. Values may use templates ({@link Template}) and vault
 * references.
 *
 * @param httpMethod the method to send instead of the client's (a tool's), or null
 * @param remove     names to remove
 * @param rename     {@code old:new} names
 * @param replace    {@code name:value}, only where the name is present; {@code uri} replaces the path
 * @param add        {@code name:value}, only where the name is absent
 * @param append     {@code name:value}, added beside any values already there
 */
public record RequestTransformerConfig(String httpMethod, Operation remove, Operation rename, Replace replace,
                                       Operation add, Operation append) implements PluginSettings {

    static final List<String> METHODS = List.of("GET", "HEAD", "PUT", "PATCH", "POST", "DELETE", "OPTIONS", "TRACE",
            "CONNECT");

    /**
     * One operation's rules.
     *
     * @param headers     header rules
     * @param querystring query argument rules
     * @param body        body field rules (JSON and form bodies)
     */
    public record Operation(List<String> headers, List<String> querystring, List<String> body) {

        static final Operation NONE = new Operation(List.of(), List.of(), List.of());

        public Operation {
            headers = List.copyOf(headers);
            querystring = List.copyOf(querystring);
            body = List.copyOf(body);
        }

        /** Its secrets masked: a message or log line that quotes it must not carry them. */
        @Override
        public String toString() {
            return Redacted.describe(this, "headers", "querystring", "body");
        }
    }

    /** {@code replace}: an operation, and {@code uri}, the path to send instead (a template). */
    public record Replace(List<String> headers, List<String> querystring, List<String> body, String uri) {

        public Replace {
            headers = List.copyOf(headers);
            querystring = List.copyOf(querystring);
            body = List.copyOf(body);
        }

        Operation operation() {
            return new Operation(headers, querystring, body);
        }

        /** Its secrets masked: a message or log line that quotes it must not carry them. */
        @Override
        public String toString() {
            return Redacted.describe(this, "headers", "querystring", "body", "uri");
        }
    }

    static RequestTransformerConfig read(ConfigNode node) {
        String method = node.text("http_method", null);
        if (method != null && !METHODS.contains(method.toUpperCase(java.util.Locale.ROOT))) {
            node.problem("http_method", method + " is not supported (one of " + String.join(", ", METHODS) + ")");
        }
        Operation remove = node.object("remove").map(n -> operation(n, false, false)).orElse(Operation.NONE);
        Operation rename = node.object("rename").map(n -> operation(n, true, true)).orElse(Operation.NONE);
        Replace replace = node.object("replace").map(RequestTransformerConfig::replace)
                .orElse(new Replace(List.of(), List.of(), List.of(), null));
        Operation add = node.object("add").map(n -> operation(n, true, false)).orElse(Operation.NONE);
        Operation append = node.object("append").map(n -> operation(n, true, false)).orElse(Operation.NONE);
        node.finish();
        return new RequestTransformerConfig(method == null ? null : method.toUpperCase(java.util.Locale.ROOT),
                remove, rename, replace, add, append);
    }

    private static Replace replace(ConfigNode node) {
        List<String> headers = pairs(node, "headers");
        unframed(node, headers, false);
        List<String> query = pairs(node, "querystring");
        List<String> body = pairs(node, "body");
        String uri = node.text("uri", null);
        Optional.ofNullable(uri).ifPresent(u -> check(node, "uri", u));
        node.finish();
        return new Replace(headers, query, body, uri);
    }

    /** @param renaming true for {@code rename}, whose entries set the header named after the colon */
    private static Operation operation(ConfigNode node, boolean pairs, boolean renaming) {
        Operation operation = pairs ? new Operation(pairs(node, "headers"), pairs(node, "querystring"), pairs(node, "body"))
                : new Operation(node.texts("headers"), node.texts("querystring"), node.texts("body"));
        if (pairs) {
            unframed(node, operation.headers(), renaming);
        }
        node.finish();
        return operation;
    }

    /**
     * A header rule that would set the upstream request's framing or connection headers is a problem: the
     * HTTP client keeps a declared {@code Content-Length} whatever the body, or sends {@code Transfer-Encoding}
     * beside the length it computed, and the server then reads the rest of the body as the next request on a
     * pooled connection. {@code Host} stays settable ({@code replace}, as in Kong).
     */
    private static void unframed(ConfigNode node, List<String> headers, boolean renaming) {
        for (int i = 0; i < headers.size(); i++) {
            String entry = headers.get(i);
            int colon = entry.indexOf(':');
            String target = colon > 0 && renaming ? entry.substring(colon + 1) : null;
            if (colon > 0 && ForwardedHeaders.framing(renaming ? target : entry.substring(0, colon))) {
                node.problem("headers[" + i + "]", "would set a header that frames the upstream request or governs its "
                        + "connection (Content-Length, Transfer-Encoding, Connection, Keep-Alive, Upgrade, TE, Trailer, "
                        + "Proxy-Connection, Expect): the gateway sets those itself; remove the rule");
            } else if (target != null && !target.contains("$(") && !HttpToken.is(target)) {
                // checked at each request otherwise, where it would refuse every request the rule applies to
                node.problem("headers[" + i + "]", "renames to \"" + target + "\", which is not a header name (letters, "
                        + "digits and " + HttpToken.SYMBOLS + ")");
            } else if (colon > 0 && !renaming) {
                // the entry's value is never quoted: it may be a credential
                int at = i;
                new NameValueEntry(entry).headerProblem(false).ifPresent(problem -> node.problem("headers[" + at + "]", problem));
            }
        }
    }

    /**
     * Entries {@code name:value}: Kong refuses one without a colon; the value's templates must parse. A problem
     * names the entry by its position only: the entry may be a credential.
     */
    private static List<String> pairs(ConfigNode node, String key) {
        List<String> entries = node.texts(key);
        for (int i = 0; i < entries.size(); i++) {
            String entry = entries.get(i);
            String at = key + "[" + i + "]";
            Optional<String> malformed = new NameValueEntry(entry).problem();
            if (malformed.isPresent()) {
                node.problem(at, malformed.get());
            } else {
                check(node, at, entry.substring(entry.indexOf(':') + 1));
            }
        }
        return entries;
    }

    private static void check(ConfigNode node, String at, String value) {
        try {
            Template.parse(value);
        } catch (IllegalArgumentException e) {
            node.problem(at, e.getMessage());
        }
    }
}
