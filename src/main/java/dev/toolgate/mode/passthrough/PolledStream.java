package dev.toolgate.mode.passthrough;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.http.UpstreamException;
import dev.toolgate.mcp.Json;
import dev.toolgate.pipeline.RpcRecord;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.io.IOException;
import java.util.List;
import java.util.function.Predicate;

/**
 * A bridged call's stream from a legacy server, read until the call's answer (split from {@link EraBridge}, which
 * acts on what it brings): a 2025-11-25 server may end the stream before the answer (SSE polling) and expects its
 * client to come back, after the {@code retry} it gave, with GET and {@code Last-Event-ID}; the gateway is that
 * client, so the modern client waiting on the call sees one answer however many streams it took.
 */
final class PolledStream {

    /** What the bridge does with what the stream brings. */
    interface Reader {

        /** Answers the client with the server's response to the call. */
        Future<Void> answered(JsonNode response);

        /**
         * Acts on one message of the call's stream; a future when it ends the client's request, else null.
         * {@code earlierId} is the last event id of the call's earlier streams, which a resumed one without ids keeps.
         */
        Future<Void> message(UpstreamLink.Stream stream, String earlierId, JsonNode message);

        /**
         * Answers the client {@code input_required} with several requests the server sent at once on the session's
         * standalone stream, the call's stream resumable after {@code lastEventId}.
         */
        Future<Void> asked(String lastEventId, List<JsonNode> requests);
    }

    /**
     * Resumptions of a call's stream in a row that brought no message: a polling server is asked again as long
     * as it likes while it says something, but one that only ever ends its stream must not hold the client for good.
     */
    static final int MAX_EMPTY_POLLS = 32;
    /** The longest wait before resuming, whatever the server's {@code retry} (never past its read_timeout either). */
    static final long MAX_POLL_DELAY_MS = 5_000;
    /** The wait before resuming when the server set no {@code retry}. */
    static final long DEFAULT_POLL_DELAY_MS = 500;

    /**
     * Where a call's stream stands when it is read: the last event id and {@code retry} the server gave on an
     * earlier stream of the call (null and -1 for none), and how many resumptions in a row brought no message.
     */
    private record Polled(String lastId, long retryMs, int empty) {
    }

    private final UpstreamLink link;
    private final LegacySessions.Opened session;
    private final Future<Void> gone;
    private final RpcRecord traced;
    private final JsonNode upstreamId;
    private final QuestionTie tie;
    private final Reader reader;

    /**
     * @param gone       completes when the call's client goes away, which ends the stream (the bridge tells the
     *                   server the call is cancelled)
     * @param traced     the call's record, whose trace context each resumption carries
     * @param upstreamId the call's id upstream, whose response is the answer
     * @param tie        the call's tie to the session's standalone stream, whose questions it reads as its own
     */
    PolledStream(UpstreamLink link, LegacySessions.Opened session, Future<Void> gone, RpcRecord traced,
                 JsonNode upstreamId, QuestionTie tie, Reader reader) {
        this.link = link;
        this.session = session;
        this.gone = gone;
        this.traced = traced;
        this.upstreamId = upstreamId;
        this.tie = tie;
        this.reader = reader;
    }

    /**
     * Reads the call's answer from the server's answer to a request of it.
     *
     * @param lastEventId the last event id of the call's earlier streams (a retry's, from its round state), or null
     */
    Future<Void> read(UpstreamLink.Answer answer, String lastEventId) {
        return pump(answer, new Polled(lastEventId, -1, 0));
    }

