package dev.toolgate.policy.oauth2;

import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.oauth2.sdk.GeneralException;
import dev.toolgate.policy.Blocking;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URL;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The authorization server's signing keys. Nimbus's {@link JWKSourceBuilder} fetches them (cached for
 * {@code jwks_cache_ttl}, refetched at most once per {@link #MIN_REFETCH_MILLIS} for an unknown key id,
 * retried once); this class keeps the last set it returned where an event loop can read it without
 * waiting. Keys older than the TTL are refreshed in the background while still used, and stay usable
 * for one more TTL if the authorization server is down, so a slow or unreachable server never stalls
 * requests whose keys are known.
 */
final class SigningKeys {

    private static final Logger LOG = LoggerFactory.getLogger(SigningKeys.class);
    static final long MIN_REFETCH_MILLIS = 5_000;
    private static final JWKMatcher ANY = new JWKMatcher.Builder().build();

    private record Snapshot(JWKSet keys, Instant fetched) {
    }

    private final OAuth2Config config;
    private final ServerMetadata metadata;
    private final InstantSource clock;
    private final AtomicBoolean refreshing = new AtomicBoolean();
    private volatile Snapshot current;
    private JWKSource<SecurityContext> source;
    private URL sourceUrl;

    SigningKeys(OAuth2Config config, ServerMetadata metadata, InstantSource clock) {
        this.config = config;
        this.metadata = metadata;
        this.clock = clock;
    }

    /** The keys an event loop may use now (refreshing them in the background when old), or null. */
    JWKSet usable() {
        Snapshot snapshot = current;
        if (snapshot == null) {
            return null;
        }
        Instant now = clock.instant();
        Instant fresh = snapshot.fetched().plusSeconds(config.jwksCacheTtl());
        if (!fresh.isAfter(now)) {
            refreshInBackground();
            if (!fresh.plusSeconds(config.jwksCacheTtl()).isAfter(now)) {
                return null;
            }
        }
        return snapshot.keys();
    }

    /**
     * Blocking: the keys, fetched when none are known or none matches {@code header} (a rotated key;
     * the refetch is rate-limited). Falls back to the keys known so far when fetching fails.
     */
    JWKSet load(JWSHeader header) throws IOException, GeneralException {
        try {
            JWKSource<SecurityContext> keys = source();
            keys.get(new JWKSelector(header == null ? ANY : JWKMatcher.forJWSHeader(header)), null);
            List<JWK> all = keys.get(new JWKSelector(ANY), null);
            JWKSet set = new JWKSet(all);
            current = new Snapshot(set, clock.instant());
            return set;
        } catch (com.nimbusds.jose.KeySourceException e) {
            Snapshot known = current;
            if (known != null) {
                LOG.debug("fetching the signing keys failed; using the {} known", known.keys().size(), e);
                return known.keys();
            }
            throw new IOException("the authorization server's signing keys could not be fetched: " + e.getMessage(), e);
        }
    }

    private void refreshInBackground() {
        if (refreshing.compareAndSet(false, true)) {
            Blocking.call("jwks-refresh", () -> load(null)).onComplete(done -> {
                refreshing.set(false);
                if (done.failed()) {
                    LOG.warn("refreshing the signing keys of {} failed: {}", config.authorizationServers().getFirst(),
                            done.cause().getMessage());
                }
            });
        }
    }

    private synchronized JWKSource<SecurityContext> source() throws IOException, GeneralException {
        URL url = metadata.jwksUrl();
        if (source == null || !url.equals(sourceUrl)) {
            long ttl = Math.max(1, config.jwksCacheTtl()) * 1000;
            source = JWKSourceBuilder.<SecurityContext>create(url,
                            new DefaultResourceRetriever(config.timeout(), config.timeout(), 512 * 1024))
                    .cache(ttl, Math.min(ttl, config.timeout()))
                    .rateLimited(MIN_REFETCH_MILLIS)
                    .retrying(true)
                    .refreshAheadCache(false)
                    .build();
            sourceUrl = url;
        }
        return source;
    }
}
