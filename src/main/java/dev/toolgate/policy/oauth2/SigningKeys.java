package dev.toolgate.policy.oauth2;

import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.oauth2.sdk.GeneralException;
import dev.toolgate.policy.Blocking;
import dev.toolgate.policy.oauth2.KeySetSource.Snapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One authorization server's signing keys (each listed server has its own: its outage, cache and rate
 * limit touch only the tokens it issued). {@link KeySetSource} fetches them (Nimbus's cache, its refetch limit
 * for unknown key ids, whose hold a fetch waits out, and retry), on the gateway's clock; this class keeps the last set
 * fetched where an event loop can read it without waiting. Keys older than the TTL are refreshed in the
 * background while still used. If the authorization server is down they stay usable for one more TTL
 * and no longer: from {@code fetched + 2 × jwks_cache_ttl} on, a token is not checked with them but refused as unverifiable (503) until a fetch
 * succeeds, so a key the server rotated away (perhaps because it leaked) is not trusted for as long as the
 * server stays unreachable. After a failed fetch the next one is tried no sooner than
 * {@link #MIN_REFETCH_MILLIS} later; requests in between are answered at once (with the keys still within
 * their grace, else 503) instead of each waiting on a server that has just failed. One fetch is in flight
 * at a time: requests that need the keys meanwhile (unknown key ids, a rotation) wait for it, each at most
 * {@code timeout} in all, and are checked with the keys it brought, rather than queueing to fetch again each. A
 * request whose key id a fetch it found under way did not bring waits for one more (started or joined), since that
 * fetch may have asked before the server published the key; that one is final, and the refetch rate limit above
 * bounds what a burst of made-up key ids costs the server. A fetch the limit holds stays in flight until the limit
 * lets it through, so that the burst cannot get a rotated-in key's token refused: whoever needs the keys meanwhile
 * waits for it as for any, and one whose {@code timeout} ends first is answered 503 with {@code Retry-After}.
 */
final class SigningKeys {

    private static final Logger LOG = LoggerFactory.getLogger(SigningKeys.class);
    static final long MIN_REFETCH_MILLIS = 5_000;
    private static final String PAUSED = "a fetch failed less than " + MIN_REFETCH_MILLIS + " ms ago";

    /**
     * A fetch: its place in the order fetches asked the server ({@link #begun}; renumbered each time the refetch
     * limit holds it, since it asks after whoever came meanwhile) and its outcome, for whoever waits for it.
     */
    private record Fetch(AtomicLong number, CompletableFuture<JWKSet> outcome) {
    }

    private final OAuth2Config config;
    private final ServerMetadata metadata;
    private final InstantSource clock;
    /** Told when a fetch fails and when one succeeds: the plugin's outage lines name each server and its return. */
    private final OutageWarnings outage;
    private final AtomicBoolean refreshing = new AtomicBoolean();
    /**
     * The fetch in flight, null when none is: one at a time, and whoever needs the keys meanwhile waits for
     * its outcome instead of fetching again (a burst of unknown key ids costs the server one request, and one more
     * for those that came while it was under way, within the refetch limit).
     */
    private final AtomicReference<Fetch> inFlight = new AtomicReference<>();
    /**
     * How many fetches were begun or asked again after the refetch limit held them: a caller tells the fetches
     * that asked before it came from those that asked after.
     */
    private final AtomicLong begun = new AtomicLong();
    /**
     * A fetch still running after this many {@code timeout}s (a try and Nimbus's retry), besides the refetch limit's
     * window it may wait out first, is given up.
     */
    static final int FETCH_DEADLINE_TIMEOUTS = 2;
    private final KeySetSource source;
    private volatile Snapshot current;
    /** When a fetch may be tried again after one failed; null while the last one succeeded. */
    private volatile Instant retryAt;
    /** While the refetch limit holds the fetch in flight: when it lets it through at the latest; else null. */
    private volatile Instant heldUntil;

    SigningKeys(OAuth2Config config, ServerMetadata metadata, InstantSource clock, OutageWarnings outage) {
        this.config = config;
        this.metadata = metadata;
        this.clock = clock;
        this.outage = outage;
        this.source = new KeySetSource(config, metadata, clock);
    }

    /** The authorization server whose keys these are, as {@code authorization_servers} lists it. */
    String server() {
        return metadata.server();
    }

