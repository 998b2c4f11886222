package dev.toolgate.http;

import java.nio.charset.StandardCharsets;

/**
 * A header value the gateway writes from text it did not choose (a token's claim, a consumer's name), as
 * the bytes Kong would send. Vert.x writes each character of a header as one byte and anything past
 * U+00FF as {@code ?}, so "José" would reach the upstream as Latin-1 and "张" as a question mark; Kong
 * sends UTF-8. Control characters other than tab would make the value invalid (or a second header line)
 * and are dropped.
 */
public final class HeaderText {

    private HeaderText() {
    }

    /** {@code value} with its UTF-8 bytes as the characters Vert.x writes one byte each, controls dropped. */
    public static String of(String value) {
        boolean plain = true;
        for (int i = 0; i < value.length() && plain; i++) {
            char c = value.charAt(i);
            plain = c >= 0x20 && c < 0x7f || c == '\t';
        }
        if (plain) {
            return value;
        }
        StringBuilder kept = new StringBuilder(value.length());
        value.codePoints().filter(c -> c == '\t' || c >= 0x20 && c != 0x7f).forEach(kept::appendCodePoint);
        return new String(kept.toString().getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }
}
