package dev.toolgate.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What a logger, and those under it, logged while a test ran: attached at a level, then detached and its
 * level restored when closed. Lines come from several event loops at once.
 */
public final class CapturedLog implements AutoCloseable {

    private final Logger logger;
    private final Level previous;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    private CapturedLog(String name, Level level) {
        this.logger = (Logger) LoggerFactory.getLogger(name);
        this.previous = logger.getLevel();
        if (level != null) {
            logger.setLevel(level);
        }
        // a plain ArrayList would lose lines appended at once
        appender.list = Collections.synchronizedList(new ArrayList<>());
        appender.start();
        logger.addAppender(appender);
    }

    /** Captures {@code name}'s lines from {@code level} up. */
    public static CapturedLog of(String name, Level level) {
        return new CapturedLog(name, level);
    }

    /** Captures every line the gateway logs, at the levels it logs. */
    public static CapturedLog everything() {
        return new CapturedLog(org.slf4j.Logger.ROOT_LOGGER_NAME, null);
    }

    /** How many lines so far: a mark for {@link #since}. */
    public int size() {
        return appender.list.size();
    }

    /** The lines logged after the first {@code mark}. */
    public List<ILoggingEvent> since(int mark) {
        synchronized (appender.list) {
            return List.copyOf(appender.list.subList(mark, appender.list.size()));
        }
    }

    /** Every line's message, and the messages of its exception and their causes, one per line. */
    public String text() {
        StringBuilder all = new StringBuilder();
        for (ILoggingEvent e : since(0)) {
            all.append(e.getFormattedMessage()).append('\n');
            for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
                all.append(t.getMessage()).append('\n');
            }
        }
        return all.toString();
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        logger.setLevel(previous);
    }
}
