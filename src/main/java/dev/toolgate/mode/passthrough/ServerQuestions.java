package dev.toolgate.mode.passthrough;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.mcp.ModernMeta;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.HashMap;
import java.util.Map;

/**
 * The requests a legacy server sends the era bridge on a session's standalone stream (GET) rather than on a
 * call's: server-everything asks for {@code roots/list} there, in the middle of a tool call. The bridge holds the
 * stream only while a {@code tools/call} whose client declared something the server may ask for is in flight in
 * the session, and opens it before the call goes out (a request sent while no stream is open is lost), and for
 * {@link #OPENING_MS} once it opens a session whose client declared one, before the server is told it is
 * initialized: a server asks as soon as it is (server-everything asks for roots then). A request arriving while
 * exactly one such call is in flight is that call's question: its reader answers the client
 * {@code input_required} (those that came before it could, up to {@link QuestionTie#MAX_QUESTIONS}, in one round).
 * Any other (none in flight: a 2026-07-28 client is asked only within a call it makes; several; or one that does not
 * take it within {@link QuestionTie#CLAIM_MS}) is answered at once with an error, which the server's request fails
 * with (and may ask again within a call), rather than left for its own timeout. Nothing is buffered but those few
 * questions per call; notifications on the stream are dropped. This class keeps which sessions' streams are held,
 * and for what; a held stream is a {@link QuestionStream}, and a call's side of it a {@link QuestionTie}.
 */
final class ServerQuestions {

    /**
     * How long the standalone stream of a session the bridge just opened is held with no call in flight: long enough
     * for the questions a server sends once it is initialized (server-everything's come 350 ms after), which would
     * otherwise be lost and left for the server's own timeout; bounded, since each held stream holds a connection.
     */
    static final long OPENING_MS = 5_000;
    /**
     * The longest a session's start or a call waits for the standalone stream to open (its response head) before it
     * goes on without it: a server that sends the head only with its first event, or answers the GET slowly, would
     * otherwise hold the client's session start and each watched call for as long as the link allows (its
     * {@code read_timeout}). A server's answer takes a round trip; one that comes later still serves once it does.
     * One bound per opening of the stream, shared by all who wait for it (the session's start and its first call).
     */
    static final long OPEN_WAIT_MS = 1_000;
    /**
     * The most opening windows held at once by one route's bridge: each holds a pooled connection to the server,
     * and a client opening sessions one after another (varying what it declares) is not to hold a pool's worth.
     * A session opened past them is not watched until a call of its client is in flight.
     */
    static final int MAX_OPENINGS = 16;
    /**
     * The most of them one holder ({@code BridgeState.holder}) has at once: a client opening sessions in a loop
     * would otherwise take all of them, and the sessions of every other client would go unwatched.
     */
    static final int MAX_OPENINGS_PER_HOLDER = MAX_OPENINGS / 4;

    /**
     * The watched sessions, by server, path and session id: only those with calls in flight or an opening window
     * (guarded by itself).
     */
    private final Map<String, QuestionStream> watches = new HashMap<>();
    /** The opening windows held now, of all sessions (guarded by {@code watches}). */
    private int openings;
    /** The opening windows held now, by holder: only holders with one (guarded by {@code watches}). */
    private final Map<String, Integer> openingsOf = new HashMap<>();

    /** Whether the server may ask the client of this call something: the method and what the client declared. */
    static boolean asks(String method, ModernMeta meta) {
        return method.equals("tools/call") && mayBeAsked(meta);
    }

    /** Whether the client declared something the server may ask it for. */
    static boolean mayBeAsked(ModernMeta meta) {
        JsonNode declared = LegacyHandshake.forwarded(meta);
        return declared.has("roots") || declared.has("sampling") || declared.has("elicitation");
    }

