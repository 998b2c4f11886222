package dev.toolgate.mode.passthrough;

import dev.toolgate.error.GatewayError;
import dev.toolgate.error.GatewayException;
import dev.toolgate.pipeline.Exchange;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerResponse;

import java.util.function.Consumer;
import java.util.function.Function;

/**
 * What becomes of a session a server opens for an identified caller on a route that binds sessions
 * ({@link BoundSessions}): a successful answer reaches the client under an id the route's store issues for
 * the server's; an answer whose session cannot be kept (an error's, or one the store refuses after a call the
 * server ran) reaches it without the id, and the server's session is ended once the answer is over, since
 * nobody else could end it.
 */
final class IssuedSessions {

    private final BoundSessions bound;
    private final Function<Exchange, UpstreamLink> links;

    /** @param links the upstream link of an exchange (path, headers and transformers as for forwarding) */
    IssuedSessions(BoundSessions bound, Function<Exchange, UpstreamLink> links) {
        this.bound = bound;
        this.links = links;
    }

    /**
     * Relays {@code upstream}, the answer that named the new session {@code opened}. A successful one waits
     * while the store is asked for an id; when it cannot issue one, the answer to a lone {@code initialize}
     * becomes the gateway's error ({@code refused} is told) and the server's session is ended at once. The
     * answer may come paused; it flows once relayed.
     *
     * @param relayed relays the answer with the given rewrite of its headers
     * @param closed  completes when the client's connection or stream closes
     */
    void relay(Exchange exchange, Buffer received, String opened, HttpClientResponse upstream,
               Relay.HeaderRewrite answerHeaders, Consumer<Relay.HeaderRewrite> relayed, Runnable refused,
               Future<Void> closed) {
        if (!BoundSessions.bindable(upstream)) {
            endedAfterAnswer(exchange, received, opened, closed); // an error's: binding each would let errors fill the store
            relayed.accept(BoundSessions.withoutId(answerHeaders));
            upstream.resume();
            return;
        }
        upstream.pause();
        bound.issue(exchange, received, opened).onComplete(issued -> {
            HttpServerResponse response = exchange.request().response();
            boolean gone = response.ended() || response.closed(); // the client left, or the read timeout answered
            if (issued.failed() && !gone && !BoundSessions.onlyInitialize(received)) {
                // the server ran more than an initialize (a call, say): its answer goes to the client, whom an error
                // would have run it again, without the session it cannot go on in
                endedAfterAnswer(exchange, received, opened, closed);
                relayed.accept(BoundSessions.withoutId(answerHeaders));
                upstream.resume();
                return;
            }
            if (issued.failed() || gone) {
                if (issued.succeeded()) {
                    bound.forget(issued.result());
                }
                refused.run();
                // the reset is the gateway's own, and the refusal is told already: unhandled, Vert.x would log the
                // answer's reset as an ERROR with a stack trace, one a client could cause at will
                upstream.exceptionHandler(ignored -> { });
                upstream.request().reset();
                // best effort, with the version the client asked for (the answer naming the one agreed is unread):
                // else the server keeps the session until its own timeout
                links.apply(exchange).delete(opened, BoundSessions.requestedVersion(exchange, received));
                if (!gone) {
                    GatewayError error = issued.cause() instanceof GatewayException refusal ? refusal.error()
                            : new GatewayError.SessionsUnavailable();
                    // the record ends with the refusal its client gets, not as an answer that went missing
                    exchange.observation().refusedAll(error);
                    exchange.refuse(error);
                }
                return;
            }
            String id = issued.result().id();
            relayed.accept(headers -> {
                if (answerHeaders != null) {
                    answerHeaders.rewrite(headers);
                }
                // last: a session opened in a bound one (an initialize sent with its id) is the one the client must get
                headers.set("mcp-session-id", id);
            });
            upstream.resume();
        });
    }

    /**
     * Ends the server's session {@code opened} once the answer that opened it is over: ended, or cut off (over
     * HTTP/2 a reset stream is told to the close handler only). Best effort.
     */
    private void endedAfterAnswer(Exchange exchange, Buffer received, String opened, Future<Void> closed) {
        UpstreamLink link = links.apply(exchange);
        String version = BoundSessions.requestedVersion(exchange, received);
        boolean[] ended = new boolean[1]; // both may come, on the exchange's event loop
        Handler<Void> end = v -> {
            if (!ended[0]) {
                ended[0] = true;
                link.delete(opened, version);
            }
        };
        exchange.request().response().endHandler(end);
        closed.onComplete(v -> end.handle(null));
    }
}
