package dev.toolgate.cluster;

import dev.toolgate.mcp.Session;
import dev.toolgate.mcp.SessionStore;
import io.vertx.core.Future;

import java.time.InstantSource;

/**
 * {@code strategy: client}: a session is its id. Everything needed to continue it (protocol version,
 * client info and capabilities, creation and expiry time) is sealed into the id ({@link
 * SessionCipher}), so any instance holding one of the secrets serves it and none keeps anything for
 * it: an idle session costs the gateway no memory. The lifetime is fixed at creation
 * ({@code session_ttl}); an ended session is remembered in {@link Revocations} until then.
 */
public final class SealedSessionStore implements SessionStore {

    private final SessionCipher cipher;
    private final Revocations revocations;
    private final InstantSource clock;

    SealedSessionStore(SessionCipher cipher, Revocations revocations, InstantSource clock) {
        this.cipher = cipher;
        this.revocations = revocations;
        this.clock = clock;
    }

    /** Nothing is held: the session is the id, so there is nothing to count. */
    @Override
    public Future<Session> create(Session draft, long ttlSeconds, String client) {
        long expiresAt = clock.millis() + Math.multiplyExact(ttlSeconds, 1000L);
        return Future.succeededFuture(draft.withId(cipher.seal(SessionJson.write(draft, expiresAt), draft.endpoint())));
    }

    @Override
    public Future<Session> find(String id, String endpoint) {
        SessionCipher.Opened opened = cipher.open(id, endpoint);
        Session session = opened == null ? null : SessionJson.readUnexpired(id, opened.plaintext(), clock.millis());
        if (session == null || !session.endpoint().equals(endpoint)) {
            return Future.succeededFuture();
        }
        return revocations.revoked(opened.nonce()).map(revoked -> revoked ? null : session);
    }

    @Override
    public Future<Void> remove(Session session) {
        return remove(session, null);
    }

    @Override
    public Future<Void> remove(Session session, String client) {
        SessionCipher.Opened opened = cipher.open(session.id(), session.endpoint());
        if (opened == null) {
            return Future.succeededFuture();
        }
        return revocations.revoke(opened.nonce(), SessionJson.expiresAt(opened.plaintext()), client);
    }

    @Override
    public int size() {
        return -1;
    }
}
