package dev.toolgate.http;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Which headers cross the gateway. Never: hop-by-hop headers (and those named in {@code Connection}),
 * client-supplied forwarding and consumer headers (the gateway sets its own) and credentials the
 * gateway consumed (MCP forbids passing a client's token through). Tool calls drop more: headers that describe the MCP
 * exchange rather than the upstream call. A name with underscores counts as the same name with dashes wherever the
 * gateway sets, strips or reads a header itself: CGI/WSGI-style servers (PHP, Python WSGI) read
 * {@code X_Consumer_Username} and {@code X-Consumer-Username} as one variable, and some take the client's.
 */
public final class ForwardedHeaders {

    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade");
    private static final Set<String> FORWARDING = Set.of("forwarded", "x-forwarded-for", "x-forwarded-proto",
            "x-forwarded-host", "x-forwarded-port", "x-forwarded-path", "x-forwarded-prefix", "x-real-ip");
    /**
     * Identity headers only the gateway asserts (Kong's consumer headers): a client cannot claim to be
     * a consumer by sending them, whether or not a plugin on the route authenticates.
     */
    private static final Set<String> IDENTITY = Set.of("x-consumer-id", "x-consumer-custom-id", "x-consumer-username",
            "x-consumer-groups", "x-credential-identifier", "x-anonymous-consumer", "x-authenticated-groups",
            "x-authenticated-scope", "x-authenticated-userid");
    /**
     * What a tool call never takes from the MCP request, nor from an argument: the method and URL overrides
     * frameworks honour (Express method-override, Google APIs, Symfony, IIS URL Rewrite), the scheme and host
     * overrides (Rails' X-Forwarded-Ssl, IIS ARR's X-Original-Host) and the client-address aliases CDNs and
     * load balancers set, which upstream allow-lists trust. Through them a client would turn a read-only tool
     * into a DELETE, reach another path or host, pose as a TLS client or as another address; the tool's
     * configuration decides the method, path and forwarding. Every {@code X-Forwarded-*} and {@code X-Envoy-*}
     * counts too (see {@link #rerouting}). An operator's fixed header or transformer may still set them.
     */
    private static final Set<String> REROUTING = Set.of("x-http-method-override", "x-method-override",
            "x-http-method", "x-original-method", "x-original-url", "x-original-uri", "x-rewrite-url",
            "x-original-host", "x-host", "front-end-https", "x-url-scheme", "true-client-ip", "cf-connecting-ip",
            "x-client-ip", "client-ip", "x-cluster-client-ip", "fastly-client-ip", "x-proxyuser-ip",
            "x-original-forwarded-for", "x-forwarded", "forwarded-for");
    /**
     * Prefixes of whole families a tool call never takes from the client. The gateway sets the
     * {@code X-Forwarded-*} it means the upstream to believe; any other one (-Scheme, -Ssl, -Server,
     * -Client-Cert, -Uri...) is a claim about the connection only a proxy may make. Envoy removes every
     * {@code X-Envoy-*} of an external request at its edge: {@code X-Envoy-Internal} marks a request as
     * internal, {@code X-Envoy-External-Address} names the client, {@code X-Envoy-Original-Path} the path.
     */
    private static final List<String> REROUTING_FAMILIES = List.of("x-forwarded-", "x-envoy-");
    /** What a tool call never takes from the MCP request: it describes the MCP exchange. */
    private static final Set<String> MCP_EXCHANGE = Set.of("host", "content-length", "content-type", "accept",
            "accept-encoding", "expect", "mcp-session-id", "mcp-protocol-version", "last-event-id");
    /** What delimits a request's body or governs its connection: whoever writes the request sets these. */
    private static final Set<String> FRAMING = Set.of("content-length", "transfer-encoding", "connection", "keep-alive",
            "upgrade", "te", "trailer", "proxy-connection", "expect");
    /** What passthrough sets itself rather than copying from the client. */
    private static final Set<String> PROXY_REWRITTEN = Set.of("host", "content-length", "expect", "accept-encoding");

    private ForwardedHeaders() {
    }

    /**
     * Tool calls: copies the MCP client's headers that may reach the REST upstream.
     *
     * @param consumed lower-case names of credential headers the gateway's own authentication consumed
     */
    public static void copyForToolCall(MultiMap client, MultiMap upstream, Set<String> consumed) {
        Set<String> named = connectionTokens(client.getAll("connection"));
        Set<String> taken = dashed(consumed);
        for (var entry : client) {
            String name = entry.getKey().toLowerCase(Locale.ROOT);
            String folded = dashed(name);
            if (crosses(name, named, taken) && !MCP_EXCHANGE.contains(folded) && !reroutingFolded(folded)) {
                upstream.add(entry.getKey(), entry.getValue());
            }
        }
    }

    /**
     * Passthrough: copies everything end to end, {@code Mcp-*} and {@code Last-Event-ID} included.
     * {@code Content-Length} is recomputed, {@code Expect} was answered by the gateway (which reads the
     * body first), {@code Accept-Encoding} is dropped (the gateway reads the answer on the side), and
     * the client's authority becomes {@code Host} only with {@code preserve_host}.
     *
     * @param preservedHost the client's authority when the route preserves it, else null
     */
    public static void copyForProxy(MultiMap client, MultiMap upstream, Set<String> consumed, String preservedHost) {
        Set<String> named = connectionTokens(client.getAll("connection"));
        Set<String> taken = dashed(consumed);
        for (var entry : client) {
            String name = entry.getKey().toLowerCase(Locale.ROOT);
            if (crosses(name, named, taken) && !PROXY_REWRITTEN.contains(name) && !twinOfExchangeHeader(name)) {
                upstream.add(entry.getKey(), entry.getValue());
            }
        }
        if (preservedHost != null) {
            upstream.set("host", preservedHost);
        }
    }

    /**
     * The authority the client addressed: the {@code Host} header over HTTP/1.1, the
     * {@code :authority} pseudo-header over HTTP/2 (which has no {@code Host}); null when absent. An
     * absolute-form target ({@code GET http://host/path}) names it itself, and the {@code Host} header is
     * ignored (RFC 9112 §3.2.2), as nginx and so Kong ignore it: a proxy in front that read the target
     * must not see the request routed by another host.
     */
    public static String authority(HttpServerRequest request) {
        // over HTTP/2, :authority is the host whatever :path holds (RFC 9113 §8.3.1)
        String target = request.version() == io.vertx.core.http.HttpVersion.HTTP_2 ? null
                : absoluteFormAuthority(request.uri());
        if (target != null) {
            return target;
        }
        HostAndPort authority = request.authority();
        if (authority == null) {
            return request.getHeader("host");
        }
        return authority.port() < 0 ? authority.host() : authority.host() + ":" + authority.port();
    }

    /**
     * The authority of an absolute-form request target ({@code http://host:port/path}: what lies between
     * {@code ://} and the path, query or end), or null for a target of another form ({@code /path}, {@code *}).
     */
    static String absoluteFormAuthority(String target) {
        if (target == null || target.isEmpty() || target.charAt(0) == '/') {
            return null;
        }
        int separator = target.indexOf("://");
        if (separator <= 0 || !target.substring(0, separator).chars().allMatch(c -> Character.isLetterOrDigit(c)
                || c == '+' || c == '-' || c == '.')) {
            return null;
        }
        int start = separator + 3;
        int end = start;
        while (end < target.length() && "/?#".indexOf(target.charAt(end)) < 0) {
            end++;
        }
        return target.substring(start, end);
    }

    /**
     * A list-valued header as one value: its lines joined with {@code ", "} in the order they came, or null
     * when absent. Several lines of one header are one list (RFC 9110 §5.3), and a proxy may add its own
     * line below the client's (HAProxy's {@code option forwardfor} does) rather than extend it: reading the
     * first line alone would take the client's own claim for the proxy's.
     */
    public static String joined(HttpServerRequest request, String name) {
        return joined(request.headers(), name);
    }

    /** {@link #joined(HttpServerRequest, String)} of any headers: an answer's {@code Content-Encoding} lines too. */
    public static String joined(MultiMap headers, String name) {
        List<String> lines = headers.getAll(name);
        return lines.isEmpty() ? null : lines.size() == 1 ? lines.getFirst() : String.join(", ", lines);
    }

    /** Response headers: everything but hop-by-hop headers. */
    public static void copyResponse(MultiMap upstream, MultiMap client) {
        Set<String> named = connectionTokens(upstream.getAll("connection"));
        for (var entry : upstream) {
            String name = entry.getKey().toLowerCase(Locale.ROOT);
            if (!HOP_BY_HOP.contains(name) && !named.contains(name)) {
                client.add(entry.getKey(), entry.getValue());
            }
        }
    }

    /** Sets the gateway's {@code X-Forwarded-*} and {@code X-Real-IP} headers as {@code forwarding} says. */
    public static void addForwarding(MultiMap upstream, Forwarding forwarding) {
        if (forwarding.forwardedFor() != null) {
            upstream.set("X-Forwarded-For", forwarding.forwardedFor());
        }
        if (forwarding.clientAddress() != null) {
            upstream.set("X-Real-IP", forwarding.clientAddress());
        }
        upstream.set("X-Forwarded-Proto", forwarding.proto());
        if (forwarding.host() != null && !forwarding.host().isEmpty()) {
            upstream.set("X-Forwarded-Host", forwarding.host());
        }
        upstream.set("X-Forwarded-Port", forwarding.port());
        if (forwarding.path() != null) {
            upstream.set("X-Forwarded-Path", forwarding.path());
        }
        if (forwarding.prefix() != null) {
            upstream.set("X-Forwarded-Prefix", forwarding.prefix());
        }
    }

    /**
     * True for an identity header only the gateway asserts, Kong's consumer headers (any case, and any
     * {@code X-Authenticated-*}): whoever sets one speaks for the consumer the upstream believes it serves.
     */
    public static boolean identity(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return IDENTITY.contains(lower) || lower.startsWith("x-authenticated-");
    }

    /**
     * True for a method, URL, scheme or host override, a client-address alias, any {@code X-Forwarded-*} or any
     * {@code X-Envoy-*} (any case, {@code _} as {@code -}): a header a tool call takes neither from the client nor
     * from an argument, since it would change where the call goes or who the service believes calls.
     */
    public static boolean rerouting(String name) {
        return reroutingFolded(folded(name));
    }

    /** {@link #rerouting} of a name already {@linkplain #folded folded}: a tool call asks it of each client header. */
    private static boolean reroutingFolded(String folded) {
        if (REROUTING.contains(folded)) {
            return true;
        }
        for (String family : REROUTING_FAMILIES) {
            if (folded.startsWith(family)) {
                return true;
            }
        }
        return false;
    }

    /**
     * True for a header that delimits a request's body or governs its connection ({@code Content-Length},
     * {@code Transfer-Encoding}, {@code Connection}, {@code Upgrade}, {@code Expect}...): the gateway writes
     * the upstream request on a pooled connection, and a value it did not compute would have the server read
     * the body, or the next request on the connection, otherwise.
     */
    public static boolean framing(String name) {
        return FRAMING.contains(name.trim().toLowerCase(Locale.ROOT));
    }

    /**
     * True for a forwarding or {@link #identity} header the gateway sets itself: a tool argument must not
     * be able to set one, or a caller could pose as another consumer or address.
     */
    public static boolean gatewaySet(String name) {
        return FORWARDING.contains(name.toLowerCase(Locale.ROOT)) || identity(name);
    }

    /**
     * True for a header whose value the gateway decides for the upstream, read with {@code _} as {@code -}: framing,
     * forwarding and {@link #identity} headers, {@code Host}, and the MCP transport's ({@code Mcp-Session-Id},
     * {@code Mcp-Protocol-Version}, {@code Last-Event-ID}). A name the client's request chooses must be none of them.
     */
    public static boolean gatewayDecided(String name) {
        String lower = folded(name.trim());
        return FRAMING.contains(lower) || gatewaySet(lower) || lower.equals("host") || lower.startsWith("mcp-")
                || lower.equals("last-event-id");
    }

    /**
     * Removes the client's headers that, read with dashes, name another header of the upstream request: the
     * last step before the request is sent. Against one the gateway wrote (a plugin's, a fixed header, an
     * argument, a transformer's) the client's goes whatever its spelling ({@code X-Tenant} beside an operator's
     * {@code X_Tenant}, as {@code X_Tenant} beside an operator's {@code X-Tenant}); between two of the client's
     * own, the one with underscores goes. Which are the gateway's is known by what it wrote, not by the values:
     * a client sending {@code X_Tenant: acme} and {@code X-Tenant: beta} must not have the operator's
     * {@code X_Tenant: acme} taken for its own.
     *
     * @param written lower-case names of the headers the gateway wrote; every other header is the client's
     */
    public static void dropClientTwins(MultiMap upstream, Set<String> written) {
        // every request passes here: no map of names, no stream, unless a name has an underscore
        boolean underscore = false;
        for (Map.Entry<String, String> header : upstream) {
            underscore |= header.getKey().indexOf('_') >= 0;
        }
        if (!underscore) {
            return;
        }
        Map<String, Set<String>> spellings = new HashMap<>();
        for (Map.Entry<String, String> header : upstream) {
            String lower = header.getKey().toLowerCase(Locale.ROOT);
            spellings.computeIfAbsent(dashed(lower), k -> new HashSet<>()).add(lower);
        }
        List<String> twins = new ArrayList<>();
        for (Set<String> names : spellings.values()) {
            if (names.size() < 2) {
                continue;
            }
            boolean gatewaySpelling = names.stream().anyMatch(written::contains);
            for (String name : names) {
                if (!written.contains(name) && (gatewaySpelling || name.indexOf('_') >= 0)) {
                    twins.add(name);
                }
            }
        }
        twins.forEach(upstream::remove);
    }

    /**
     * Removes the header of this name in every spelling a CGI/WSGI-style server reads as it: any case, and
     * {@code _} for {@code -} ({@code X_Internal_Admin} for {@code X-Internal-Admin}, and the other way round).
     */
    public static void removeEverySpelling(MultiMap headers, String name) {
        headers.remove(name);
        String folded = folded(name);
        List<String> twins = null;
        for (Map.Entry<String, String> header : headers) {
            if (folded(header.getKey()).equals(folded)) {
                (twins == null ? twins = new ArrayList<>() : twins).add(header.getKey());
            }
        }
        if (twins != null) {
            twins.forEach(headers::remove);
        }
    }

    /**
     * The values of the header of this name as a CGI/WSGI-style server reads it: its own lines, or, when the
     * request has none, those of its first other spelling ({@code X_Tenant} for {@code X-Tenant}, either way);
     * empty when no spelling is present.
     */
    public static List<String> anySpelling(MultiMap headers, String name) {
        List<String> own = headers.getAll(name);
        if (!own.isEmpty()) {
            return own;
        }
        String folded = folded(name);
        for (Map.Entry<String, String> header : headers) {
            if (folded(header.getKey()).equals(folded)) {
                return headers.getAll(header.getKey());
            }
        }
        return List.of();
    }

    /** @param consumed the consumed names read with dashes ({@link #dashed(Set)}) */
    private static boolean crosses(String lowerCase, Set<String> named, Set<String> consumed) {
        String name = dashed(lowerCase);
        return !HOP_BY_HOP.contains(name) && !named.contains(name) && !FORWARDING.contains(name) && !identity(name)
                && !consumed.contains(name);
    }

    /**
     * Lower-case names read with dashes: a claim header the gateway asserts as {@code X_User_Id} keeps the
     * client's {@code X-User-Id} out as much as its {@code X_User_Id}, since the server reads them as one.
     */
    private static Set<String> dashed(Set<String> lowerCase) {
        boolean underscore = false;
        for (String name : lowerCase) {
            underscore |= name.indexOf('_') >= 0;
        }
        if (!underscore) {
            return lowerCase;
        }
        Set<String> dashed = new HashSet<>();
        for (String name : lowerCase) {
            dashed.add(dashed(name));
        }
        return dashed;
    }

    /** Passthrough copies {@code Mcp-Session-Id} and the framing headers as the gateway handles them, never a twin. */
    private static boolean twinOfExchangeHeader(String lowerCase) {
        String name = dashed(lowerCase);
        return !name.equals(lowerCase) && (MCP_EXCHANGE.contains(name) || FRAMING.contains(name));
    }

    /** A lower-case header name as CGI/WSGI-style servers fold it: underscores and dashes alike. */
    private static String dashed(String name) {
        return name.replace('_', '-');
    }

    /**
     * A header name as the most lenient servers read it: any case, and {@code _} as {@code -}. Two names
     * that fold alike are one header to a CGI/WSGI-style upstream, whichever the gateway meant to send.
     */
    public static String folded(String name) {
        return dashed(name.toLowerCase(Locale.ROOT));
    }

    /**
     * The header names {@code Connection} lists, from all its lines: several lines are one list (RFC 9110
     * §5.3), and reading the first alone would pass on a header a later line declares hop-by-hop.
     */
    private static Set<String> connectionTokens(List<String> lines) {
        if (lines.isEmpty()) {
            return Set.of();
        }
        Set<String> tokens = new HashSet<>();
        for (String line : lines) {
            for (String token : line.split(",")) {
                tokens.add(token.trim().toLowerCase(Locale.ROOT));
            }
        }
        return tokens;
    }
}
