package dev.toolgate.mode.conversion;

import java.nio.charset.StandardCharsets;

/**
 * RFC 3986 percent-encoding of argument values: everything but the unreserved characters
 * {@code A-Z a-z 0-9 - . _ ~} is encoded, so {@code /}, {@code ?}, {@code #}, {@code &} and {@code =}
 * in a value stay inside the value. Half a UTF-16 surrogate pair (a JSON {@code "\\uD800"} alone) is
 * refused: it has no UTF-8 form.
 */
final class PercentEncoding {

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private PercentEncoding() {
    }

    static String encode(String value) {
        StringBuilder out = null;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (isUnreserved(c)) {
                if (out != null) {
                    out.append(c);
                }
                continue;
            }
            if (out == null) {
                out = new StringBuilder(value.length() + 16).append(value, 0, i);
            }
            int end = Character.isHighSurrogate(c) && i + 1 < value.length()
                    && Character.isLowSurrogate(value.charAt(i + 1)) ? i + 2 : i + 1;
            if (Character.isSurrogate(c) && end == i + 1) {
                // UTF-8 has no form for half a pair: Java would send '?' in its place
                throw new RequestEncoder.Rejection(String.format("a value holds an unpaired UTF-16 surrogate (\\u%04X); "
                        + "send whole characters", (int) c));
            }
            for (byte b : value.substring(i, end).getBytes(StandardCharsets.UTF_8)) {
                out.append('%').append(HEX[(b >> 4) & 0xF]).append(HEX[b & 0xF]);
            }
            i = end - 1;
        }
        return out == null ? value : out.toString();
    }

    private static boolean isUnreserved(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                || c == '-' || c == '.' || c == '_' || c == '~';
    }
}
