package dev.toolgate.observe;

/**
 * A W3C {@code traceparent} value, read strictly (version 00 layout, and nothing after it in version 00; an
 * all-zero id is invalid).
 *
 * @see <a href="https://www.w3.org/TR/trace-context/#traceparent-header">W3C Trace Context</a>
 */
record Traceparent(String traceId, String spanId, boolean sampled) {

    /** The parsed value, or null when it is absent or malformed (a new trace then starts). */
    static Traceparent parse(String value) {
        if (value == null) {
            return null;
        }
        String v = value.trim();
        if (v.length() < 55 || v.charAt(2) != '-' || v.charAt(35) != '-' || v.charAt(52) != '-'
                || v.length() > 55 && (v.charAt(55) != '-' || v.startsWith("00")) || v.startsWith("ff")) {
            // version 00 is exactly 55 characters; only a later version may add fields after a dash
            return null;
        }
        String traceId = v.substring(3, 35);
        String spanId = v.substring(36, 52);
        if (!hex(v, 0, 2) || !hex(traceId, 0, 32) || !hex(spanId, 0, 16) || !hex(v, 53, 55)
                || zero(traceId) || zero(spanId)) {
            return null;
        }
        return new Traceparent(traceId, spanId, (Character.digit(v.charAt(54), 16) & 1) == 1);
    }

    /** True when the characters from {@code from} to {@code to} are lower-case hex digits. */
    static boolean hex(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    /** True when every character is {@code 0} (an invalid id in every format). */
    static boolean zero(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) != '0') {
                return false;
            }
        }
        return true;
    }
}
