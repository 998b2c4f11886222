package dev.toolgate.policy.oauth2;

import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSetBasedJWKSource;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.oauth2.sdk.GeneralException;
import dev.toolgate.policy.Blocking;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URL;
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
 * limit touch only the tokens it issued). Nimbus's {@link JWKSourceBuilder} fetches them (cached for
 * {@code jwks_cache_ttl}, refetched for an unknown key id at most twice per {@link #MIN_REFETCH_MILLIS}
 * or half the TTL when shorter, retried once), on the gateway's clock; this class keeps the last set
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
 * bounds what a burst of made-up key ids costs the server.
 */
final class SigningKeys {

    private static final Logger LOG = LoggerFactory.getLogger(SigningKeys.class);
    static final long MIN_REFETCH_MILLIS = 5_000;
    private static final String PAUSED = "a fetch failed less than " + MIN_REFETCH_MILLIS + " ms ago";

    /** A key set and when it was fetched from the authorization server (not when it was last read from a cache). */
    private record Snapshot(JWKSet keys, Instant fetched) {
    }

    /** A fetch: its place in the order fetches began ({@link #begun}) and its outcome, for whoever waits for it. */
    private record Fetch(long number, CompletableFuture<JWKSet> outcome) {
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
    /** How many fetches were begun: a caller tells the fetches begun before it came from those begun after. */
    private final AtomicLong begun = new AtomicLong();
    /** A fetch still running after this many {@code timeout}s (a try and Nimbus's retry) is given up. */
    static final int FETCH_DEADLINE_TIMEOUTS = 2;
    private volatile Snapshot current;
    /** When a fetch may be tried again after one failed; null while the last one succeeded. */
    private volatile Instant retryAt;
    private JWKSetSource<SecurityContext> source;
    private URL sourceUrl;

    SigningKeys(OAuth2Config config, ServerMetadata metadata, InstantSource clock, OutageWarnings outage) {
        this.config = config;
        this.metadata = metadata;
        this.clock = clock;
        this.outage = outage;
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
     * waits for one more fetch, whose keys are the answer whether they hold its key id or not. When a fetch
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
        JWKSet keys = await(fetch, deadline);
        if (!mayPredateKey(fetch, begunBefore, header) || System.nanoTime() >= deadline) {
            return keys;
        }
        // that fetch was for another key id or a refresh, perhaps asked before the server published this one: one
        // more, which Nimbus's refetch limit bounds as it bounds any for an unknown key id
        Fetch again = inFlightOrStarted(header);
        return again == null ? fallback(PAUSED, null) : await(again, deadline);
    }

    /**
     * Whether {@code fetch} brought keys without {@code header}'s key id though it had begun before the caller
     * came ({@code begunBefore}): it may have asked the server before the key was published.
     */
    private static boolean mayPredateKey(Fetch fetch, long begunBefore, JWSHeader header) {
        return header != null && fetch.number() <= begunBefore && fetch.outcome().state() == Future.State.SUCCESS
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
        Fetch mine = new Fetch(begun.incrementAndGet(), new CompletableFuture<>());
        Fetch running = inFlight.compareAndExchange(null, mine);
        if (running != null) {
            return running;
        }
        // its own virtual thread: callers stop waiting at their timeout, the fetch goes on to its end (the keys it
        // brings serve the next requests; its failure starts the pause before the next try)
        Thread fetcher = Thread.ofVirtual().name("jwks-fetch").start(() -> run(header, clock.instant(), mine.outcome()));
        // Nimbus bounds each read, not the answer: a key set trickling in would hold the one fetch, and every request
        // joining it, for good. Past what a try and Nimbus's retry may take it is interrupted: a virtual thread's
        // socket read ends then, the fetch fails, and the pause before the next one begins
        CompletableFuture.delayedExecutor(FETCH_DEADLINE_TIMEOUTS * config.timeout(), TimeUnit.MILLISECONDS)
                .execute(() -> {
                    if (!mine.outcome().isDone()) {
                        fetcher.interrupt();
                    }
                });
        return mine;
    }