    /**
     * Reads the server's answer to the call: one JSON response, or a stream of related messages ending with it. A
     * stream that ends without the answer after an event id is resumed ({@link #poll}): a 2025-11-25 server may
     * close it early (SSE polling) and expects its client to come back with GET and {@code Last-Event-ID}.
     */
    private Future<Void> pump(UpstreamLink.Answer answer, Polled polled) {
        if (answer.stream() == null) {
            JsonNode message = answer.json();
            if (UpstreamLink.answers(message, upstreamId)) {
                return reader.answered(message);
            }
            return Future.failedFuture(new UpstreamException(UpstreamException.Kind.BROKEN,
                    "the server answered HTTP " + answer.status() + " without a JSON-RPC response to the request"));
        }
        UpstreamLink.Stream stream = answer.stream();
        Promise<Void> done = Promise.promise();
        boolean[] answered = {false};
        boolean[] heard = {false};
        // 2026-07-28: closing the response cancels the request (the server is told so, by cancelling())
        gone.onComplete(v -> {
            if (done.tryFail(new CallCancelled())) {
                stream.close();
            }
        });
        Predicate<List<JsonNode>> read = messages -> {
            if (answered[0] || done.future().isComplete()) {
                return false;
            }
            heard[0] = true;
            Future<Void> ended = messages.size() == 1
                    ? reader.message(stream, polled.lastId(), messages.getFirst())
                    : reader.asked(stream.lastEventId() != null ? stream.lastEventId() : polled.lastId(), messages);
            if (ended != null) {
                answered[0] = true;
                ended.onComplete(sent -> {
                    if (sent.succeeded()) {
                        done.tryComplete();
                    } else {
                        done.tryFail(sent.cause());
                    }
                });
                stream.close();
            }
            return true;
        };
        // the session's standalone stream's questions, read as this one's once it can be resumed (it has an event id)
        Runnable unwatched = tie.reading(() -> stream.lastEventId() != null || polled.lastId() != null, read);
        stream.read(event -> {
            if (event.data().isEmpty()) {
                return;
            }
            try {
                read.test(List.of(Json.parse(event.data())));
            } catch (IOException e) {
                // not a message: skip it
            }
        }).onComplete(end -> {
            unwatched.run();
            if (answered[0] || done.future().isComplete()) {
                return;
            }
            Polled next = new Polled(stream.lastEventId() != null ? stream.lastEventId() : polled.lastId(),
                    stream.retryMs() >= 0 ? stream.retryMs() : polled.retryMs(), heard[0] ? 0 : polled.empty() + 1);
            if (end.failed()) {
                done.tryFail(end.cause());
            } else if (next.lastId() == null) { // nothing to resume after
                done.tryFail(new UpstreamException(UpstreamException.Kind.BROKEN,
                        "the server ended the call's stream without answering it"));
            } else if (next.empty() > MAX_EMPTY_POLLS) {
                done.tryFail(new UpstreamException(UpstreamException.Kind.BROKEN, "the server ended the call's "
                        + "stream " + next.empty() + " times in a row without answering it or sending anything"));
            } else {
                poll(next).onComplete(polledAnswer -> {
                    if (polledAnswer.succeeded()) {
                        done.tryComplete();
                    } else {
                        done.tryFail(polledAnswer.cause());
                    }
                });
            }
        });
        return done.future();
    }

    /**
     * Resumes a call's stream the server ended early, after the wait it asked for ({@code retry}, which a client
     * MUST honour; capped, since the client waits meanwhile), with GET and {@code Last-Event-ID}.
     */
    private Future<Void> poll(Polled polled) {
        long asked = polled.retryMs() >= 0 ? polled.retryMs() : DEFAULT_POLL_DELAY_MS;
        long delay = Math.min(asked, Math.min(MAX_POLL_DELAY_MS, link.target().readTimeoutMs()));
        Promise<Void> waited = Promise.promise();
        Vertx.currentContext().owner().setTimer(Math.max(1, delay), id -> {
            if (gone.isComplete()) {
                waited.tryFail(new CallCancelled());
            } else {
                waited.tryComplete();
            }
        });
        return waited.future()
                .compose(v -> link.resume(session.id(), session.version(), polled.lastId(), traced))
                .compose(answer -> answer.status() / 100 == 2 ? pump(answer, polled)
                        : Future.failedFuture(new UpstreamException(UpstreamException.Kind.BROKEN, "the server ended "
                        + "the call's stream early and refused to resume it (HTTP " + UpstreamLink.discard(answer)
                        + ")")));
    }
}
