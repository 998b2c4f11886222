package dev.toolgate.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/** The query string a proxied request takes upstream: the client's, minus the credentials the gateway consumed. */
public final class UpstreamQuery {

    private UpstreamQuery() {
    }

    /**
     * The raw query without the arguments named in {@code consumed} (compared after percent-decoding,
     * so {@code api%6Bey} is the key {@code apikey} too); null when nothing is left.
     */
    public static String without(String rawQuery, Set<String> consumed) {
        if (rawQuery == null || consumed.isEmpty()) {
            return rawQuery;
        }
        StringBuilder kept = new StringBuilder(rawQuery.length());
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            if (!consumed.contains(decode(name))) {
                if (!kept.isEmpty()) {
                    kept.append('&');
                }
                kept.append(pair);
            }
        }
        return kept.isEmpty() ? null : kept.toString();
    }

    private static String decode(String name) {
        try {
            return URLDecoder.decode(name, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return name;
        }
    }
}
