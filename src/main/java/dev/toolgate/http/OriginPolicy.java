package dev.toolgate.http;

import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * DNS-rebinding protection for MCP endpoints (the transport spec's MUST): a request whose
 * {@code Origin} names a site not on the allow list is refused with 403. Requests without
 * {@code Origin} are not made by browser pages and pass. With no list configured, loopback origins pass, so
 * local tools such as MCP Inspector work without configuration; an operator's explicit list is the whole rule,
 * since any local page (a dev server on localhost:3000) could otherwise drive the endpoint.
 */
public final class OriginPolicy {

    private final List<String> allowed;
    private final boolean any;
    private final boolean loopbackByDefault;

    /** @param allowed origins such as {@code https://app.example.com}, or {@code *} for any; empty for loopback only */
    public OriginPolicy(List<String> allowed) {
        this.any = allowed.contains("*");
        this.loopbackByDefault = allowed.isEmpty();
        this.allowed = allowed.stream().map(OriginPolicy::normalize).toList();
    }

    /** True when a request with this {@code Origin} header (null when absent) may proceed. */
    public boolean allows(String origin) {
        if (origin == null || any) {
            return true;
        }
        String normalized = normalize(origin);
        if (allowed.contains(normalized)) {
            return true;
        }
        return loopbackByDefault && isLoopback(origin);
    }

    private static boolean isLoopback(String origin) {
        try {
            URI uri = URI.create(origin);
            String host = uri.getHost();
            return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && host != null
                    && (host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]") || host.equals("::1"));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String normalize(String origin) {
        String lower = origin.trim().toLowerCase(Locale.ROOT);
        if (lower.endsWith("/")) {
            lower = lower.substring(0, lower.length() - 1);
        }
        if (lower.startsWith("http://") && lower.endsWith(":80")) {
            return lower.substring(0, lower.length() - 3);
        }
        if (lower.startsWith("https://") && lower.endsWith(":443")) {
            return lower.substring(0, lower.length() - 4);
        }
        return lower;
    }
}
