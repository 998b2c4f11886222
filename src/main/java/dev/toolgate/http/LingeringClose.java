package dev.toolgate.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DuplexChannel;

import java.util.concurrent.TimeUnit;

/**
 * Answered while the client still sends a body the gateway will not read (a 413): closing now would
 * answer the bytes still coming with a TCP reset, and a client that reads its answer only once it has
 * sent all (curl, Node's fetch) would see the reset, not the 413. So, as nginx's lingering close does, the
 * answer is written, the connection's sending side shut, and what the client still sends is read and
 * dropped, unparsed, until it closes, is quiet for {@link #LINGER_QUIET_MS}, or {@link #LINGER_MS} pass.
 *
 * <p>Apart from {@link Http1Guard} because it is a close of its own, with its own bounds, in the guard's
 * {@code LINGERING} state; the guard hands it what it reads in that state. Runs on the connection's event loop.
 */
final class LingeringClose {

    /** How long a closing connection waits for more of a body it will not read (nginx's {@code lingering_timeout}). */
    static final long LINGER_QUIET_MS = 5_000;
    /** The longest it waits in all (nginx's {@code lingering_time}). */
    static final long LINGER_MS = 30_000;

    private final Http1Guard guard;
    /** When lingering must end at the latest ({@link System#nanoTime}). */
    private long lingerUntil;
    /** While lingering: the answer is written whole; the body it answered has ended (no byte left unread). */
    private boolean answerWritten;
    private boolean bodyEnded;

    LingeringClose(Http1Guard guard) {
        this.guard = guard;
    }

    /** Writes the answer's last part, then shuts the sending side; the guard is in its lingering state. */
    void start(ChannelHandlerContext ctx, Object last, ChannelPromise promise) {
        answerWritten = false;
        bodyEnded = false;
        lingerUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LINGER_MS);
        lingerOn();
        ctx.writeAndFlush(last, promise.unvoid()).addListener(written -> {
            answerWritten = true;
            if (!written.isSuccess() || !(ctx.channel() instanceof DuplexChannel duplex)) {
                guard.closeNow();
            } else if (!closeIfLingered()) {
                duplex.shutdownOutput();
            }
        });
    }

    /** The body the answer was given before has ended: nothing of it is left to read. */
    void bodyEnded() {
        bodyEnded = true;
        closeIfLingered();
    }

    /** Some of the dropped body arrived: the quiet bound starts again, within the whole one. */
    void lingerOn() {
        long quietEnd = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LINGER_QUIET_MS);
        guard.deadline.until(quietEnd - lingerUntil < 0 ? quietEnd : lingerUntil);
        guard.deadline.watch();
    }

    /** Closes once the answer is written and nothing of the body is left to read; says whether it did. */
    private boolean closeIfLingered() {
        if (!guard.lingering() || !answerWritten || !bodyEnded) {
            return false;
        }
        guard.closeNow();
        return true;
    }
}
