package dev.toolgate.http;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The query string a proxied request takes upstream: the client's, minus the credentials the gateway
 * consumed. Credentials are read here too ({@link #values}), with the same rules as they are removed
 * ({@code &}-separated, names exact after percent-decoding, as Kong reads them), so that whatever
 * authenticated a request cannot also travel upstream under a spelling only one side understood.
 */
public final class UpstreamQuery {

    private UpstreamQuery() {
    }

    /**
     * The percent-decoded values of the arguments named exactly {@code name}, in order ({@code ""}
     * for an argument without {@code =}). Unlike the framework's parameter map, names are
     * case-sensitive and {@code ;} separates nothing.
     */
    public static List<String> values(String rawQuery, String name) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return List.of();
        }
        List<String> values = new ArrayList<>(1);
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            if (decode(eq < 0 ? pair : pair.substring(0, eq)).equals(name)) {
                values.add(eq < 0 ? "" : decode(pair.substring(eq + 1)));
            }
        }
        return values;
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

    /** A raw query (or form body) as decoded name/value pairs, in order; empty for null. */
    public static List<Map.Entry<String, String>> decode(String rawQuery, boolean plusIsSpace) {
        List<Map.Entry<String, String>> pairs = new ArrayList<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return pairs;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            pairs.add(new AbstractMap.SimpleEntry<>(unescape(name, plusIsSpace), unescape(value, plusIsSpace)));
        }
        return pairs;
    }

    /** Pairs encoded as a query (or form body), every reserved character percent-encoded; null when empty. */
    public static String encode(List<Map.Entry<String, String>> pairs) {
        if (pairs.isEmpty()) {
            return null;
        }
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, String> pair : pairs) {
            if (!out.isEmpty()) {
                out.append('&');
            }
            out.append(escape(pair.getKey())).append('=').append(escape(pair.getValue()));
        }
        return out.toString();
    }

    private static String escape(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String unescape(String text, boolean plusIsSpace) {
        try {
            return URLDecoder.decode(plusIsSpace ? text : text.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return text;
        }
    }

    private static String decode(String name) {
        try {
            return URLDecoder.decode(name, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return name;
        }
    }
}
