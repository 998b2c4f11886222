package dev.toolgate.mode.passthrough;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.mcp.Json;
import dev.toolgate.mcp.JsonRpc;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A session's standalone stream (GET), held by {@link ServerQuestions} for the requests a legacy server sends on it,
 * and the watched calls in flight in the session. A request heard on it while exactly one such call is in flight is
 * that call's question ({@link QuestionTie}); any other is answered at once with an error. Its state is guarded by
 * the lock of the {@link ServerQuestions} that holds it, since whether it is held and whether it is open change
 * together.
 */
final class QuestionStream {

    /** The requests a call's client can be asked through {@code input_required}. */
    static final Set<String> ASKED = Set.of("sampling/createMessage", "elicitation/create", "roots/list");
    /** How often, and after what wait, a stream refused as another's (409) is asked for again. */
    static final int CONFLICT_RETRIES = 3;
    static final long CONFLICT_WAIT_MS = 100;
    /** The error a request the bridge cannot put to a client gets (JSON-RPC internal error). */
    static final String REFUSAL = "The client cannot be asked: the request came on the session's standalone stream "
            + "and the gateway could not tie it to exactly one call in flight; send it on the stream of the call it "
            + "belongs to";
    /** The error a request gets that comes while no call of the client is in flight (JSON-RPC internal error). */
    static final String REFUSAL_IDLE = "The client cannot be asked now: it is a 2026-07-28 client, asked only within "
            + "a call it makes, and none is in flight in the session; ask again while serving one of its requests";

    /** The server, path and session id: the stream's key among those held. */
    final String key;
    private final Object lock;
    private final UpstreamLink link;
    private final LegacySessions.Opened session;
    /** The watched calls in flight in the session (guarded by {@code lock}). */
    final List<QuestionTie> calls = new ArrayList<>();
    /**
     * The opening windows ({@link ServerQuestions#OPENING_MS}) holding the stream, calls or none (guarded by
     * {@code lock}).
     */
    int openings;
    /** Null when no stream is open or being opened (guarded by {@code lock}). */
    private Future<Void> opened;
    private UpstreamLink.Stream stream;
    private Context context;
    /**
     * Completed once the stream is held no more: a GET still waiting for its response head is then reset, rather
     * than holding its pooled connection (and, at a server allowing one stream per session, the session's stream)
     * until the head or read_timeout comes.
     */
    private final Promise<Void> abandoned = Promise.promise();
    /** Whether the stream is held no more: one that opens after is not kept (guarded by {@code lock}). */
    private boolean released;

    QuestionStream(String key, Object lock, UpstreamLink link, LegacySessions.Opened session) {
        this.key = key;
        this.lock = lock;
        this.link = link;
        this.session = session;
    }

    /** Under the lock: a promise to {@link #open} the stream with, or null when it is open or being opened. */
    Promise<Void> opening() {
        if (opened != null) {
            return null;
        }
        Promise<Void> opening = Promise.promise();
        opened = ServerQuestions.bounded(opening.future());
        return opening;
    }

    /** Under the lock: when the stream was opened, or could not be, or {@link ServerQuestions#OPEN_WAIT_MS} passed. */
    Future<Void> opened() {
        return opened;
    }

    /**
     * Under the lock, once nothing holds the stream: what closes it, or what cancels its GET when it is still being
     * opened, or null when neither.
     */
    Runnable released() {
        released = true;
        UpstreamLink.Stream closing = stream;
        stream = null;
        if (closing != null) {
            return () -> context.runOnContext(v -> closing.close());
        }
        return opened == null ? null : abandoned::tryComplete; // the request resets itself on its own event loop
    }

    void refuse(JsonNode question) {
        refuse(question, REFUSAL);
    }

    void refuse(JsonNode question, String why) {
        link.tell(JsonRpc.error(question.get("id"), JsonRpc.INTERNAL_ERROR, why), session.id(), session.version());
    }

    /** Opens the stream and reads it; {@code opening} completes once it is open, or could not be. */
    void open(Promise<Void> opening, int attempt) {
        link.listen(session.id(), session.version(), abandoned.future()).onComplete(answered -> {
            UpstreamLink.Answer answer = answered.succeeded() ? answered.result() : null;
            if (answer != null && answer.status() == 409 && attempt < CONFLICT_RETRIES && !abandoned()) {
                // the stream the last call closed may still be open at the server, which allows one per session
                UpstreamLink.discard(answer);
                Vertx.currentContext().owner().setTimer(CONFLICT_WAIT_MS, id -> open(opening, attempt + 1));
                return;
            }
            boolean kept = false;
            synchronized (lock) {
                if (answer != null && answer.stream() != null && answer.status() / 100 == 2 && !released) {
                    stream = answer.stream();
                    context = Vertx.currentContext();
                    kept = true;
                } else {
                    opened = null; // refused (a server without one answers 405; 409: another holds it)
                }
            }
            if (kept) {
                read(answer.stream());
            } else if (answer != null) {
                UpstreamLink.discard(answer);
            }
            opening.complete();
        });
    }

    /** Whether the stream is held no more: a GET asked for now would be reset at once. */
    private boolean abandoned() {
        synchronized (lock) {
            return released;
        }
    }

    private void read(UpstreamLink.Stream open) {
        open.read(event -> heard(event.data())).onComplete(end -> {
            synchronized (lock) {
                if (stream == open) {
                    stream = null;
                    opened = null;
                }
            }
        });
    }

    private void heard(String data) {
        JsonNode message;
        try {
            message = data.isEmpty() ? null : Json.parse(data);
        } catch (IOException e) {
            return;
        }
        if (message == null || !message.has("id") || !message.path("method").isTextual()) {
            return; // notifications and stray responses: nobody to hand them to
        }
        String method = message.get("method").asText();
        if (method.equals("ping")) {
            link.tell(JsonRpc.result(message.get("id"), Json.object()), session.id(), session.version());
            return;
        }
        QuestionTie only = null;
        boolean idle;
        synchronized (lock) {
            idle = calls.isEmpty();
            if (calls.size() == 1) {
                only = calls.getFirst();
            }
        }
        if (!ASKED.contains(method)) {
            link.tell(JsonRpc.error(message.get("id"), JsonRpc.METHOD_NOT_FOUND, "Method not found: " + method),
                    session.id(), session.version());
        } else if (only != null) {
            only.offer(this, message);
        } else {
            // no channel to the client: it is told so at once, free to ask again while serving one of its calls
            refuse(message, idle ? REFUSAL_IDLE : REFUSAL);
        }
    }
}
