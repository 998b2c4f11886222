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
 * Kong's traditional route matching, ordered as Kong's router orders it. A route matches when all of
 * its set criteria (hosts, headers, paths, methods) match. Among matches: routes setting more kinds
 * of criteria win; then by kind (host over header over path over method); then plain hosts over
 * wildcard hosts, more headers over fewer, regex paths (higher {@code regex_priority} first) over
 * plain paths, longer plain paths over shorter; ties go to the route defined first. Regexes are
 * compiled once, here.
 */
public final class Router {

    private record Candidate(Route route, int index, int criteria, int kinds, List<String> prefixes,
                             List<Regex> regexes, RouteHeaders headers) {
    }

    private record Regex(Pattern pattern, int priority) {
    }

    /** How well one route matched; compared field by field, greater is better. */
    private record Score(int criteria, int kinds, int plainHost, int headers, int regex, long weight, int order)
            implements Comparable<Score> {
        /**
         * Kong's precedence, criterion after criterion. Written out: a chain of {@code Comparator}s cost
         * every request that two routes match (a path and its longer prefix) a few hundred nanoseconds.
         */
        @Override
        public int compareTo(Score other) {
            int c = Integer.compare(criteria, other.criteria);
            if (c == 0) {
                c = Integer.compare(kinds, other.kinds);
            }
            if (c == 0) {
                c = Integer.compare(plainHost, other.plainHost);
            }
            if (c == 0) {
                c = Integer.compare(headers, other.headers);
            }
            if (c == 0) {
                c = Integer.compare(regex, other.regex);
            }
            if (c == 0) {
                c = Long.compare(weight, other.weight);
            }
            return c != 0 ? c : Integer.compare(order, other.order);
        }
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
        for (int i = 0; i < routes.size(); i++) {
            Route route = routes.get(i);
            List<String> prefixes = new ArrayList<>();
            List<Regex> regexes = new ArrayList<>();
            for (String path : route.paths()) {
                if (path.startsWith("~")) {
                    regexes.add(new Regex(Pattern.compile(path.substring(1)), route.regexPriority()));
                } else {
                    // in the form request paths are compared in: /a%2fb would never match the /a%2Fb a request becomes
                    prefixes.add(normalize(path));
                }
            }
            int kinds = (route.hosts().isEmpty() ? 0 : 0x40) | (route.headers().isEmpty() ? 0 : 0x20)
                    | (route.paths().isEmpty() ? 0 : 0x10) | (route.methods().isEmpty() ? 0 : 0x08);
            candidates.add(new Candidate(route, i, Integer.bitCount(kinds), kinds, List.copyOf(prefixes),
                    List.copyOf(regexes), new RouteHeaders(route.headers())));
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
        Score bestScore = null;
        // one bound for every header regex of every route, over every line: a request cannot multiply it
        long[] headerReads = {MAX_REGEX_READS};
        for (Candidate c : candidates) {
            if (!methodMatches(c.route(), method)
                    || !c.headers().match(headers, headerReads, () -> warnOnce(c.route(), "header"))) {
                continue;
            }
            int plainHost = hostMatch(c.route(), host);
            if (plainHost < 0) {
                continue;
            }
            PathMatch pm = pathMatch(c, path);
            if (pm == null) {
                continue;
            }
            Score score = new Score(c.criteria(), c.kinds(), plainHost, c.route().headers().size(), pm.regex() ? 1 : 0,
                    pm.weight(), -c.index());
            if (bestScore == null || score.compareTo(bestScore) > 0) {
                bestScore = score;
                best = new RouteMatch(c.route(), pm.matched());
            }
        }
        return Optional.ofNullable(best);
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

    /** A path match: regex or plain, its weight (regex priority or prefix length), and the text matched. */
    private record PathMatch(boolean regex, long weight, String matched) {
    }

    private static PathMatch pathMatch(Candidate c, String path) {
        if (c.prefixes().isEmpty() && c.regexes().isEmpty()) {
            return new PathMatch(false, 0, null);
        }
        PathMatch best = null;
        for (Regex regex : c.regexes()) {
            Matcher m = BoundedText.lookingAt(regex.pattern(), path, MAX_REGEX_READS,
                    () -> warnOnce(c.route(), "path"));
            if (m != null && (best == null || regex.priority() > best.weight())) {
                best = new PathMatch(true, regex.priority(), path.substring(0, m.end()));
            }
        }
        if (best != null) {
            return best;
        }
        for (String prefix : c.prefixes()) {
            if (path.startsWith(prefix) && (best == null || prefix.length() > best.weight())) {
                best = new PathMatch(false, prefix.length(), prefix);
            }
        }
        return best;
    }

    private static boolean methodMatches(Route route, String method) {
        return route.methods().isEmpty() || route.methods().contains(method);
    }

    /** 1 when a plain host matched, 0 for a wildcard (or no hosts set), -1 when no host matched. */
    private static int hostMatch(Route route, String hostHeader) {
        if (route.hosts().isEmpty()) {
            return 0;
        }
        if (hostHeader == null) {
            return -1;
        }
        String host = withoutTrailingDot(hostHeader.toLowerCase(Locale.ROOT));
        String hostOnly = stripPort(host);
        int best = -1;
        for (String pattern : route.hosts()) {
            String p = withoutTrailingDot(pattern.toLowerCase(Locale.ROOT));
            String candidate = p.contains(":") && !p.endsWith(".*") ? host : hostOnly;
            boolean wildcard = p.startsWith("*.") || p.endsWith(".*");
            if (!wildcard && candidate.equals(p)) {
                return 1;
            }
            if (p.startsWith("*.") ? candidate.endsWith(p.substring(1))
                    : p.endsWith(".*") && candidate.startsWith(p.substring(0, p.length() - 1))) {
                best = 0;
            }
        }
        return best;
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
