package dev.toolgate.observe;

import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import dev.toolgate.config.Redacted;

import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A logged exception's stack trace, each throwable's class and message on its one line ("Caused
 * by: ...", "Suppressed: ..." included): their line breaks and other control characters escaped as
 * {@link OneLineMessage} escapes a message. Exception messages quote what clients sent (a parse
 * error cites the text it could not read), and logback writes them as they are after the log line,
 * where a line break would start a line that looks like the gateway's own. The stack frames stay
 * one per line, indented with a tab, as operators and log shippers expect of a Java stack trace; each
 * frame's text is escaped the same way, since the names in it are not always written by hand (a
 * generated, hidden or lambda class, a module name). The query of a URI quoted in a message is masked.
 */
public final class OneLineExceptionMessages extends ThrowableProxyConverter {

    @Override
    protected String throwableProxyToString(IThrowableProxy thrown) {
        return super.throwableProxyToString(new Escaped(thrown));
    }

    /**
     * A query in a URI: a {@code ?} right after a path or host character, up to the next space (not a quote:
     * the client may have written one into its query, and what follows it would be shown).
     */
    private static final Pattern QUERY = Pattern.compile("(?<=[\\w/.%~-])\\?\\S+");

    /**
     * The message with the query of every URI it quotes masked. A library's message quotes the request's URI
     * whole (Netty's "unterminated escape sequence at index 9 of: /mcp?apikey=..."), and a client's query may
     * hold its credential (key-auth's key_in_query, jwt's uri_param_names); the log has no route to tell which.
     */
    static String withoutQueries(String message) {
        return message == null || message.indexOf('?') < 0 ? message
                : QUERY.matcher(message).replaceAll(Matcher.quoteReplacement("?" + Redacted.MASK));
    }

    /** The throwable as logback read it, with what it says of itself escaped; causes and suppressed ones too. */
    private record Escaped(IThrowableProxy thrown) implements IThrowableProxy {

        @Override
        public String getMessage() {
            return OneLineMessage.escaped(withoutQueries(thrown.getMessage()));
        }

        // a throwable overriding toString is written with it instead of class and message
        @Override
        public String getOverridingMessage() {
            return OneLineMessage.escaped(withoutQueries(thrown.getOverridingMessage()));
        }

        @Override
        public String getClassName() {
            return OneLineMessage.escaped(thrown.getClassName());
        }

        @Override
        public StackTraceElementProxy[] getStackTraceElementProxyArray() {
            StackTraceElementProxy[] frames = thrown.getStackTraceElementProxyArray();
            return frames == null ? null : Arrays.stream(frames).map(Escaped::frame).toArray(StackTraceElementProxy[]::new);
        }

        /** The frame written as the JDK writes it ("at loader/module/class.method(file:line)"), escaped. */
        private static StackTraceElementProxy frame(StackTraceElementProxy frame) {
            String text = frame.getSTEAsString();
            String escaped = OneLineMessage.escaped(text);
            // the same string back when there was nothing to escape: the usual frame is kept as it is
            if (escaped == text) {
                return frame;
            }
            StackTraceElementProxy written = new StackTraceElementProxy(frame.getStackTraceElement()) {
                @Override
                public String getSTEAsString() {
                    return escaped;
                }

                @Override
                public String toString() {
                    return escaped;
                }
            };
            written.setClassPackagingData(frame.getClassPackagingData());
            return written;
        }

        @Override
        public int getCommonFrames() {
            return thrown.getCommonFrames();
        }

        @Override
        public IThrowableProxy getCause() {
            return thrown.getCause() == null ? null : new Escaped(thrown.getCause());
        }

        @Override
        public IThrowableProxy[] getSuppressed() {
            IThrowableProxy[] suppressed = thrown.getSuppressed();
            return suppressed == null ? null : Arrays.stream(suppressed).map(Escaped::new).toArray(IThrowableProxy[]::new);
        }

        @Override
        public boolean isCyclic() {
            return thrown.isCyclic();
        }
    }
}
