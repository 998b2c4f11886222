package dev.toolgate.http;

import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.http.HttpClosedException;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.concurrent.TimeoutException;

/** Why an upstream exchange failed, in words an operator (and a model) can act on. */
public final class UpstreamException extends RuntimeException {

    /** The kinds of failure; each has its own message and error mapping. */
    public enum Kind { CONNECT, TIMEOUT, TOO_LARGE, BROKEN }

    private final Kind kind;

    public UpstreamException(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    /** Classifies a failure to get a connection to {@code t}: a timeout here is the connect timeout. */
    public static UpstreamException connecting(Throwable failure, UpstreamTarget t) {
        if (failure instanceof TimeoutException || failure instanceof ConnectTimeoutException
                || failure.getClass().getSimpleName().contains("Timeout")) {
            return new UpstreamException(Kind.TIMEOUT, "could not connect to " + (t.tls() ? "https://" : "http://")
                    + t.host() + ":" + t.port() + " within " + t.connectTimeoutMs() + " ms (service connect_timeout)");
        }
        return from(failure, t);
    }

    /** Classifies a failure of the HTTP client talking to {@code t}. */
    public static UpstreamException from(Throwable failure, UpstreamTarget t) {
        if (failure instanceof UpstreamException known) {
            return known;
        }
        String where = (t.tls() ? "https://" : "http://") + t.host() + ":" + t.port();
        if (failure instanceof ConnectTimeoutException) {
            return new UpstreamException(Kind.TIMEOUT, "could not connect to " + where + " within "
                    + t.connectTimeoutMs() + " ms (service connect_timeout)");
        }
        if (failure instanceof TimeoutException || failure.getClass().getSimpleName().contains("Timeout")) {
            return new UpstreamException(Kind.TIMEOUT, where + " sent nothing for " + t.readTimeoutMs()
                    + " ms (service read_timeout)");
        }
        if (failure instanceof ConnectException || failure instanceof UnknownHostException) {
            return new UpstreamException(Kind.CONNECT, "could not connect to " + where + ": " + failure.getMessage());
        }
        if (failure instanceof HttpClosedException) {
            return new UpstreamException(Kind.BROKEN, where + " closed the connection before answering");
        }
        String detail = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
        return new UpstreamException(Kind.BROKEN, "exchange with " + where + " failed: " + detail);
    }
}