    /**
     * Watches the standalone stream of a session just opened for {@link #OPENING_MS}, calls in flight or none;
     * completes once the stream is open, or could not be, or after {@link #OPEN_WAIT_MS}. Asked before the server is
     * told the session is initialized, after which it may ask at once. Not watched past {@link #MAX_OPENINGS} of the
     * route or {@link #MAX_OPENINGS_PER_HOLDER} of {@code holder} ({@code BridgeState.holder}), who opened it.
     */
    Future<Void> opening(UpstreamLink link, LegacySessions.Opened session, String holder) {
        Context context = Vertx.currentContext();
        if (session.id() == null || context == null) {
            return Future.succeededFuture(); // a stateless server has no standalone stream
        }
        synchronized (watches) {
            if (openings >= MAX_OPENINGS || openingsOf.getOrDefault(holder, 0) >= MAX_OPENINGS_PER_HOLDER) {
                return Future.succeededFuture();
            }
            openings++;
            openingsOf.merge(holder, 1, Integer::sum);
        }
        Watched watched = watch(link, session, null);
        context.owner().setTimer(OPENING_MS, id -> {
            synchronized (watches) {
                watched.stream().openings--;
                openings--;
                openingsOf.computeIfPresent(holder, (h, held) -> held == 1 ? null : held - 1);
            }
            release(watched.stream());
        });
        return onThisContext(watched.opened());
    }

    /**
     * Watches the session's standalone stream for {@code tie}'s call (leaving the session it watched before);
     * completes once the stream is open, or could not be, or after {@link #OPEN_WAIT_MS} (the call goes on without
     * it).
     */
    Future<Void> enter(QuestionTie tie, UpstreamLink link, LegacySessions.Opened session) {
        leave(tie);
        if (session.id() == null) {
            return Future.succeededFuture(); // a stateless server has no standalone stream
        }
        Watched watched = watch(link, session, tie);
        tie.watchedOn(watched.stream());
        return onThisContext(watched.opened());
    }

    /** A session's held stream, and when it was opened (or could not be). */
    private record Watched(QuestionStream stream, Future<Void> opened) {
    }

    /**
     * The session's held stream, held by {@code tie}'s call (or, when null, by an opening window), opened unless it
     * is open or being opened.
     */
    private Watched watch(UpstreamLink link, LegacySessions.Opened session, QuestionTie tie) {
        String key = link.target().host() + ":" + link.target().port() + link.uri() + "\n" + session.id();
        QuestionStream stream;
        Promise<Void> opening;
        Future<Void> opened;
        synchronized (watches) {
            stream = watches.computeIfAbsent(key, k -> new QuestionStream(k, watches, link, session));
            if (tie != null) {
                stream.calls.add(tie);
            } else {
                stream.openings++;
            }
            opening = stream.opening();
            opened = stream.opened();
        }
        if (opening != null) {
            stream.open(opening, 0);
        }
        return new Watched(stream, opened);
    }

    /** The call ended: its question, if one still waits, is refused; the last call out closes the stream. */
    void leave(QuestionTie tie) {
        QuestionStream stream = tie.untie();
        if (stream == null) {
            return;
        }
        synchronized (watches) {
            stream.calls.remove(tie);
        }
        release(stream);
    }

    /** Closes the stream, or cancels its GET still awaiting its head, once nothing holds it: no call, no window. */
    private void release(QuestionStream stream) {
        Runnable closing = null;
        synchronized (watches) {
            if (stream.calls.isEmpty() && stream.openings == 0 && watches.get(stream.key) == stream) {
                watches.remove(stream.key);
                closing = stream.released();
            }
        }
        if (closing != null) {
            closing.run();
        }
    }

    /** {@code opened}, or done anyway after {@link #OPEN_WAIT_MS} (the stream, opened later, is kept all the same). */
    static Future<Void> bounded(Future<Void> opened) {
        Context context = Vertx.currentContext();
        if (context == null) {
            return opened;
        }
        Promise<Void> waited = Promise.promise();
        long timer = context.owner().setTimer(OPEN_WAIT_MS, id -> waited.tryComplete());
        opened.onComplete(done -> {
            context.owner().cancelTimer(timer);
            waited.tryComplete();
        });
        return waited.future();
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
