package dev.toolgate.mcp;

import java.util.List;
import java.util.Locale;

/** Small, allocation-light checks on {@code Accept} and {@code Content-Type} header values. */
public final class MediaTypes {

    public static final String JSON = "application/json";
    public static final String EVENT_STREAM = "text/event-stream";

    private MediaTypes() {
    }

    /** True when a {@code Content-Type} header value is an SSE stream's, whatever its parameters and case. */
    public static boolean isEventStream(String contentType) {
        return contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith(EVENT_STREAM);
    }

    /**
     * All lines of a list header ({@code Accept}, {@code Accept-Encoding}) as the one comma-separated value
     * they mean (RFC 9110 §5.3), or null when there is none: a client may send {@code Accept: application/json}
     * and {@code Accept: text/event-stream} as two lines, and reading only the first would refuse it.
     */
    public static String joined(List<String> lines) {
        return lines.isEmpty() ? null : lines.size() == 1 ? lines.getFirst() : String.join(", ", lines);
    }

    /**
     * True when an {@code Accept} header admits {@code type} ("type/subtype"). As RFC 9110 says, the
     * most specific range that matches decides ({@code type/subtype} over {@code type/*} over
     * {@code *}{@code /*}), and a range with {@code q=0} refuses. A missing header admits nothing,
     * because streamable HTTP requires clients to send it.
     */
    public static boolean accepts(String acceptHeader, String type) {
        if (acceptHeader == null) {
            return false;
        }
        String wanted = type.toLowerCase(Locale.ROOT);
        String wantedMajor = wanted.substring(0, wanted.indexOf('/'));
        int bestSpecificity = -1;
        boolean admitted = false;
        for (String range : acceptHeader.split(",")) {
            String[] parts = range.split(";");
            String media = parts[0].trim().toLowerCase(Locale.ROOT);
            int specificity = media.equals(wanted) ? 2 : media.equals(wantedMajor + "/*") ? 1 : media.equals("*/*") ? 0 : -1;
            if (specificity > bestSpecificity) {
                bestSpecificity = specificity;
                admitted = !isExcluded(parts);
            }
        }
        return admitted;
    }

    /**
     * True when an {@code Accept-Encoding} header admits gzip: a {@code gzip} (or {@code x-gzip}) or
     * {@code *} coding without {@code q=0}, the named coding deciding over the wildcard (RFC 9110 §12.5.3).
     */
    public static boolean acceptsGzip(String acceptEncoding) {
        if (acceptEncoding == null) {
            return false;
        }
        Boolean named = null;
        boolean wildcard = false;
        for (String coding : acceptEncoding.split(",")) {
            String[] parts = coding.split(";");
            String name = parts[0].trim().toLowerCase(Locale.ROOT);
            if (name.equals("gzip") || name.equals("x-gzip")) {
                named = !isExcluded(parts);
            } else if (name.equals("*")) {
                wildcard = !isExcluded(parts);
            }
        }
        return named != null ? named : wildcard;
    }

    /** True when a {@code Content-Type} value names {@code type}, ignoring parameters such as charset. */
    public static boolean is(String contentType, String type) {
        if (contentType == null) {
            return false;
        }
        int semicolon = contentType.indexOf(';');
        String media = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim();
        return media.equalsIgnoreCase(type);
    }

    /** True for {@code application/json} and any {@code +json} structured syntax suffix. */
    public static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semicolon = contentType.indexOf(';');
        String media = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
        return media.equals(JSON) || media.endsWith("+json");
    }

    private static boolean isExcluded(String[] parameters) {
        for (int i = 1; i < parameters.length; i++) {
            String p = parameters[i].trim();
            if (p.startsWith("q=") || p.startsWith("Q=")) {
                try {
                    return Double.parseDouble(p.substring(2).trim()) <= 0.0;
                } catch (NumberFormatException e) {
                    return false;
                }
            }
        }
        return false;
    }
}
