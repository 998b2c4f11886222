package dev.toolgate.policy.cors;

import dev.toolgate.config.BoundedText;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Kong's origin matching for {@code cors}: {@code *} (or no origins) allows every origin; one exact
 * origin is sent as is; otherwise the request's origin, normalized (default ports dropped), is sent
 * back when it equals an exact entry or matches a regex entry as a whole.
 */
final class AllowedOrigins {

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9.:/-]+");

    /** One entry: an exact normalized origin, or a regex against the host (no {@code :}) or the origin. */
    private record Entry(String exact, Pattern regex, boolean byHost) {
    }

    private final boolean any;
    private final String single;
    private final List<Entry> entries = new ArrayList<>();
    /**
     * Character reads all regex entries together may spend on one request's origin (a request head is at most
     * 8 KiB): a few milliseconds of one core, however many entries the list has; a legitimate origin needs hundreds.
     */
    static final long MAX_REGEX_READS = 200_000;

    /** @throws PatternSyntaxException when a regex entry does not compile */
    AllowedOrigins(List<String> origins) {
        this.any = origins.isEmpty() || origins.contains("*");
        this.single = origins.size() == 1 && PLAIN.matcher(origins.getFirst()).matches() ? origins.getFirst() : null;
        for (String origin : origins) {
            boolean byHost = origin.indexOf(':') < 0;
            if (PLAIN.matcher(origin).matches()) {
                entries.add(new Entry(normalize(origin), null, byHost));
            } else if (!origin.equals("*")) {
                entries.add(new Entry(null, anchored(origin), byHost));
            }
        }
    }

    /** True when every origin is allowed ({@code Access-Control-Allow-Origin: *}). */
    boolean any() {
        return any;
    }

    /**
     * The {@code Access-Control-Allow-Origin} value for a request origin (null when absent): {@code *},
     * the one configured origin, the request's origin when listed, or null when it is not.
     */
    String allowOrigin(String requestOrigin) {
        if (any) {
            return "*";
        }
        if (single != null) {
            return single;
        }
        if (requestOrigin == null) {
            return null;
        }
        String normalized = normalize(requestOrigin);
        String host = host(requestOrigin);
        long[] left = {MAX_REGEX_READS};
        for (Entry entry : entries) {
            boolean found = entry.exact() != null ? entry.exact().equals(normalized)
                    : matches(entry.regex(), entry.byHost() ? host : normalized, left);
            if (found) {
                return normalized;
            }
        }
        return null;
    }

    private static String normalize(String origin) {
        try {
            URI uri = URI.create(origin.trim());
            if (uri.getHost() == null) {
                return origin;
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            int port = uri.getPort();
            boolean defaultPort = scheme.equals("http") && port == 80 || scheme.equals("https") && port == 443;
            return (scheme.isEmpty() ? "" : scheme + "://") + uri.getHost().toLowerCase(Locale.ROOT)
                    + (port < 0 || defaultPort ? "" : ":" + port);
        } catch (IllegalArgumentException e) {
            return origin;
        }
    }

    private static String host(String origin) {
        try {
            String host = URI.create(origin.trim()).getHost();
            return host == null ? origin : host.toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return origin;
        }
    }

    /**
     * A regex entry anchored as a whole at both ends. Kong strips a leading {@code ^} and appends
     * {@code $} to the text, which anchors only the last branch of an alternation:
     * {@code https://a\.example|https://b\.example} would let {@code https://a.example.evil.example}
     * through, with credentials and past the DNS-rebinding check. {@code \z}, not {@code $}, which
     * also matches before a final line break.
     */
    private static Pattern anchored(String regex) {
        return Pattern.compile("(?:" + regex + ")\\z");
    }

    /**
     * A regex entry against an origin, paid from the request's budget: once an entry backtracked through it, neither
     * that entry nor any later one allows the origin.
     */
    private static boolean matches(Pattern regex, String origin, long[] left) {
        return BoundedText.lookingAt(regex, origin, left, () -> { }) != null;
    }
}
