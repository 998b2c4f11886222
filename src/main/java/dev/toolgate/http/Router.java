package dev.toolgate.http;

import dev.toolgate.config.BoundedText;
import dev.toolgate.config.Route;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kong's traditional route matching, ordered as Kong 3.x's default {@code traditional_compatible} router
 * orders it. A route matches when all of its set criteria (hosts, headers, paths, methods) match. Among
 * matches the highest rank wins (Kong's priority number, below); ties go to the route defined first (Kong
 * leaves them unspecified). Regexes are compiled once, here.
 */
public final class Router {

    /** @param rank the route's part of its rank; the matched path's part is added per request */
    private record Candidate(Route route, long rank, List<String> prefixes, List<Pattern> regexes,
                             RouteHeaders headers) {
    }

    /*
     * Kong 3.x's route priority (kong/router/transform.lua get_priority), one unsigned 64-bit number, greater
     * wins: bits 61-63 how many of hosts, headers, paths, methods are set; bit 60 it has hosts, all plain (no *);
     * bits 52-59 how many headers (at most 255); bit 51 a regex path matched; bits 19-50 its route's
     * regex_priority (a negative one ranks the route first: regexMatch); bits 0-18 the length of the plain path
     * that matched. Kong splits a route with paths of several kinds and lengths into one route per kind and
     * length, so the path bits are those of the path that matched: a regex when one does, else the longest
     * prefix. The route's part is computed here, once: a request two routes match compares two numbers.
     */
    private static final int WEIGHT_SHIFT = 61;
    private static final long PLAIN_HOSTS_ONLY = 1L << 60;
    private static final int HEADERS_SHIFT = 52;
    private static final int MAX_HEADERS = 255;
    private static final long REGEX_PATH = 1L << 51;
    private static final int REGEX_PRIORITY_SHIFT = 19;
    private static final long MAX_PATH_LENGTH = 0x7FFFF;

    /** The route's rank before its path: criteria set, plain hosts only (an empty list too), header count. */
    private static long rank(Route route) {
        int weight = (route.hosts().isEmpty() ? 0 : 1) + (route.headers().isEmpty() ? 0 : 1)
                + (route.paths().isEmpty() ? 0 : 1) + (route.methods().isEmpty() ? 0 : 1);
        // Kong tests that hosts is a list, not that it has a host: hosts: [] ranks as plain hosts only
        boolean plainHostsOnly = route.hostsListed() && route.hosts().stream().noneMatch(h -> h.contains("*"));
        return (long) weight << WEIGHT_SHIFT | (plainHostsOnly ? PLAIN_HOSTS_ONLY : 0)
                | (long) Math.min(route.headers().size(), MAX_HEADERS) << HEADERS_SHIFT;
    }

    /**
     * A regex path's rank: Kong's regex_priority bits. Kong shifts a negative priority into its 64-bit number
     * as a value whose top bit is set (kong/router/transform.lua get_priority), so such a route ranks above
     * every route without one: {@link PathMatch#first}, compared before the rank. The value itself is lost in
     * Kong's arithmetic, so it orders nothing among such routes; their other criteria still do.
     */
    private static PathMatch regexMatch(int regexPriority, String matched) {
        return regexPriority < 0 ? new PathMatch(true, REGEX_PATH, matched)
                : new PathMatch(false, REGEX_PATH | (long) regexPriority << REGEX_PRIORITY_SHIFT, matched);
    }

    private final List<Candidate> candidates = new ArrayList<>();

