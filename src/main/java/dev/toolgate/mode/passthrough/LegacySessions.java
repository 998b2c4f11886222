package dev.toolgate.mode.passthrough;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.mcp.ModernMeta;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The legacy sessions the era bridge holds with a legacy server on behalf of modern clients, one per
 * caller and declared client (its capabilities decide what the server may ask, and what it offers:
 * server-everything registers its sampling tool only for clients that declare sampling). A session
 * opens with {@code initialize} (carrying the modern client's capabilities and info) and
 * {@code notifications/initialized} on the first request that needs it ({@link LegacyHandshake}), and is opened
 * again when the server forgets it (404). This instance's cache; each instance opens its own. One route and server's
 * view of a cache the whole gateway shares ({@link #cache()}), bounded in all: each session keeps the
 * link of the caller that opened it, with that caller's request headers (up to 8 KiB) and path, and a
 * bound per route and server multiplied by the route and server pairs kept was gigabytes. The least
 * recently used session of the gateway is forgotten first, and ended at the server (DELETE, as the
 * caller that opened it), which would otherwise keep it until its own idle timeout; a client whose
 * session was forgotten gets a new one with its next request. One route and server keeps at most a quarter
 * of the cache ({@link #MAX_PER_SERVER}), its own least recently used ended first: callers of one route cannot
 * push the others' sessions out. A route that a reload removes, or points at another server, retires its view
 * ({@link #retirement}): its sessions are ended at the server once its calls in flight have ended.
 */
final class LegacySessions {

    /**
     * An open upstream session.
     *
     * @param id         its {@code Mcp-Session-Id}, or null when the server keeps none
     * @param version    the negotiated protocol version
     * @param initialize the server's {@code initialize} result (capabilities, serverInfo, instructions)
     */
    record Opened(String id, String version, ObjectNode initialize) {
    }

    /** The most sessions the gateway keeps, over all its bridges. */
    static final int MAX_SESSIONS = 1024;
    /**
     * The most one route and server keeps: a caller choosing its declared capabilities freely opens a session
     * per variation, and would otherwise push every other route's sessions out of the gateway's cache.
     */
    static final int MAX_PER_SERVER = MAX_SESSIONS / 4;
    /**
     * The most one caller keeps with one route and server, its own least recently used ended first: a caller
     * varying its declaration cannot push other callers' sessions out (anonymous callers at one client address,
     * whom the gateway cannot tell apart, share this bound: {@code BridgeState.holder}).
     */
    static final int MAX_PER_CALLER = MAX_PER_SERVER / 4;

    /**
     * A session being opened or open, the link of the caller that opened it (which ends it), the route and server
     * whose it is, and who holds it ({@code BridgeState.holder}).
     */
    record Held(Future<Opened> session, UpstreamLink link, LegacySessions owner, String caller) {

        /** Ends it at the server: now when open, once opened when its {@code initialize} is still on its way. */
        void end() {
            session.onSuccess(opened -> {
                if (opened.id() != null) {
                    link.delete(opened.id(), opened.version());
                }
            });
        }
    }

    /**
     * Where a session sits in the gateway's cache: under the view that opened it. A route loaded again under its
     * name, to the same server, gets a view of its own, so it never takes up the sessions of the view a reload
     * retired, which that view ends at the server once its calls in flight have (under a call of the new one).
     */
    record Slot(LegacySessions view, String key) {
    }

    /** The gateway's sessions, by view and session key, least recently used first. */
    private final Map<Slot, Held> open;
    /** How many of the cache's sessions are this route and server's (guarded by the cache). */
    private int kept;
    /** When these sessions end at the server, once a reload removed their route or pointed it elsewhere. */
    private final Retirement retirement;

    /** @param open the gateway's cache ({@link #cache()}), which this view shares with every other */
    LegacySessions(Map<Slot, Held> open) {
        this.open = open;
        this.retirement = new Retirement(open, this::endAll);
    }

    /** A cache for the whole gateway: of more than {@link #MAX_SESSIONS}, the least recently used is ended. */
    static Map<Slot, Held> cache() {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Slot, Held> eldest) {
                if (size() <= MAX_SESSIONS) {
                    return false;
                }
                eldest.getValue().end();
                eldest.getValue().owner().kept--;
                return true;
            }
        };
    }

    /**
     * The session for {@code caller}'s {@code key}, opened through {@code link} when there is none.
     *
     * @param opening what is done with a session opened, once the server answered its {@code initialize} and before
     *                it is told the session is initialized (after which it may send requests of its own at once)
     */
    Future<Opened> of(String caller, String key, UpstreamLink link, ModernMeta meta,
                      Function<Opened, Future<Void>> opening) {
        Future<Opened> session;
        synchronized (open) {
            Held held = open.get(new Slot(this, key));
            session = held == null ? null : held.session();
            if (session == null || session.failed()) {
                if (held == null && held(caller) >= MAX_PER_CALLER) {
                    endOldest(caller);
                } else if (held == null && kept >= MAX_PER_SERVER) {
                    endOldest(null);
                }
                session = LegacyHandshake.initialize(link, meta, opening);
                if (open.put(new Slot(this, key), new Held(session, link, this, caller)) == null) {
                    kept++;
                }
            }
        }
        return onThisContext(session);
    }

    /** How many of this route and server's sessions are {@code caller}'s (the cache held). */
    private int held(String caller) {
        int count = 0;
        for (Held held : open.values()) {
            if (held.owner() == this && held.caller().equals(caller)) {
                count++;
            }
        }
        return count;
    }

    /** Ends this route and server's least recently used session, of {@code caller} unless null (the cache held). */
    private void endOldest(String caller) {
        for (var it = open.values().iterator(); it.hasNext(); ) {
            Held oldest = it.next();
            if (oldest.owner() == this && (caller == null || oldest.caller().equals(caller))) {
                oldest.end();
                it.remove();
                kept--;
                return;
            }
        }
    }

    /** The calls in flight on these sessions, and their end once a reload removed the route or pointed it elsewhere. */
    Retirement retirement() {
        return retirement;
    }

    /** Ends every session at the server and forgets them: their route or server is gone from the configuration. */
    void endAll() {
        synchronized (open) {
            for (var it = open.values().iterator(); it.hasNext(); ) {
                Held held = it.next();
                if (held.owner() == this) {
                    held.end();
                    it.remove();
                }
            }
            kept = 0;
        }
    }

    /**
     * The session {@code id} as this instance opened it for {@code key} (with the server's {@code initialize}, whose
     * serverInfo a resumed round's result carries), or one knowing only its id and version when this instance holds
     * it no more, or never did (the round began on another instance).
     */
    Opened known(String key, String id, String version) {
        synchronized (open) {
            Held held = open.get(new Slot(this, key));
            Future<Opened> session = held == null ? null : held.session();
            // a stateless server's session has no id: null is its id here too
            if (session != null && session.succeeded() && Objects.equals(id, session.result().id())) {
                return session.result();
            }
        }
        return new Opened(id, version, null);
    }

    /** Forgets a session the server no longer knows (it answered 404), unless another replaced it already. */
    void forget(String key, Opened stale) {
        synchronized (open) {
            Held held = open.get(new Slot(this, key));
            Future<Opened> current = held == null ? null : held.session();
            if (current != null && current.succeeded() && current.result() == stale) {
                open.remove(new Slot(this, key));
                kept--;
            }
        }
    }

    /** A future shared by several event loops, completed on the caller's. */
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
