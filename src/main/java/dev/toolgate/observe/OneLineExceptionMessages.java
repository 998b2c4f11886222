package dev.toolgate.observe;

import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;

import java.util.Arrays;

/**
 * A logged exception's stack trace, each throwable's class and message on its one line ("Caused
 * by: ...", "Suppressed: ..." included): their line breaks and other control characters escaped as
 * {@link OneLineMessage} escapes a message. Exception messages quote what clients sent (a parse
 * error cites the text it could not read), and logback writes them as they are after the log line,
 * where a line break would start a line that looks like the gateway's own. The stack frames stay
 * one per line, indented with a tab, as operators and log shippers expect of a Java stack trace.
 */
public final class OneLineExceptionMessages extends ThrowableProxyConverter {

    @Override
    protected String throwableProxyToString(IThrowableProxy thrown) {
        return super.throwableProxyToString(new Escaped(thrown));
    }

    /** The throwable as logback read it, with what it says of itself escaped; causes and suppressed ones too. */
    private record Escaped(IThrowableProxy thrown) implements IThrowableProxy {

        @Override
        public String getMessage() {
            return OneLineMessage.escaped(thrown.getMessage());
        }

        // a throwable overriding toString is written with it instead of class and message
        @Override
        public String getOverridingMessage() {
            return OneLineMessage.escaped(thrown.getOverridingMessage());
        }

        @Override
        public String getClassName() {
            return OneLineMessage.escaped(thrown.getClassName());
        }

        @Override
        public StackTraceElementProxy[] getStackTraceElementProxyArray() {
            return thrown.getStackTraceElementProxyArray();
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
