package dev.toolgate.policy.requesttransformer;

import java.nio.charset.StandardCharsets;

/**
 * The path {@code replace.uri} renders, made sendable as Kong's {@code kong.service.request.set_path}
 * makes it: what may not stand in a request target (a space, a line break or other control character,
 * anything outside ASCII) is percent-encoded, UTF-8 byte by byte. A template can put the client's own
 * text there ({@code $(query_params.folder)}, decoded): sent raw, a line break would end the request line
 * and write headers of the client's choosing on a pooled upstream connection. Unlike Kong, {@code ?} and
 * {@code #} are encoded too: {@code replace.uri} sets the path, and the query goes after it, so a
 * {@code ?} in the value must not become the start of the upstream's query (nor {@code #} a fragment).
 */
final class ServicePath {

    /** Besides ASCII letters and digits, what stays as written (Kong's set, less {@code ?} and {@code #}). */
    private static final String KEPT = "!$&'()*+,/:;=@[]-_.~%";
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private ServicePath() {
    }

    static String of(String rendered) {
        StringBuilder out = null;
        for (int i = 0; i < rendered.length(); i++) {
            char c = rendered.charAt(i);
            if (kept(c)) {
                if (out != null) {
                    out.append(c);
                }
                continue;
            }
            if (out == null) {
                out = new StringBuilder(rendered.length() + 16).append(rendered, 0, i);
            }
            int end = Character.isHighSurrogate(c) && i + 1 < rendered.length()
                    && Character.isLowSurrogate(rendered.charAt(i + 1)) ? i + 2 : i + 1;
            for (byte b : rendered.substring(i, end).getBytes(StandardCharsets.UTF_8)) {
                out.append('%').append(HEX[(b >> 4) & 0xF]).append(HEX[b & 0xF]);
            }
            i = end - 1;
        }
        return out == null ? rendered : out.toString();
    }

    private static boolean kept(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || KEPT.indexOf(c) >= 0;
    }
}
