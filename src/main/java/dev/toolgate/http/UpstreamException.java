package dev.toolgate.http;

import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.ssl.NotSslRecordException;
import io.vertx.core.http.HttpClosedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLHandshakeException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.util.UUID;
import java.util.concurrent.TimeoutException;

/**
 * Why an upstream exchange failed, in words an operator (and a model) can act on. Messages name the
 * service, never its address, and never quote the underlying exception: those go to the log under an
 * error id the message carries, so a client learns nothing about the network behind the gateway.
 */
public final class UpstreamException extends RuntimeException {

    private static final Logger LOG = LoggerFactory.getLogger(UpstreamException.class);

    /** The kinds of failure; each has its own message and error mapping. */
    public enum Kind { CONNECT, TIMEOUT, TOO_LARGE, BROKEN }

    private final Kind kind;
    private final String detail;
    private final boolean waited;
    /** The status of the answer whose head came before this failure; 0 when none came. */
    private final int headStatus;
    /** When that head came ({@link System#nanoTime()}); -1 when none did. */
    private final long headNanos;

    public UpstreamException(Kind kind, String message) {
        this(kind, message, message, false, 0, -1);
    }

    /** A failure of {@code service}: the message is "service 'x' " followed by {@code detail}. */
    public UpstreamException(Kind kind, String service, String detail) {
        this(kind, "service '" + service + "' " + detail, detail, false, 0, -1);
    }

    private UpstreamException(Kind kind, String message, String detail, boolean waited, int headStatus,
                              long headNanos) {
        super(message, null, false, false);
        this.kind = kind;
        this.detail = detail;
        this.waited = waited;
        this.headStatus = headStatus;
        this.headNanos = headNanos;
    }

    public Kind kind() {
        return kind;
    }

    /**
     * True when the gateway waited on the upstream before this failure: a connection not made within its
     * connect_timeout, or a request that went out on a connection and got no answer's head (timed out, closed,
     * reset). nginx logs that wait as its {@code upstream_response_time} beside its 504 or 502; a connection refused
     * at once, or never tried (a full pool), proxied nothing.
     */
    public boolean waited() {
        return waited;
    }

    /**
     * True when the attempt that failed never had a connection (refused, unknown host, TLS refused): nothing of the
     * request went out on it, whatever an earlier attempt on a stale pooled connection did, so nothing was proxied.
     */
    public boolean unconnected() {
        return kind == Kind.CONNECT;
    }

    /**
     * The status nginx records as its {@code $upstream_status} for this failure: the status of the answer whose
     * head came before it (nginx keeps the status once it read the header, whatever the body then does: too
     * large for the gateway, cut by read_timeout); else the 504 of a timeout, the 502 of any other upstream that
     * gave no answer; 0 for an answer refused as too large before its head was known.
     */
    public int loggedStatus() {
        if (headStatus > 0) {
            return headStatus;
        }
        return switch (kind) {
            case TIMEOUT -> 504;
            case CONNECT, BROKEN -> 502;
            case TOO_LARGE -> 0;
        };
    }

    /**
     * When the answer's head came before this failure ({@link System#nanoTime()}): Kong's proxy latency ends there,
     * its body's failure is the receiving's; -1 when the upstream gave no head.
     */
    public long headNanos() {
        return headNanos;
    }

    /** This failure, as one that ended the wait for the answer's head of a request that went out. */
    UpstreamException whileAwaitingAnswer() {
        return new UpstreamException(kind, getMessage(), detail, true, headStatus, headNanos);
    }

    /** This failure, of an answer whose head came at {@code nanos} with {@code status}: its body failed. */
    UpstreamException afterHead(int status, long nanos) {
        return new UpstreamException(kind, getMessage(), detail, waited, status, nanos);
    }

    /** The message without the service's name, for messages that name it themselves. */
    public String detail() {
        return detail;
    }

    /** Classifies a failure to get a connection to {@code t}: a timeout here is the connect timeout. */
    public static UpstreamException connecting(Throwable failure, UpstreamTarget t) {
        if (isTimeout(failure)) {
            return connectTimeout(t);
        }
        return from(failure, t);
    }

    /** Waiting for a connection of a full pool took longer than the pool wait timeout. */
    public static UpstreamException poolWait(UpstreamTarget t, long waitMs, int poolSize) {
        return new UpstreamException(Kind.TIMEOUT, t.service(), "had no free connection within " + waitMs
                + " ms: all " + poolSize + " pooled connections were busy (--upstream-pool-wait-timeout)");
    }

