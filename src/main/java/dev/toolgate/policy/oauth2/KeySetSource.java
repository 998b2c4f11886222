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

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URL;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One authorization server's key set as Nimbus's {@link JWKSourceBuilder} fetches it: cached for
 * {@code jwks_cache_ttl}, refetched for an unknown key id at most twice per {@link #refetchInterval()} (Nimbus's
 * rate limit), retried once, on the gateway's clock. A refetch the limit holds is not given up but asked of
 * Nimbus again every {@link #HELD_POLL_MILLIS} until the limit lets it through: a burst of made-up key ids spends
 * the limit, and a token of a key the server has just rotated in would otherwise be refused (401, which sends an MCP
 * client through its whole authorization flow again) until the next window. Nimbus alone decides when a fetch may
 * go: asking it again costs no request to the server, and one fetch is asked at a time ({@link SigningKeys}).
 */
final class KeySetSource {

    /** A key set and when it was fetched from the authorization server (not when it was last read from a cache). */
    record Snapshot(JWKSet keys, Instant fetched) {
    }

    /**
     * A request waited for a refetch the limit still holds: 503 with {@code Retry-After}, never 401, since the
     * key set that would decide is not fetched yet.
     *
     * @param retryAfterSeconds when the refetch is allowed at the latest, in whole seconds from now (at least 1)
     */
    static final class Held extends IOException {

        private final long retryAfterSeconds;

        Held(String server, long retryAfterSeconds) {
            super("the refetch of " + server + "'s signing keys for an unknown key id is held by the refetch limit "
                    + "for " + retryAfterSeconds + " s more at most");
            this.retryAfterSeconds = retryAfterSeconds;
        }

        long retryAfterSeconds() {
            return retryAfterSeconds;
        }
    }

    /** How often a held refetch asks Nimbus's limit again: a check in memory, never a request to the server. */
    static final long HELD_POLL_MILLIS = 100;

    private final OAuth2Config config;
    private final ServerMetadata metadata;
    private final InstantSource clock;
    private JWKSetSource<SecurityContext> source;
    private URL sourceUrl;

    KeySetSource(OAuth2Config config, ServerMetadata metadata, InstantSource clock) {
        this.config = config;
        this.metadata = metadata;
        this.clock = clock;
    }

    /**
     * Nimbus's refetch window: {@link SigningKeys#MIN_REFETCH_MILLIS}, or half the TTL when shorter (Nimbus refuses a
     * window as long as the TTL, which would fail every fetch of a short-TTL route).
     */
    long refetchInterval() {
        return Math.min(SigningKeys.MIN_REFETCH_MILLIS, ttlMillis() / 2);
    }

    /**
     * The key set, fetched once more when none matches {@code header}. While Nimbus's limit holds that refetch,
     * {@code held} is told when the limit lets it through at the latest, before each new ask. Called by one thread
     * at a time. A clock that does not move as time does (a test's) gives up after one window of real time.
     */
    Snapshot fetch(JWSHeader header, Consumer<Instant> held) throws KeySourceException, IOException, GeneralException {
        Instant heldUntil = null;
        long giveUp = 0;
        while (true) {
            Instant now = clock.instant();
            try {
                return new Snapshot(ask(header, now), now);
            } catch (RateLimitReachedException e) {
                if (heldUntil == null) {
                    // the window that refused it opened at the latest now: it has closed by one interval later
                    heldUntil = now.plusMillis(refetchInterval());
                    giveUp = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(refetchInterval() + HELD_POLL_MILLIS);
                } else if (System.nanoTime() - giveUp > 0) {
                    throw e;
                }
                held.accept(heldUntil);
                pause();
            }
        }
    }

    private static void pause() throws IOException {
        try {
            Thread.sleep(HELD_POLL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the refetch limit held the fetch", e);
        }
    }

    /** Asks Nimbus's source for the keys at {@code now}, once more with a refresh when none matches {@code header}. */
    private JWKSet ask(JWSHeader header, Instant now) throws KeySourceException, IOException, GeneralException {
        JWKSetSource<SecurityContext> keys = source();
        long at = now.toEpochMilli();
        JWKSet set = keys.getJWKSet(JWKSetCacheRefreshEvaluator.noRefresh(), at, null);
        if (header != null && !holds(set, header)) {
            // a key id the set lacks: the server may have rotated its keys
            set = keys.getJWKSet(JWKSetCacheRefreshEvaluator.referenceComparison(set), at, null);
        }
        return set;
    }

    static boolean holds(JWKSet set, JWSHeader header) {
        return !new JWKSelector(JWKMatcher.forJWSHeader(header)).select(set).isEmpty();
    }

    private long ttlMillis() {
        return Math.max(1, config.jwksCacheTtl()) * 1000L;
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

    private JWKSetSource<SecurityContext> source() throws IOException, GeneralException {
        URL url = metadata.jwksUrl();
        if (source == null || !url.equals(sourceUrl)) {
            long ttl = ttlMillis();
            var built = (JWKSetBasedJWKSource<SecurityContext>) JWKSourceBuilder.<SecurityContext>create(url,
                            new UnredirectedRetriever(config.timeout()))
                    .cache(ttl, Math.min(ttl, config.timeout()))
                    .rateLimited(refetchInterval())
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
