package dev.toolgate.policy.requesttransformer;

import dev.toolgate.config.ConfigProblem;
import dev.toolgate.error.GatewayError;
import dev.toolgate.error.GatewayException;
import dev.toolgate.http.ForwardedHeaders;
import dev.toolgate.http.HttpToken;
import dev.toolgate.http.UpstreamPath;
import dev.toolgate.pipeline.Exchange;
import dev.toolgate.pipeline.UpstreamCall;
import dev.toolgate.pipeline.UpstreamPolicy;
import io.vertx.core.MultiMap;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Kong's {@code request-transformer} on the request the mode sends upstream: each tool call's REST
 * request (through the plugins of the route that owns the tool), or the request passthrough sends to
 * the MCP server (headers, query, method and path; never the body, a JSON-RPC message).
 */
final class RequestTransformer implements UpstreamPolicy {

    private final String method;
    private final Rules headers;
    private final Rules query;
    private final Rules body;
    private final Template uri;
    /** Its body rules, each operation's at its path: refused on a passthrough route. */
    private final List<ConfigProblem> bodyRules;

    /** @param source the plugin's path in the document, such as {@code plugins[0]} */
    RequestTransformer(RequestTransformerConfig config, String source) {
        this.method = config.httpMethod();
        this.headers = rules(config, RequestTransformerConfig.Operation::headers);
        this.query = rules(config, RequestTransformerConfig.Operation::querystring);
        this.body = rules(config, RequestTransformerConfig.Operation::body);
        this.uri = config.replace().uri() == null ? null : Template.parse(config.replace().uri());
        this.bodyRules = bodyRules(config, source);
    }

    private static List<ConfigProblem> bodyRules(RequestTransformerConfig c, String source) {
        // even an added top-level field breaks a message: the official SDKs' servers parse JSON-RPC messages with
        // strict schemas and answer 400 to one with an unknown key
        String why = "request-transformer's body rules would rewrite JSON-RPC messages (an MCP server refuses a "
                + "message with a field it does not know); on a passthrough route no body rule may apply";
        Map<String, List<String>> byOperation = new java.util.LinkedHashMap<>();
        byOperation.put("remove", c.remove().body());
        byOperation.put("rename", c.rename().body());
        byOperation.put("replace", c.replace().body());
        byOperation.put("add", c.add().body());
        byOperation.put("append", c.append().body());
        List<ConfigProblem> rules = new ArrayList<>();
        byOperation.forEach((operation, body) -> {
            if (!body.isEmpty()) {
                rules.add(new ConfigProblem(source + ".config." + operation + ".body", why));
            }
        });
        return List.copyOf(rules);
    }

    private static Rules rules(RequestTransformerConfig c,
                               java.util.function.Function<RequestTransformerConfig.Operation, List<String>> part) {
        return Rules.of(part.apply(c.remove()), part.apply(c.rename()), part.apply(c.replace().operation()),
                part.apply(c.add()), part.apply(c.append()));
    }

    @Override
    public List<ConfigProblem> rewritesMessages() {
        return bodyRules;
    }

    @Override
    public void request(Exchange exchange, UpstreamCall call) {
        if (method != null) {
            call.method(method);
        }
        transformHeaders(exchange, call);
        if (!query.isEmpty()) {
            transformQuery(exchange, call.query());
            call.queryChanged();
        }
        if (!body.isEmpty() && call.bodyChangeable()) {
            RequestBody.transform(exchange, call, body);
        }
        if (uri != null) {
            String rendered = uri.render(exchange);
            String path = ServicePath.of(rendered.startsWith("/") ? rendered : "/" + rendered);
            if (UpstreamPath.hasDotSegment(path)) {
                // a client's value (a query argument, a header) must not climb out of the path the rule names:
                // /docs/$(query_params.folder) with folder=../admin is the server's /admin
                throw new GatewayException(new GatewayError.InvalidPath("the path request-transformer's replace.uri "
                        + "renders holds a dot segment (.., or one written with %2e, %2F, %5C or ;)"));
            }
            call.path(path);
        }
    }

