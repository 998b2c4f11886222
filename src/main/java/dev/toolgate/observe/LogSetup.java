package dev.toolgate.observe;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Logging set up in code: one line per event on stderr (stdout stays clean for commands that print
 * results), through a bounded queue that never makes the logging thread wait, level from {@code TOOLGATE_LOG_LEVEL} (default INFO), quiet libraries. Parsing an XML
 * file cost about half a second of every start. A {@code -Dlogback.configurationFile=...} still wins.
 * <p>
 * Messages carry what clients and upstreams chose (tool names, JSON-RPC ids, error texts): their line
 * breaks and other control characters are escaped ({@link OneLineMessage}), so that no value can forge
 * a log line of its own. So are those of a logged exception's class and messages, which often quote a
 * client's text; its stack frames stay one per line ({@link OneLineExceptionMessages}). Lettuce stays
 * at INFO or above whatever the level: at TRACE its command encoder writes every command, Redis's
 * {@code AUTH} password among them.
 */
public final class LogSetup extends ContextAwareBase implements Configurator {

    /** Log lines waiting for stderr at most; more are dropped rather than waited for. */
    static final int QUEUED_LINES = 8192;

    /** The context this class set up, and the hook that stops it at exit: one per JVM, as logback's own context is. */
    private static volatile LoggerContext configured;
    private static volatile Thread flushAtExit;

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        configure(context, System.getenv("TOOLGATE_LOG_LEVEL"));
        // lines still queued are written before the JVM exits (a start that fails says why, then exits);
        // a running gateway takes this over (stopLast), so that its graceful stop is logged
        configured = context;
        flushAtExit = new Thread(context::stop, "log-flush");
        Runtime.getRuntime().addShutdownHook(flushAtExit);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /**
     * Leaves stopping logging to the caller's shutdown hook, which ends with {@link #stop()}. The JVM runs
     * its hooks all at once: logging stopped by a hook of its own drops every line a graceful stop writes
     * meanwhile (errors of the calls it lets finish, "stopped"). Call it once that hook is registered.
     */
    public static void stopLast() {
        Thread hook = flushAtExit;
        if (hook == null) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException exiting) {
            // the JVM is already exiting: both hooks run, as before
        }
    }

    /** Writes the lines still queued and stops logging (unless a logback file set it up: then its own setup does). */
    public static void stop() {
        LoggerContext context = configured;
        if (context != null) {
            context.stop();
        }
    }

    /** Sets the context up at this level ({@code TOOLGATE_LOG_LEVEL}'s value; INFO when null or unknown). */
    static void configure(LoggerContext context, String level) {
        PatternLayout layout = new PatternLayout();
        layout.setContext(context);
        layout.getInstanceConverterMap().put("safemsg", OneLineMessage::new);
        layout.getInstanceConverterMap().put("safeex", OneLineExceptionMessages::new);
        // %safeex named, or logback would append its own %ex, which writes exception messages as they are
        layout.setPattern("%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level %logger{0} - %safemsg%n%safeex");
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(context);
        encoder.setLayout(layout);
        encoder.start();
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("stderr");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();
        // event loops log (an audit line per ACL decision): they hand lines to a queue and never wait for
        // stderr, which a container's log driver may stop reading; when the queue is full, lines are lost
        AsyncAppender queued = new AsyncAppender();
        queued.setContext(context);
        queued.setName("stderr-queue");
        queued.setQueueSize(QUEUED_LINES);
        queued.setDiscardingThreshold(0);
        queued.setNeverBlock(true);
        queued.addAppender(stderr);
        queued.start();
        var root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(level, Level.INFO));
        root.addAppender(queued);
        for (String noisy : new String[]{"io.netty", "io.vertx", "com.networknt"}) {
            context.getLogger(noisy).setLevel(Level.WARN);
        }
        if (!root.getLevel().isGreaterOrEqual(Level.INFO)) {
            context.getLogger("io.lettuce").setLevel(Level.INFO);
        }
        // swagger-parser logs what it tolerates; Toolgate reports what matters as config problems
        context.getLogger("io.swagger").setLevel(Level.OFF);
        // a pattern past its budget is the caller's invalid argument, answered as such: not an ERROR a client can repeat
        context.getLogger("com.networknt.schema.keyword.PatternValidator").setLevel(Level.OFF);
    }
}