    /**
     * Character reads one regex path may spend on one request path, and one {@code ~*} header regex on one
     * header value (a few milliseconds); a regex that
     * backtracks past it does not match, and is logged once per route. The path is at most 4,096
     * characters, but {@code ~/(a+)+$} could still spend hours on it.
     */
    public static final long MAX_REGEX_READS = 1_000_000;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Router.class);
    private static final java.util.Set<String> WARNED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private static void warnOnce(Route route, String what) {
        String name = route.name() != null ? route.name() : route.id();
        if (WARNED.size() < 1000 && WARNED.add(name + " " + what)) {
            LOG.warn("route {}: a regex {} took too long on a request {} and did not match it; "
                    + "make it linear (no nested repetition)", name, what, what);
        }
    }

    /** @param routes the routes that may match (routes of disabled services are left out by the caller) */
    public Router(List<Route> routes) {
        for (Route route : routes) {
            List<String> prefixes = new ArrayList<>();
            List<Pattern> regexes = new ArrayList<>();
            for (String path : route.paths()) {
                if (path.startsWith("~")) {
                    regexes.add(Pattern.compile(path.substring(1)));
                } else {
                    // in the form request paths are compared in: /a%2fb would never match the /a%2Fb a request becomes
                    prefixes.add(normalize(path));
                }
            }
            candidates.add(new Candidate(route, rank(route), List.copyOf(prefixes), List.copyOf(regexes),
                    new RouteHeaders(route.headers())));
        }
    }

    /**
     * The best route for a request.
     *
     * @param method  the HTTP method
     * @param host    the Host header (port included or not), may be null
     * @param path    the request path, normalized ({@link #normalize}), without the query
     * @param headers every value of a header (one per line it was sent on; empty when absent) by lower-case name
     */
    public Optional<RouteMatch> match(String method, String host, String path,
                                      Function<String, List<String>> headers) {
        RouteMatch best = null;
        long bestRank = 0;
        boolean bestFirst = false;
        // one bound for every header regex of every route, over every line: a request cannot multiply it
        long[] headerReads = {MAX_REGEX_READS};
        for (Candidate c : candidates) {
            if (!methodMatches(c.route(), method)
                    || !c.headers().match(headers, headerReads, () -> warnOnce(c.route(), "header"))) {
                continue;
            }
            if (!hostMatches(c.route().hosts(), host)) {
                continue;
            }
            PathMatch pm = pathMatch(c, path);
            if (pm == null) {
                continue;
            }
            long rank = c.rank() | pm.rank();
            // strictly greater: on a tie the route defined first stays
            if (best == null || outranks(pm.first(), rank, bestFirst, bestRank)) {
                bestRank = rank;
                bestFirst = pm.first();
                best = new RouteMatch(c.route(), pm.matched());
            }
        }
        return Optional.ofNullable(best);
    }

    /** Whether a match ranks strictly above the best so far: on a tie the route defined first stays. */
    private static boolean outranks(boolean first, long rank, boolean bestFirst, long bestRank) {
        return first != bestFirst ? first : Long.compareUnsigned(rank, bestRank) > 0;
    }

    /**
     * The path as routes see it, Kong's {@code normalize(path, true)}: percent-encoded unreserved characters
     * ({@code A-Z a-z 0-9 - . _ ~}) decoded, other triplets kept with upper-case hex ({@code %2f} is {@code %2F},
     * still not a slash), repeated slashes merged and {@code .}/{@code ..} segments resolved. So {@code /mcp//admin},
     * {@code /mcp/%61dmin} and {@code /mcp/../admin} are matched, and forwarded, as the {@code /mcp/admin} and
     * {@code /admin} a server reads them as, and cannot slip past a more specific route's prefix.
     */
    public static String normalize(String rawPath) {
        if (rawPath == null || rawPath.isEmpty()) {
            return "/";
        }
        String path = rawPath.indexOf('%') < 0 ? rawPath : decodeUnreserved(rawPath);
        if (!path.contains("/.") && !path.contains("//")) {
            return path;
        }
        java.util.ArrayDeque<String> segments = new java.util.ArrayDeque<>();
        String[] parts = path.split("/", -1);
        for (int i = 1; i < parts.length; i++) {
            String part = parts[i];
            if (part.equals(".") || part.isEmpty() && i < parts.length - 1) {
                continue;
            }
            if (part.equals("..")) {
                segments.pollLast();
                continue;
            }
            segments.addLast(part);
        }
        String last = parts[parts.length - 1];
        String joined = "/" + String.join("/", segments);
        return (last.equals(".") || last.equals("..")) && !joined.endsWith("/") ? joined + "/" : joined;
    }

    /** Unreserved characters' triplets decoded, the others' hex upper-cased; a stray {@code %} stays as it is. */
    private static String decodeUnreserved(String path) {
        StringBuilder out = new StringBuilder(path.length());
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            int high = i + 2 < path.length() && c == '%' ? hex(path.charAt(i + 1)) : -1;
            int low = high < 0 ? -1 : hex(path.charAt(i + 2));
            if (low < 0) {
                out.append(c);
                continue;
            }
            char decoded = (char) (high * 16 + low);
            if (decoded < 0x80 && (Character.isLetterOrDigit(decoded) || "-._~".indexOf(decoded) >= 0)) {
                out.append(decoded);
            } else {
                out.append('%').append(Character.toUpperCase(path.charAt(i + 1)))
                        .append(Character.toUpperCase(path.charAt(i + 2)));
            }
            i += 2;
        }
        return out.toString();
    }

    private static int hex(char c) {
        return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    }

    /**
     * A path match: whether it ranks above every route whose match does not (a negative regex_priority, as
     * Kong ranks it), its part of the rank (regex and priority, or prefix length) and the text matched.
     */
    private record PathMatch(boolean first, long rank, String matched) {
    }

    private static final PathMatch NO_PATHS = new PathMatch(false, 0, null);

    /** The first regex that matches (a route's regexes share its priority), else the longest prefix. */
    private static PathMatch pathMatch(Candidate c, String path) {
        if (c.prefixes().isEmpty() && c.regexes().isEmpty()) {
            return NO_PATHS;
        }
        for (Pattern regex : c.regexes()) {
            Matcher m = BoundedText.lookingAt(regex, path, MAX_REGEX_READS,
                    () -> warnOnce(c.route(), "path"));
            if (m != null) {
                return regexMatch(c.route().regexPriority(), path.substring(0, m.end()));
            }
        }
        String longest = null;
        for (String prefix : c.prefixes()) {
            if (path.startsWith(prefix) && (longest == null || prefix.length() > longest.length())) {
                longest = prefix;
            }
        }
        return longest == null ? null : new PathMatch(false, Math.min(longest.length(), MAX_PATH_LENGTH), longest);
    }

    private static boolean methodMatches(Route route, String method) {
        return route.methods().isEmpty() || route.methods().contains(method);
    }

    /**
     * Whether one of a route's hosts (or no host, when it sets none) matches a {@code Host} value: plain hosts
     * equal, {@code *.example.com} any name under it, {@code example.*} any ending, as Kong's router.
     */
    public static boolean hostMatches(List<String> routeHosts, String hostHeader) {
        if (routeHosts.isEmpty()) {
            return true;
        }
        if (hostHeader == null) {
            return false;
        }
        String host = withoutTrailingDot(hostHeader.toLowerCase(Locale.ROOT));
        String hostOnly = stripPort(host);
        for (String pattern : routeHosts) {
            String p = withoutTrailingDot(pattern.toLowerCase(Locale.ROOT));
            String candidate = p.contains(":") && !p.endsWith(".*") ? host : hostOnly;
            boolean wildcard = p.startsWith("*.") || p.endsWith(".*");
            if (!wildcard && candidate.equals(p) || (p.startsWith("*.") ? candidate.endsWith(p.substring(1))
                    : p.endsWith(".*") && candidate.startsWith(p.substring(0, p.length() - 1)))) {
                return true;
            }
        }
        return false;
    }

    /**
     * The host with its name's trailing dot dropped ({@code api.example.com.} is {@code api.example.com}, a fully
     * qualified name): nginx drops it before Kong's router sees the host, so Kong matches it.
     */
    private static String withoutTrailingDot(String host) {
        String name = stripPort(host);
        return name.length() > 1 && name.endsWith(".")
                ? name.substring(0, name.length() - 1) + host.substring(name.length()) : host;
    }

    /** The host of a {@code Host} value without its port ({@code [::1]:80} gives {@code [::1]}). */
    public static String stripPort(String host) {
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            return end < 0 ? host : host.substring(0, end + 1);
        }
        int colon = host.lastIndexOf(':');
        return colon < 0 ? host : host.substring(0, colon);
    }
}
