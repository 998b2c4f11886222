package dev.toolgate.mode.passthrough;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.mcp.Json;
import dev.toolgate.mcp.JsonRpc;
import dev.toolgate.mcp.ModernMeta;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * The requests a legacy server sends the era bridge on a session's standalone stream (GET) rather than on a
 * call's: server-everything asks for {@code roots/list} there, in the middle of a tool call. The bridge holds the
 * stream only while a {@code tools/call} whose client declared something the server may ask for is in flight in
 * the session, and opens it before the call goes out (a request sent while no stream is open is lost), and for
 * {@link #OPENING_MS} once it opens a session whose client declared one, before the server is told it is
 * initialized: a server asks as soon as it is (server-everything asks for roots then). A request arriving while
 * exactly one such call is in flight is that call's question: its reader answers the client
 * {@code input_required} (those that came before it could, up to {@link #MAX_QUESTIONS}, in one round). Any other
 * (none in flight: a 2026-07-28 client is asked only within a call it makes; several; or one that does not take it
 * within {@link #CLAIM_MS}) is answered at once with an error, which the server's request fails with (and may ask
 * again within a call), rather than left for its own timeout. Nothing is buffered but those few questions per
 * call; notifications on the stream are dropped.
 */
final class ServerQuestions {

    /** The requests a call's client can be asked through {@code input_required}. */
    static final Set<String> ASKED = Set.of("sampling/createMessage", "elicitation/create", "roots/list");
    /**
     * How long a question waits for its call's stream to be read (it may come before the call's response head, or
     * while a polled stream is being resumed) before it is refused.
     */
    static final long CLAIM_MS = 5_000;
    /**
     * How long the standalone stream of a session the bridge just opened is held with no call in flight: long enough
     * for the questions a server sends once it is initialized (server-everything's come 350 ms after), which would
     * otherwise be lost and left for the server's own timeout; bounded, since each held stream holds a connection.
     */
    static final long OPENING_MS = 5_000;
    /**
     * The most opening windows held at once by one route's bridge: each holds a pooled connection to the server,
     * and a client opening sessions one after another (varying what it declares) is not to hold a pool's worth.
     * A session opened past them is not watched until a call of its client is in flight.
     */
    static final int MAX_OPENINGS = 16;
    /** The most questions one round of a call asks its client; more are refused. */
    static final int MAX_QUESTIONS = 4;
    /** How often a question waiting for its call's reader checks again. */
    static final long CLAIM_WAIT_MS = 50;
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

    /**
     * One call of a client in flight. Its reader, while it reads the call's stream and once that stream can be
     * resumed (it carried an event id: the retry continues after it), takes the question tied to it.
     */
    static final class Tie {
        private final Context context = Vertx.currentContext();
        private Watch watch;
        private BooleanSupplier resumable;
        private Predicate<List<JsonNode>> reader;
        /** The questions waiting for the reader, at most MAX_QUESTIONS (a round asks them all at once). */
        private final List<JsonNode> pending = new ArrayList<>();
        private int waits;

        /**
         * Reads the questions tied to the call while its stream is read; {@code reader} says whether it took them
         * (those it does not take are refused). Returns what stops it. Called on the call's event loop.
         */
        Runnable reading(BooleanSupplier resumable, Predicate<List<JsonNode>> reader) {
            synchronized (this) {
                this.resumable = resumable;
                this.reader = reader;
            }
            attempt();
            return () -> {
                synchronized (this) {
                    if (this.reader == reader) {
                        this.reader = null;
                        this.resumable = null;
                    }
                }
            };
        }

        private void offer(Watch at, JsonNode question) {
            boolean first;
            synchronized (this) {
                first = pending.isEmpty();
                if (watch == at && pending.size() < MAX_QUESTIONS) {
                    pending.add(question);
                    question = null;
                }
                if (first) {
                    waits = 0;
                }
            }
            if (question != null) {
                at.refuse(question);
            } else if (first) {
                context.runOnContext(v -> attempt());
            }
        }

        /** Hands the pending questions to the reader when it can take them; else waits a little, up to CLAIM_MS. */
        private void attempt() {
            List<JsonNode> questions;
            Predicate<List<JsonNode>> taker = null;
            Watch at;
            synchronized (this) {
                at = watch;
                if (pending.isEmpty() || at == null) {
                    return;
                }
                if (reader != null && resumable.getAsBoolean()) {
                    taker = reader;
                } else if (++waits <= CLAIM_MS / CLAIM_WAIT_MS) {
                    context.owner().setTimer(CLAIM_WAIT_MS, id -> attempt());
                    return;
                }
                questions = List.copyOf(pending);
                pending.clear();
            }
            if (taker == null || !taker.test(questions)) {
                questions.forEach(at::refuse);
            }
        }
    }

    /** A session's standalone stream and the watched calls in flight in it. */
    private final class Watch {
        private final String key;
        private final UpstreamLink link;
        private final LegacySessions.Opened session;
        private final List<Tie> calls = new ArrayList<>();
        /** The opening windows ({@link #OPENING_MS}) holding the stream, calls or none (guarded by {@code watches}). */
        private int openings;
        /** Null when no stream is open or being opened (guarded by {@code watches}). */
        private Future<Void> opened;
        private UpstreamLink.Stream stream;
        private Context context;

        Watch(String key, UpstreamLink link, LegacySessions.Opened session) {
            this.key = key;
            this.link = link;
            this.session = session;
        }

        void refuse(JsonNode question) {
            refuse(question, REFUSAL);
        }

        void refuse(JsonNode question, String why) {
            link.tell(JsonRpc.error(question.get("id"), JsonRpc.INTERNAL_ERROR, why), session.id(), session.version());
        }
    }

    /**
     * The watched sessions, by server, path and session id: only those with calls in flight or an opening window
     * (guarded by itself).
     */
    private final Map<String, Watch> watches = new HashMap<>();
    /** The opening windows held now, of all sessions (guarded by {@code watches}). */
    private int openings;

    /** Whether the server may ask the client of this call something: the method and what the client declared. */
    static boolean asks(String method, ModernMeta meta) {
        return method.equals("tools/call") && mayBeAsked(meta);
    }

    /** Whether the client declared something the server may ask it for. */
    static boolean mayBeAsked(ModernMeta meta) {
        JsonNode declared = LegacySessions.forwarded(meta);
        return declared.has("roots") || declared.has("sampling") || declared.has("elicitation");
    }

    /**
     * Watches the standalone stream of a session just opened for {@link #OPENING_MS}, calls in flight or none;
     * completes once the stream is open, or could not be. Asked before the server is told the session is
     * initialized, after which it may ask at once.
     */
    Future<Void> opening(UpstreamLink link, LegacySessions.Opened session) {
        Context context = Vertx.currentContext();
        if (session.id() == null || context == null) {
            return Future.succeededFuture(); // a stateless server has no standalone stream
        }
        synchronized (watches) {
            if (openings >= MAX_OPENINGS) {
                return Future.succeededFuture();
            }
            openings++;
        }
        Watched watched = watch(link, session, null);
        context.owner().setTimer(OPENING_MS, id -> {
            synchronized (watches) {
                watched.watch().openings--;
                openings--;
            }
            release(watched.watch());
        });
        return onThisContext(watched.opened());
    }

    /**
     * Watches the session's standalone stream for {@code tie}'s call (leaving the session it watched before);
     * completes once the stream is open, or could not be (the call goes on without it).
     */
    Future<Void> enter(Tie tie, UpstreamLink link, LegacySessions.Opened session) {
        leave(tie);
        if (session.id() == null) {
            return Future.succeededFuture(); // a stateless server has no standalone stream
        }
        Watched watched = watch(link, session, tie);
        synchronized (tie) {
            tie.watch = watched.watch();
        }
        return onThisContext(watched.opened());
    }

    /** A session's watch, and when its stream was opened (or could not be). */
    private record Watched(Watch watch, Future<Void> opened) {
    }

    /**
     * The session's watch, held by {@code tie}'s call (or, when null, by an opening window), its stream opened
     * unless it is open or being opened.
     */
    private Watched watch(UpstreamLink link, LegacySessions.Opened session, Tie tie) {
        String key = link.target().host() + ":" + link.target().port() + link.uri() + "\n" + session.id();
        Watch watch;
        Promise<Void> opening = null;
        Future<Void> opened;
        synchronized (watches) {
            watch = watches.computeIfAbsent(key, k -> new Watch(k, link, session));
            if (tie != null) {
                watch.calls.add(tie);
            } else {
                watch.openings++;
            }
            if (watch.opened == null) {
                opening = Promise.promise();
                watch.opened = opening.future();
            }
            opened = watch.opened;
        }
        if (opening != null) {
            open(watch, opening, 0);
        }
        return new Watched(watch, opened);
    }

    /** The call ended: its question, if one still waits, is refused; the last call out closes the stream. */
    void leave(Tie tie) {
        Watch watch;
        List<JsonNode> questions;
        synchronized (tie) {
            watch = tie.watch;
            questions = List.copyOf(tie.pending);
            tie.watch = null;
            tie.pending.clear();
        }
        if (watch == null) {
            return;
        }
        questions.forEach(watch::refuse);
        synchronized (watches) {
            watch.calls.remove(tie);
        }
        release(watch);
    }

    /** Closes the watch's stream once nothing holds it: no call in flight, no opening window. */
    private void release(Watch watch) {
        UpstreamLink.Stream closing = null;
        synchronized (watches) {
            if (watch.calls.isEmpty() && watch.openings == 0 && watches.get(watch.key) == watch) {
                watches.remove(watch.key);
                closing = watch.stream;
                watch.stream = null;
            }
        }
        if (closing != null) {
            UpstreamLink.Stream stream = closing;
            watch.context.runOnContext(v -> stream.close());
        }
    }

    private void open(Watch watch, Promise<Void> opening, int attempt) {
        watch.link.listen(watch.session.id(), watch.session.version()).onComplete(answered -> {
            UpstreamLink.Answer answer = answered.succeeded() ? answered.result() : null;
            if (answer != null && answer.status() == 409 && attempt < CONFLICT_RETRIES) {
                // the stream the last call closed may still be open at the server, which allows one per session
                UpstreamLink.discard(answer);
                Vertx.currentContext().owner().setTimer(CONFLICT_WAIT_MS, id -> open(watch, opening, attempt + 1));
                return;
            }
            boolean kept = false;
            synchronized (watches) {
                if (answer != null && answer.stream() != null && answer.status() / 100 == 2
                        && watches.get(watch.key) == watch) {
                    watch.stream = answer.stream();
                    watch.context = Vertx.currentContext();
                    kept = true;
                } else {
                    watch.opened = null; // refused (a server without one answers 405; 409: another holds it)
                }
            }
            if (kept) {
                UpstreamLink.Stream stream = answer.stream();
                stream.read(event -> heard(watch, event.data())).onComplete(end -> {
                    synchronized (watches) {
                        if (watch.stream == stream) {
                            watch.stream = null;
                            watch.opened = null;
                        }
                    }
                });
            } else if (answer != null) {
                UpstreamLink.discard(answer);
            }
            opening.complete();
        });
    }

    private void heard(Watch watch, String data) {
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
            watch.link.tell(JsonRpc.result(message.get("id"), Json.object()), watch.session.id(),
                    watch.session.version());
            return;
        }
        Tie only = null;
        boolean idle;
        synchronized (watches) {
            idle = watch.calls.isEmpty();
            if (watch.calls.size() == 1) {
                only = watch.calls.getFirst();
            }
        }
        if (!ASKED.contains(method)) {
            watch.link.tell(JsonRpc.error(message.get("id"), JsonRpc.METHOD_NOT_FOUND, "Method not found: " + method),
                    watch.session.id(), watch.session.version());
        } else if (only != null) {
            only.offer(watch, message);
        } else {
            // no channel to the client: it is told so at once, free to ask again while serving one of its calls
            watch.refuse(message, idle ? REFUSAL_IDLE : REFUSAL);
        }
    }

    /** A future completed on another event loop, completed on the caller's. */
    private static <T> Future<T> onThisContext(Future<T> shared) {
        Context context = Vertx.currentContext();
        if (context == null || shared.isComplete()) {
            return shared;
        }
        Promise<T> here = Promise.promise();
        shared.onComplete(done -> context.runOnContext(v -> here.handle(done)));
        return here.future();
    }
}
