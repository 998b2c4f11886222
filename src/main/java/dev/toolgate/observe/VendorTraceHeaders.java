package dev.toolgate.observe;

import io.vertx.core.MultiMap;

import java.util.Locale;
import java.util.function.Function;

/**
 * AWS X-Ray's {@code x-amzn-trace-id}, Google Cloud's {@code x-cloud-trace-context}, Datadog's {@code x-datadog-*} and Instana's
 * {@code x-instana-*} trace headers. Each is a line of text around the same three facts (trace id,
 * parent span id, sampled); ids become W3C's lower-case hex on the way in, and each vendor's form on the
 * way out. Malformed or all-zero ids read as absent (a new trace starts).
 */
final class VendorTraceHeaders {

    private VendorTraceHeaders() {
    }

    /**
     * {@code Root=1-EPOCH-RANDOM;Parent=SPAN;Sampled=1}: the root's 8 and 24 hex digits make the 32 of a
     * W3C trace id; fields in any order, others ({@code Lineage}...) ignored; no {@code Sampled}: sampled.
     */
    static Traceparent aws(String value) {
        if (value == null) {
            return null;
        }
        String root = null;
        String parent = null;
        boolean sampled = true;
        for (String field : value.split(";")) {
            int eq = field.indexOf('=');
            String name = eq < 0 ? field.trim() : field.substring(0, eq).trim();
            String v = eq < 0 ? "" : field.substring(eq + 1).trim();
            switch (name) {
                case "Root" -> root = v.length() == 35 && v.startsWith("1-") && v.charAt(10) == '-'
                        ? v.substring(2, 10) + v.substring(11) : null;
                case "Parent" -> parent = hex(v, 16);
                case "Sampled" -> sampled = !v.equals("0");
                default -> {
                }
            }
        }
        return root == null ? null : valid(hex(root, 32), parent, sampled);
    }

    static void injectAws(TraceIds ids, MultiMap headers) {
        headers.set("x-amzn-trace-id", "Root=1-" + ids.traceId().substring(0, 8) + "-" + ids.traceId().substring(8)
                + ";Parent=" + ids.upstreamSpanId() + ";Sampled=" + (ids.sampled() ? 1 : 0));
    }

    /** {@code TRACE_ID/SPAN_ID;o=1}: a 32-digit hex trace id, a decimal span id, {@code o=1} when sampled. */
    static Traceparent gcp(String value) {
        if (value == null) {
            return null;
        }
        int slash = value.indexOf('/');
        if (slash < 0) {
            return null;
        }
        int semicolon = value.indexOf(';', slash);
        String span = value.substring(slash + 1, semicolon < 0 ? value.length() : semicolon).trim();
        boolean sampled = semicolon < 0 || !value.substring(semicolon + 1).trim().equals("o=0");
        return valid(hex(value.substring(0, slash).trim(), 32), decimalAsHex(span), sampled);
    }

    static void injectGcp(TraceIds ids, MultiMap headers) {
        headers.set("x-cloud-trace-context", ids.traceId() + "/"
                + Long.toUnsignedString(ids.upstreamSpan()) + ";o=" + (ids.sampled() ? 1 : 0));
    }

    /**
     * Decimal 64-bit ids; the trace id's upper 64 bits, when the client has them, in
     * {@code x-datadog-tags}' {@code _dd.p.tid}. A priority above 0 is sampled; none leaves it sampled.
     */
    static Traceparent datadog(Function<String, String> header) {
        String trace = header.apply("x-datadog-trace-id");
        if (trace == null) {
            return null;
        }
        String low = decimalAsHex(trace.trim());
        String high = tid(header.apply("x-datadog-tags"));
        String priority = header.apply("x-datadog-sampling-priority");
        boolean sampled;
        try {
            sampled = priority == null || Integer.parseInt(priority.trim()) > 0;
        } catch (NumberFormatException e) {
            sampled = true;
        }
        String parent = header.apply("x-datadog-parent-id");
        return low == null ? null : valid((high != null ? high : "0".repeat(16)) + low,
                parent == null ? null : decimalAsHex(parent.trim()), sampled);
    }

    static void injectDatadog(TraceIds ids, MultiMap headers) {
        headers.set("x-datadog-trace-id", Long.toUnsignedString(ids.traceLow()));
        headers.set("x-datadog-parent-id", Long.toUnsignedString(ids.upstreamSpan()));
        headers.set("x-datadog-sampling-priority", ids.sampled() ? "1" : "0");
        if (!headers.contains("x-datadog-tags") && ids.traceHigh() != 0) {
            headers.set("x-datadog-tags", "_dd.p.tid=" + TraceIds.hex(ids.traceHigh()));
        }
    }

    /** Hex ids (a trace id of 16 or 32 digits), and a level whose first digit is 1 when sampled. */
    static Traceparent instana(Function<String, String> header) {
        String trace = header.apply("x-instana-t");
        String span = trace == null ? null : header.apply("x-instana-s");
        if (span == null) {
            return null;
        }
        String level = header.apply("x-instana-l");
        return valid(hex(padded(trace.trim(), 32), 32), hex(padded(span.trim(), 16), 16),
                level == null || !level.trim().startsWith("0"));
    }

    static void injectInstana(TraceIds ids, MultiMap headers) {
        headers.set("x-instana-t", ids.traceId());
        headers.set("x-instana-s", ids.upstreamSpanId());
        headers.set("x-instana-l", ids.sampled() ? "1" : "0");
    }

    private static Traceparent valid(String traceId, String spanId, boolean sampled) {
        if (traceId == null || spanId == null || Traceparent.zero(traceId) || Traceparent.zero(spanId)) {
            return null;
        }
        return new Traceparent(traceId, spanId, sampled);
    }

    /** The text as lower-case hex of exactly {@code digits} digits, or null. */
    private static String hex(String text, int digits) {
        String lower = text.toLowerCase(Locale.ROOT);
        return lower.length() == digits && Traceparent.hex(lower, 0, digits) ? lower : null;
    }

    private static String padded(String text, int digits) {
        return text.length() >= digits ? text : "0".repeat(digits - text.length()) + text;
    }

    /** An unsigned 64-bit decimal as 16 hex digits, or null. */
    private static String decimalAsHex(String decimal) {
        if (decimal.isEmpty() || decimal.length() > 20 || !decimal.chars().allMatch(Character::isDigit)) {
            return null;
        }
        try {
            return TraceIds.hex(Long.parseUnsignedLong(decimal));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The {@code _dd.p.tid} tag's 16 hex digits, or null. */
    private static String tid(String tags) {
        if (tags == null) {
            return null;
        }
        for (String tag : tags.split(",")) {
            String t = tag.trim();
            if (t.startsWith("_dd.p.tid=")) {
                return hex(t.substring("_dd.p.tid=".length()), 16);
            }
        }
        return null;
    }
}
