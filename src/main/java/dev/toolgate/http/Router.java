package dev.toolgate.http;

import dev.toolgate.config.Route;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Kong's traditional route matching. A route matches when all of its set criteria match. Among
 * matches, routes setting more criteria (hosts, headers, methods) win; then, as in nginx and Kong,
 * an exact path beats a regex path (higher {@code regex_priority} first), which beats a prefix path
 * (longest first); ties go to the route defined first. Regexes are compiled once, here.
 */
public final class Router {

    private record Candidate(Route route, int index, int criteria, List<String> prefixes, List<Regex> regexes) {
    }

    private record Regex(Pattern pattern, int priority) {
    }

    private final List<Candidate> candidates = new ArrayList<>();

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
                    prefixes.add(path);
                }
            }
            int criteria = (route.hosts().isEmpty() ? 0 : 1) + (route.headers().isEmpty() ? 0 : 1)
                    + (route.methods().isEmpty() ? 0 : 1);
            candidates.add(new Candidate(route, i, criteria, List.copyOf(prefixes), List.copyOf(regexes)));
        }
    }

    /**
     * The best route for a request.
     *
     * @param method  the HTTP method
     * @param host    the Host header (port included or not), may be null
     * @param path    the raw request path, without the query
     * @param headers header lookup by lower-case name
     */
    public Optional<RouteMatch> match(String method, String host, String path, Function<String, String> headers) {
        RouteMatch best = null;
        long bestScore = Long.MIN_VALUE;
        for (Candidate c : candidates) {
            if (!methodMatches(c.route(), method) || !hostMatches(c.route(), host) || !headersMatch(c.route(), headers)) {
                continue;
            }
            PathScore ps = pathScore(c, path);
            if (ps == null) {
                continue;
            }
            long score = ((long) c.criteria() << 56) | ((long) ps.kind() << 52) | ((ps.weight() & 0xFFFFFFFFL) << 16)
                    | (0xFFFF - Math.min(c.index(), 0xFFFF));
            if (score > bestScore) {
                bestScore = score;
                best = new RouteMatch(c.route(), ps.prefix());
            }
        }
        return Optional.ofNullable(best);
    }

    /**
     * The path as routes see it: percent-encoded dots decoded and {@code .}/{@code ..} segments resolved,
     * so {@code /mcp/../admin} is matched as {@code /admin} and cannot slip past a route's prefix.
     */
    public static String normalize(String rawPath) {
        if (rawPath == null || rawPath.isEmpty()) {
            return "/";
        }
        String path = rawPath.indexOf('%') < 0 ? rawPath : rawPath.replace("%2e", ".").replace("%2E", ".");
        if (!path.contains("/.")) {
            return path;
        }
        java.util.ArrayDeque<String> segments = new java.util.ArrayDeque<>();
        String[] parts = path.split("/", -1);
        for (int i = 1; i < parts.length; i++) {
            String part = parts[i];
            if (part.equals(".")) {
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

    /** kind: 3 exact, 2 regex, 1 prefix, 0 no paths; weight: regex priority or prefix length. */
    private record PathScore(int kind, int weight, String prefix) {
    }

    private static PathScore pathScore(Candidate c, String path) {
        if (c.prefixes().isEmpty() && c.regexes().isEmpty()) {
            return new PathScore(0, 0, null);
        }
        PathScore best = null;
        for (String prefix : c.prefixes()) {
            if (path.startsWith(prefix)) {
                best = better(best, new PathScore(path.length() == prefix.length() ? 3 : 1, prefix.length(), prefix));
            }
        }
        for (Regex regex : c.regexes()) {
            if (regex.pattern().matcher(path).lookingAt()) {
                best = better(best, new PathScore(2, regex.priority() + (1 << 30), null));
            }
        }
        return best;
    }

    private static PathScore better(PathScore a, PathScore b) {
        if (a == null) {
            return b;
        }
        return b.kind() > a.kind() || b.kind() == a.kind() && b.weight() > a.weight() ? b : a;
    }

    private static boolean methodMatches(Route route, String method) {
        return route.methods().isEmpty() || route.methods().contains(method);
    }

    private static boolean hostMatches(Route route, String hostHeader) {
        if (route.hosts().isEmpty()) {
            return true;
        }
        if (hostHeader == null) {
            return false;
        }
        String host = hostHeader.toLowerCase(Locale.ROOT);
        String hostOnly = stripPort(host);
        for (String pattern : route.hosts()) {
            String p = pattern.toLowerCase(Locale.ROOT);
            String candidate = p.contains(":") && !p.endsWith(".*") ? host : hostOnly;
            if (p.startsWith("*.") ? candidate.endsWith(p.substring(1))
                    : p.endsWith(".*") ? candidate.startsWith(p.substring(0, p.length() - 1))
                    : candidate.equals(p)) {
                return true;
            }
        }
        return false;
    }

    private static boolean headersMatch(Route route, Function<String, String> headers) {
        for (Map.Entry<String, List<String>> required : route.headers().entrySet()) {
            String value = headers.apply(required.getKey());
            if (value == null || required.getValue().stream().noneMatch(v -> v.equalsIgnoreCase(value))) {
                return false;
            }
        }
        return true;
    }

    private static String stripPort(String host) {
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            return end < 0 ? host : host.substring(0, end + 1);
        }
        int colon = host.lastIndexOf(':');
        return colon < 0 ? host : host.substring(0, colon);
    }
}