    /** The fetch itself; whoever waits for it learns its outcome from {@code outcome}. */
    private void run(JWSHeader header, Instant now, CompletableFuture<JWKSet> outcome) {
        try {
            JWKSet set = fetch(header, now);
            Snapshot known = current;
            // the same set is one Nimbus served from its cache: it was not fetched now and keeps its age
            if (known == null || set != known.keys()) {
                current = new Snapshot(set, now);
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
        inFlight.set(null);
        if (failure == null) {
            outcome.complete(set);
        } else {
            outcome.completeExceptionally(failure);
        }
    }

    /** The outcome of {@code fetch}, waited for until {@code deadline} (nano time); the fallback when it is a failure. */
    private JWKSet await(Fetch fetch, long deadline) throws IOException {
        try {
            return fetch.outcome().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the signing keys", e);
        } catch (TimeoutException e) {
            return fallback("no answer from the authorization server within " + config.timeout() + " ms", null);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            return fallback(cause instanceof RateLimitReachedException
                    ? "the refetch for an unknown key id is rate-limited" : cause.getMessage(), cause);
        }
    }

    private static boolean holds(JWKSet set, JWSHeader header) {
        return !new JWKSelector(JWKMatcher.forJWSHeader(header)).select(set).isEmpty();
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

    /** Asks Nimbus's source for the keys at {@code now}, once more with a refresh when none matches {@code header}. */
    private JWKSet fetch(JWSHeader header, Instant now) throws KeySourceException, IOException, GeneralException {
        JWKSetSource<SecurityContext> keys = source();
        long at = now.toEpochMilli();
        JWKSet set = keys.getJWKSet(JWKSetCacheRefreshEvaluator.noRefresh(), at, null);
        if (header != null && !holds(set, header)) {
            // a key id the set lacks: the server may have rotated its keys
            set = keys.getJWKSet(JWKSetCacheRefreshEvaluator.referenceComparison(set), at, null);
        }
        return set;
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

    /**
     * Nimbus's retriever, bounded (the timeouts, 512 KiB), not following redirects: the metadata's own fetch
     * follows none, and a key set is taken from the address the server's metadata names or none.
     */
    private static final class UnredirectedRetriever extends DefaultResourceRetriever {

        UnredirectedRetriever(int timeout) {
            super(timeout, timeout, 512 * 1024);
        }

        @Override
        protected HttpURLConnection openConnection(URL url) throws IOException {
            HttpURLConnection connection = super.openConnection(url);
            connection.setInstanceFollowRedirects(false);
            return connection;
        }
    }

    /** Called by the fetch in flight only, so by one thread at a time. */
    private JWKSetSource<SecurityContext> source() throws IOException, GeneralException {
        URL url = metadata.jwksUrl();
        if (source == null || !url.equals(sourceUrl)) {
            long ttl = Math.max(1, config.jwksCacheTtl()) * 1000;
            var built = (JWKSetBasedJWKSource<SecurityContext>) JWKSourceBuilder.<SecurityContext>create(url,
                            new UnredirectedRetriever(config.timeout()))
                    .cache(ttl, Math.min(ttl, config.timeout()))
                    // Nimbus refuses a pause as long as the TTL, which would fail every fetch of a short-TTL route
                    .rateLimited(Math.min(MIN_REFETCH_MILLIS, ttl / 2))
                    .retrying(true)
                    .refreshAheadCache(false)
                    .build();
            // asked through its JWKSetSource, which takes the time: Nimbus's cache and rate limit then run on the
            // gateway's clock, as the keys' grace does (JWKSetBasedJWKSource.get would read the system's)
            source = built.getJWKSetSource();
            sourceUrl = url;
        }
        return source;
    }
}