    /** Classifies a failure of the HTTP client talking to {@code t}. */
    public static UpstreamException from(Throwable failure, UpstreamTarget t) {
        if (failure instanceof UpstreamException known) {
            return known;
        }
        if (failure instanceof ConnectTimeoutException) {
            return connectTimeout(t);
        }
        if (isTimeout(failure)) {
            return readTimeout(t);
        }
        if (failure instanceof ConnectException || failure instanceof UnknownHostException) {
            return new UpstreamException(Kind.CONNECT, t.service(), "unreachable: could not connect" + logged(failure, t));
        }
        if (failure instanceof HttpClosedException) {
            return new UpstreamException(Kind.BROKEN, t.service(), "closed the connection before answering");
        }
        if (unverified(failure)) {
            // the operator's fix (a trusted certificate, or tls_verify: false) differs from a broken exchange's
            return new UpstreamException(Kind.CONNECT, t.service(), "presented a TLS certificate the gateway could not "
                    + "verify (tls_verify)" + logged(failure, t));
        }
        if (handshake(failure)) {
            // no session was agreed, so nothing was sent: the fix is the service's URL or the server's TLS settings
            return new UpstreamException(Kind.CONNECT, t.service(), "failed the TLS handshake (for example no TLS "
                    + "version or cipher suite in common, or its port does not speak TLS)" + logged(failure, t));
        }
        return new UpstreamException(Kind.BROKEN, t.service(), "broke off the exchange" + logged(failure, t));
    }

    /** The upstream was silent for longer than the service's {@code read_timeout}. */
    static UpstreamException readTimeout(UpstreamTarget t) {
        return new UpstreamException(Kind.TIMEOUT, t.service(), "sent nothing for " + t.readTimeoutMs()
                + " ms (read_timeout)");
    }

    private static UpstreamException connectTimeout(UpstreamTarget t) {
        // nginx's upstream_response_time of a connect timeout is the connect wait
        return new UpstreamException(Kind.TIMEOUT, t.service(), "accepted no connection within "
                + t.connectTimeoutMs() + " ms (connect_timeout)").whileAwaitingAnswer();
    }

    /** The upstream's status line is not HTTP: a status outside 100-599. */
    static UpstreamException invalidStatus(UpstreamTarget t, int status) {
        return new UpstreamException(Kind.BROKEN, t.service(), "answered with an invalid status code (" + status + ")");
    }

    /** The upstream sent an interim status (1xx) where the gateway needs its final answer. */
    static UpstreamException interimStatus(UpstreamTarget t, int status) {
        return new UpstreamException(Kind.BROKEN, t.service(), "answered with an interim status (" + status
                + ") the gateway does not support");
    }

    /**
     * The TLS handshake failed because the upstream's certificate (its chain, or the host name it is for)
     * could not be verified: Netty wraps the JDK's handshake failure, whose cause is the certificate's.
     */
    private static boolean unverified(Throwable failure) {
        boolean handshake = false;
        Throwable cause = failure;
        for (int depth = 0; cause != null && depth < 8; depth++, cause = cause.getCause()) {
            handshake |= cause instanceof SSLHandshakeException;
            if (handshake && (cause instanceof CertificateException || cause instanceof CertPathValidatorException
                    || cause instanceof CertPathBuilderException)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The TLS handshake failed for another reason than the certificate: Netty reports every such failure
     * (an alert from the server, an answer that is not TLS at all) as an {@link SSLHandshakeException}.
     */
    private static boolean handshake(Throwable failure) {
        Throwable cause = failure;
        for (int depth = 0; cause != null && depth < 8; depth++, cause = cause.getCause()) {
            if (cause instanceof SSLHandshakeException || cause instanceof NotSslRecordException) {
                return true;
            }
        }
        return false;
    }

    private static boolean isTimeout(Throwable failure) {
        return failure instanceof TimeoutException || failure instanceof ConnectTimeoutException
                || failure.getClass().getSimpleName().contains("Timeout");
    }

    /** Logs what happened, with the address, under a new error id; returns the id for the message. */
    private static String logged(Throwable failure, UpstreamTarget t) {
        String errorId = UUID.randomUUID().toString();
        // the deepest cause too: Netty's "Failed to create SSL connection" hides which certificate check failed
        Throwable root = failure;
        for (int depth = 0; root.getCause() != null && root.getCause() != root && depth < 8; depth++) {
            root = root.getCause();
        }
        LOG.warn("upstream exchange with service '{}' at {}:{} failed (error id {}): {}{}", t.service(), t.host(), t.port(),
                errorId, failure.toString(), root == failure ? "" : " (cause: " + root + ")");
        return " (error id " + errorId + ")";
    }
}
