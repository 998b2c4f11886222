package dev.toolgate.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;

/**
 * Which request of an HTTP/1.x connection the answer being written belongs to: answers go out in the order
 * requests came, requests sent together (pipelined) are read before the first is answered, and an
 * {@code Expect: 100-continue} request answered before its body was asked for gets {@code Connection: close}.
 * Apart from {@link Http1Guard}'s states because it counts across them; the guard asks it whether the
 * connection is idle and whether it closes once the answer is written. Runs on the connection's event loop.
 */
final class AnswerOrder {

    private boolean requestDone;
    /**
     * Request heads read and final answers written whole. Counted, not flagged: requests sent together
     * (pipelined) are read before the first is answered, and the connection is idle only once the last one is.
     */
    private long requests;
    private long answers;
    /** A final answer is being written; reset once it is whole. */
    private boolean responseStarted;
    private boolean closeAfterResponse;
    /**
     * The number (in {@link #requests}) of the newest request if it sent {@code Expect: 100-continue} and no 100
     * (Continue) has answered it yet, else 0. A number, not a flag: with requests pipelined, the answer or the 100
     * being written may belong to an earlier request than the newest head read, and must not spend its state.
     */
    private long awaitingContinue;

    /** A request head was read (and passed the framing checks). */
    void headRead(HttpRequest request) {
        requestDone = false;
        requests++;
        awaitingContinue = HttpUtil.is100ContinueExpected(request) ? requests : 0;
    }

    /** The newest request's body ended (its last content was read). */
    void requestEnded() {
        requestDone = true;
    }

    boolean requestDone() {
        return requestDone;
    }

    /** Notes what is about to be written: a 100 (Continue) or the head of a final answer. */
    void writing(Object msg) {
        // answers go out in the order requests came: this one answers request answers + 1
        boolean newest = awaitingContinue == answers + 1;
        if (msg instanceof HttpResponse response && response.status().code() == 100 && newest) {
            awaitingContinue = 0;
        }
        if (msg instanceof HttpResponse response && response.status().code() >= 200) {
            responseStarted = true;
            if (newest && !requestDone) {
                // answered before the body was asked for: the client need not send it (RFC 9110 §10.1.1),
                // and the next bytes, another request perhaps, must not be read as that body
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            }
            closeAfterResponse |= response.headers().containsValue(HttpHeaderNames.CONNECTION, "close", true);
        }
    }

    /** A final answer is being written. */
    boolean answering() {
        return responseStarted;
    }

    /** An answer written said {@code Connection: close}: the connection closes once it is whole. */
    boolean closeAfterResponse() {
        return closeAfterResponse;
    }

    /** The final answer being written is whole. */
    void answered() {
        answers++;
        responseStarted = false;
    }

    /** Every request read has its final answer written whole. */
    boolean caughtUp() {
        return answers == requests;
    }
}