    /**
     * The keys an event loop may use now (refreshing them in the background once older than the TTL), or
     * null when there are none or they are past their grace: then only {@link #load} can decide. Never blocks.
     */
    JWKSet usable() {
        Snapshot snapshot = current;
        if (snapshot == null) {
            return null;
        }
        Instant now = clock.instant();
        if (now.isBefore(snapshot.fetched().plusSeconds(config.jwksCacheTtl()))) {
            return snapshot.keys();
        }
        if (!graceEnd(snapshot).isAfter(now)) {
            return null;
        }
        refreshInBackground(now);
        return snapshot.keys();
    }

    /**
     * Blocking, for at most {@code timeout} in all: the keys, fetched when none are known, when the known ones
     * are older than the TTL, or when none matches {@code header} (a rotated key; the refetch is rate-limited).
     * While a fetch is in flight the caller waits for that one instead of starting another, and is answered
     * with the keys it brought; when they lack its key id and that fetch had begun before the caller came, it
     * waits for one more fetch, whose keys are the answer whether they hold its key id or not. When the refetch
     * limit still holds that fetch at the end of {@code timeout}: {@link KeySetSource.Held} for a {@code header}
     * (answered 503 with {@code Retry-After}: the keys that would decide are not fetched yet). When a fetch
     * fails, was tried and failed less than {@link #MIN_REFETCH_MILLIS} ago, or is still waiting on the server
     * at the end of {@code timeout}: the known keys while within their grace, else an {@link IOException} (which
     * the caller answers as {@code AuthorizationUnavailable}).
     */
    JWKSet load(JWSHeader header) throws IOException {
        long begunBefore = begun.get();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.timeout());
        JWKSet known = usable();
        if (header != null && known != null && holds(known, header)) {
            // a fetch that ended since the caller looked brought the key: nothing to ask the server
            return known;
        }
        Fetch fetch = inFlightOrStarted(header);
        if (fetch == null) {
            return fallback(PAUSED, null);
        }
        JWKSet keys = await(fetch, deadline, header);
        if (!mayPredateKey(fetch, begunBefore, header) || System.nanoTime() >= deadline) {
            return keys;
        }
        // that fetch was for another key id or a refresh, perhaps asked before the server published this one: one
        // more, which Nimbus's refetch limit bounds as it bounds any for an unknown key id
        Fetch again = inFlightOrStarted(header);
        return again == null ? fallback(PAUSED, null) : await(again, deadline, header);
    }

    /**
     * Whether {@code fetch} brought keys without {@code header}'s key id though it had begun before the caller
     * came ({@code begunBefore}): it may have asked the server before the key was published.
     */
    private static boolean mayPredateKey(Fetch fetch, long begunBefore, JWSHeader header) {
        return header != null && fetch.number().get() <= begunBefore && fetch.outcome().state() == Future.State.SUCCESS
                && !holds(fetch.outcome().resultNow(), header);
    }

    /** The fetch in flight, else one started for {@code header}; null while paused after a failed fetch. */
    private Fetch inFlightOrStarted(JWSHeader header) {
        Fetch fetch = inFlight.get();
        if (fetch != null) {
            return fetch;
        }
        Instant retry = retryAt;
        if (retry != null && clock.instant().isBefore(retry)) {
            return null;
        }
        return start(header);
    }

    /** The fetch in flight: the one this call starts for {@code header}, or one another call started meanwhile. */
    private Fetch start(JWSHeader header) {
        // numbered before it is in flight: one under way when a caller comes always counts as begun before it (one
        // numbered and not yet in flight may too: at worst one more fetch, within the refetch limit)
        Fetch mine = new Fetch(new AtomicLong(begun.incrementAndGet()), new CompletableFuture<>());
        Fetch running = inFlight.compareAndExchange(null, mine);
        if (running != null) {
            return running;
        }
        // its own virtual thread: callers stop waiting at their timeout, the fetch goes on to its end (the keys it
        // brings serve the next requests; its failure starts the pause before the next try)
        Thread fetcher = Thread.ofVirtual().name("jwks-fetch").start(() -> run(header, mine));
        // Nimbus bounds each read, not the answer: a key set trickling in would hold the one fetch, and every request
        // joining it, for good. Past what the refetch limit's hold, a try and Nimbus's retry may take it is
        // interrupted: a virtual thread's socket read ends then, the fetch fails, and the pause before the next begins
        long deadline = FETCH_DEADLINE_TIMEOUTS * config.timeout() + source.refetchInterval();
        CompletableFuture.delayedExecutor(deadline, TimeUnit.MILLISECONDS)
                .execute(() -> {
                    if (!mine.outcome().isDone()) {
                        fetcher.interrupt();
                    }
                });
        return mine;
    }

    /** The fetch itself; whoever waits for it learns its outcome from its {@code outcome}. */
    private void run(JWSHeader header, Fetch fetch) {
        CompletableFuture<JWKSet> outcome = fetch.outcome();
        try {
            Snapshot fetched = source.fetch(header, until -> {
                heldUntil = until;
                fetch.number().set(begun.incrementAndGet());
            });
            JWKSet set = fetched.keys();
            Snapshot known = current;
            // the same set is one Nimbus served from its cache: it was not fetched now and keeps its age
            if (known == null || set != known.keys()) {
                current = fetched;
            }
            retryAt = null;
            outage.answered(metadata.server());
            finish(outcome, set, null);
        } catch (RateLimitReachedException e) {
            // no fetch was made (an unknown key id asked for one too soon): the server did not fail
            finish(outcome, null, e);
        } catch (KeySourceException | IOException | GeneralException e) {
            // from when it failed: a fetch that took the whole timeout must not leave the next one due at once
            retryAt = clock.instant().plusMillis(MIN_REFETCH_MILLIS);
            outage.failed(metadata.server());
            LOG.warn("fetching the signing keys of {} failed (next try in {} ms at the earliest): {}",
                    metadata.server(), MIN_REFETCH_MILLIS, e.getMessage());
            finish(outcome, null, e);
        } catch (RuntimeException | Error e) {
            finish(outcome, null, e);
        }
    }

    /** Ends the fetch in flight before telling its waiters, so that the next unknown key id may start one. */
    private void finish(CompletableFuture<JWKSet> outcome, JWKSet set, Throwable failure) {
        heldUntil = null;
        inFlight.set(null);
        if (failure == null) {
            outcome.complete(set);
        } else {
            outcome.completeExceptionally(failure);
        }
    }

    /**
     * The outcome of {@code fetch}, waited for until {@code deadline} (nano time); the fallback when it is a failure,
     * or when it is late but not held by the refetch limit, or is so for no {@code header} (a refresh).
     */
    private JWKSet await(Fetch fetch, long deadline, JWSHeader header) throws IOException {
        try {
            return fetch.outcome().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the signing keys", e);
        } catch (TimeoutException e) {
            Instant held = heldUntil;
            Instant now = clock.instant();
            if (header != null && held != null && held.isAfter(now)) {
                // the known keys lack the key id: checked with them it would be refused, for the limit's sake only
                throw new KeySetSource.Held(metadata.server(), Math.max(1,
                        (Duration.between(now, held).toMillis() + 999) / 1000));
            }
            return fallback("no answer from the authorization server within " + config.timeout() + " ms", null);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            return fallback(cause instanceof RateLimitReachedException
                    ? "the refetch for an unknown key id is rate-limited" : cause.getMessage(), cause);
        }
    }

    private static boolean holds(JWKSet set, JWSHeader header) {
        return KeySetSource.holds(set, header);
    }

    /** When the keys stop being usable: one TTL after they went stale, whatever the authorization server does. */
    private Instant graceEnd(Snapshot snapshot) {
        return snapshot.fetched().plusSeconds(config.jwksCacheTtl()).plusSeconds(config.jwksCacheTtl());
    }

    /** The known keys while within their grace, else the failure to fetch them. */
    private JWKSet fallback(String why, Throwable cause) throws IOException {
        Snapshot known = current;
        if (known != null && graceEnd(known).isAfter(clock.instant())) {
            LOG.debug("the signing keys could not be fetched ({}); using the {} known until {}", why,
                    known.keys().size(), graceEnd(known));
            return known.keys();
        }
        throw new IOException("the authorization server's signing keys could not be fetched (" + why + ")"
                + (known == null ? "" : "; the known ones are past their grace since " + graceEnd(known)), cause);
    }

    private void refreshInBackground(Instant now) {
        Instant retry = retryAt;
        if (retry != null && now.isBefore(retry)) {
            // a fetch failed moments ago: the keys serve on, and a request after the pause tries again
            return;
        }
        if (refreshing.compareAndSet(false, true)) {
            Blocking.call("jwks-refresh", () -> load(null)).onComplete(done -> {
                refreshing.set(false);
                if (done.failed()) {
                    LOG.warn("refreshing the signing keys of {} failed: {}", metadata.server(),
                            done.cause().getMessage());
                }
            });
        }
    }
}
