package dev.toolgate.observe;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * A log event's message on one line: line breaks and other control characters (tab aside) written
 * as the escapes a JSON string would use (a line feed as backslash and {@code n}). Messages quote
 * what clients and upstreams sent, and a line break in a tool name must not start a log line that
 * looks like the gateway's own.
 */
public final class OneLineMessage extends MessageConverter {

    @Override
    public String convert(ILoggingEvent event) {
        return escaped(super.convert(event));
    }

    static String escaped(String message) {
        if (message == null) {
            return null;
        }
        int i = 0;
        while (i < message.length() && !control(message.charAt(i))) {
            i++;
        }
        if (i == message.length()) {
            return message;
        }
        StringBuilder out = new StringBuilder(message.length() + 16).append(message, 0, i);
        for (; i < message.length(); i++) {
            char c = message.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                default -> {
                    if (control(c)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    private static boolean control(char c) {
        return c < 0x20 && c != '\t' || c == 0x7f || c == '\u2028' || c == '\u2029' || c == '\u0085';
    }
}