    private void transformHeaders(Exchange exchange, UpstreamCall call) {
        MultiMap h = call.headers();
        // a client's X_Internal_Admin is X-Internal-Admin to a CGI/WSGI-style server: neither may stay
        headers.remove().forEach(name -> ForwardedHeaders.removeEverySpelling(h, name));
        // rename and replace find the name in either spelling and leave neither: the twins pass before them kept one
        // spelling of the client's pair, not necessarily the rule's, and the server would read the other as it
        for (Rules.Entry rename : headers.rename()) {
            List<String> values = ForwardedHeaders.anySpelling(h, rename.name());
            if (!values.isEmpty()) {
                String to = renamed(rename, exchange);
                ForwardedHeaders.removeEverySpelling(h, rename.name());
                call.setHeader(to, values);
            }
        }
        for (Rules.Entry replace : headers.replace()) {
            String value = replace.render(exchange);
            boolean host = replace.name().equalsIgnoreCase("host");
            if (value != null && (host || !ForwardedHeaders.anySpelling(h, replace.name()).isEmpty())) {
                if (!host) {
                    ForwardedHeaders.removeEverySpelling(h, replace.name());
                }
                call.setHeader(replace.name(), value);
            }
        }
        for (Rules.Entry add : headers.add()) {
            String value = add.render(exchange);
            if (value != null && !h.contains(add.name()) && !add.name().equalsIgnoreCase("host")) {
                call.setHeader(add.name(), value);
            }
        }
        for (Rules.Entry append : headers.append()) {
            String value = append.render(exchange);
            if (value != null && !append.name().equalsIgnoreCase("host")) {
                call.addHeader(append.name(), value);
            }
        }
    }

    /**
     * The name a header rename sets. One rendered from the client's request ({@code x-a:$(headers.x-b)}) is
     * refused when the load-time check would refuse it written out: a client naming {@code Content-Length}
     * or {@code Transfer-Encoding} would frame the request on a pooled upstream connection, and the rest of
     * its body be read as the next request. Nor may it name a header the gateway decides ({@code Host}, the
     * consumer and forwarding headers, {@code Mcp-Session-Id}: {@link ForwardedHeaders#gatewayDecided}), or a
     * client would pose as a consumer or pick the bound upstream session; a rule that names one itself may.
     * A name that is no header name (empty, a space, a colon) could not be sent at all.
     */
    private static String renamed(Rules.Entry rename, Exchange exchange) {
        String to = rename.value().render(exchange);
        if (!HttpToken.is(to) || ForwardedHeaders.framing(to)
                || !rename.value().constant() && ForwardedHeaders.gatewayDecided(to)) {
            throw new GatewayException(new GatewayError.InvalidHeader("the header name request-transformer's rename "
                    + "renders would set a header that frames the upstream request, governs its connection or that "
                    + "the gateway decides (Content-Length, Transfer-Encoding, Connection, Host, X-Consumer-*, "
                    + "X-Forwarded-*, Mcp-Session-Id...), or is not a valid header name"));
        }
        return to;
    }

    private void transformQuery(Exchange exchange, List<Map.Entry<String, String>> q) {
        q.removeIf(e -> query.remove().contains(e.getKey()));
        for (Rules.Entry rename : query.rename()) {
            String to = rename.value().render(exchange);
            q.replaceAll(e -> e.getKey().equals(rename.name()) ? new AbstractMap.SimpleEntry<>(to, e.getValue()) : e);
        }
        for (Rules.Entry replace : query.replace()) {
            String value = replace.render(exchange);
            if (value != null) {
                q.replaceAll(e -> e.getKey().equals(replace.name()) ? new AbstractMap.SimpleEntry<>(e.getKey(), value) : e);
            }
        }
        for (Rules.Entry add : query.add()) {
            String value = add.render(exchange);
            if (value != null && q.stream().noneMatch(e -> e.getKey().equals(add.name()))) {
                q.add(new AbstractMap.SimpleEntry<>(add.name(), value));
            }
        }
        for (Rules.Entry append : query.append()) {
            String value = append.render(exchange);
            if (value != null) {
                q.add(new AbstractMap.SimpleEntry<>(append.name(), value));
            }
        }
    }
}
