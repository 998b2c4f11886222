package dev.toolgate.http;

import java.util.Locale;

/**
 * Names of query arguments and cookies as the most lenient servers read them. Servers do not agree on what one
 * name is: ASP.NET Core reads {@code TENANT_ID} as {@code tenant_id}, and PHP registers {@code tenant.id},
 * {@code tenant id} and {@code tenant[id} (its {@code $_GET} and {@code $_COOKIE} alike) as {@code tenant_id}.
 * Two names that fold alike are one to some upstream, whichever the gateway meant.
 */
public final class LenientNames {

    private LenientNames() {
    }

    /**
     * {@code name} in any case and as PHP registers it: leading spaces skipped, {@code .} and space before the
     * first {@code [} as {@code _}, an unmatched {@code [} as {@code _}, whitespace at an index's start skipped.
     */
    public static String folded(String name) {
        String s = name.toLowerCase(Locale.ROOT);
        int from = 0;
        while (from < s.length() && s.charAt(from) == ' ') {
            from++;
        }
        int open = s.indexOf('[', from);
        int plainEnd = open < 0 ? s.length() : open;
        StringBuilder out = new StringBuilder(s.length() - from);
        for (int i = from; i < plainEnd; i++) {
            char c = s.charAt(i);
            out.append(c == '.' || c == ' ' ? '_' : c);
        }
        if (open >= 0 && s.indexOf(']', open) < 0) {
            out.append('_').append(s, open + 1, s.length());
        } else if (open >= 0) {
            for (int i = open; i < s.length(); i++) {
                out.append(s.charAt(i));
                while (s.charAt(i) == '[' && i + 1 < s.length() && Character.isWhitespace(s.charAt(i + 1))) {
                    i++;
                }
            }
        }
        return out.toString();
    }
}
