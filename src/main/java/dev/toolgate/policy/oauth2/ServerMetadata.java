package dev.toolgate.policy.oauth2;

import com.nimbusds.oauth2.sdk.GeneralException;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;

/**
 * One authorization server's metadata (RFC 8414, or OpenID Connect discovery), fetched when first
 * needed and reused for {@code metadata_cache_ttl}: where its keys are, and its issuer. The URLs are
 * tried in the order the MCP specification gives; each {@code metadata_discovery_retry} times.
 * Blocking: called on virtual threads only.
 */
final class ServerMetadata {

    /** After a failed fetch, how long a stale copy serves before the next try: each try may take seconds. */
    static final int RETRY_STALE_SECONDS = 30;

    private record Cached(AuthorizationServerMetadata metadata, Instant refetchAt) {
    }

    private final OAuth2Config config;
    /** The issuer as {@code authorization_servers} lists it. */
    private final String server;
    private final InstantSource clock;
    private volatile Cached cached;

    /** The metadata of {@code server}, one of {@code config}'s {@code authorization_servers}. */
    ServerMetadata(OAuth2Config config, String server, InstantSource clock) {
        this.config = config;
        this.server = server;
        this.clock = clock;
    }

    /** The authorization server as configured (its issuer URL): whose metadata this is. */
    String server() {
        return server;
    }

    /**
     * The metadata, fetched again once older than {@code metadata_cache_ttl}; a stale copy when fetching
     * fails, kept without a new try for {@link #RETRY_STALE_SECONDS} (or the TTL, when shorter).
     */
    AuthorizationServerMetadata get() throws IOException, GeneralException {
        Cached current = cached;
        if (current != null && current.refetchAt().isAfter(clock.instant())) {
            return current.metadata();
        }
        try {
            AuthorizationServerMetadata fetched = fetch();
            cached = new Cached(fetched, clock.instant().plusSeconds(config.metadataCacheTtl()));
            return fetched;
        } catch (IOException | GeneralException e) {
            if (current != null) {
                long wait = Math.min(RETRY_STALE_SECONDS, Math.max(1, config.metadataCacheTtl()));
                cached = new Cached(current.metadata(), clock.instant().plusSeconds(wait));
                return current.metadata();
            }
            throw e;
        }
    }

    private AuthorizationServerMetadata fetch() throws IOException, GeneralException {
        IOException lastIo = null;
        for (URI candidate : candidates()) {
            for (int attempt = 0; attempt < Math.max(1, config.discoveryRetry()); attempt++) {
                try {
                    HTTPRequest request = new HTTPRequest(HTTPRequest.Method.GET, candidate);
                    request.setConnectTimeout(config.timeout());
                    request.setReadTimeout(config.timeout());
                    HTTPResponse response = request.send(BoundedSender.INSTANCE);
                    if (response.getStatusCode() != 200) {
                        break;
                    }
                    AuthorizationServerMetadata metadata = AuthorizationServerMetadata.parse(response.getBody());
                    checkIssuer(metadata, candidate);
                    return metadata;
                } catch (IOException e) {
                    lastIo = e;
                } catch (ParseException e) {
                    break;
                }
            }
        }
        if (lastIo != null) {
            throw lastIo;
        }
        throw new GeneralException("no authorization server metadata at " + candidates());
    }

    /** RFC 8414 §3.3: the metadata must name the issuer it was discovered for. */
    private void checkIssuer(AuthorizationServerMetadata metadata, URI from) throws GeneralException {
        if (config.discoveryEndpoint() != null) {
            return;
        }
        String expected = trim(server);
        if (metadata.getIssuer() == null || !trim(metadata.getIssuer().getValue()).equals(expected)) {
            throw new GeneralException("the metadata at " + from + " names issuer " + metadata.getIssuer()
                    + ", not " + expected);
        }
    }

    /** Where to look: {@code metadata_discovery_endpoint}, else the well-known URLs of the issuer. */
    List<URI> candidates() {
        if (config.discoveryEndpoint() != null) {
            return List.of(URI.create(config.discoveryEndpoint()));
        }
        URI issuer = URI.create(trim(server));
        String path = issuer.getRawPath() == null ? "" : issuer.getRawPath();
        String origin = issuer.getScheme() + "://" + issuer.getRawAuthority();
        List<URI> urls = new ArrayList<>();
        urls.add(URI.create(origin + "/.well-known/oauth-authorization-server" + path));
        urls.add(URI.create(origin + "/.well-known/openid-configuration" + path));
        if (!path.isEmpty()) {
            urls.add(URI.create(origin + path + "/.well-known/openid-configuration"));
        }
        return urls;
    }

    /** The JWK Set URL: {@code jwks_endpoint}, else the metadata's {@code jwks_uri}. */
    URL jwksUrl() throws IOException, GeneralException {
        if (config.jwksEndpoint() != null) {
            return URI.create(config.jwksEndpoint()).toURL();
        }
        URI uri = get().getJWKSetURI();
        if (uri == null) {
            throw new GeneralException("the authorization server's metadata has no jwks_uri");
        }
        // a server's word, not the operator's: a file: or jar: URL would have the gateway read its own disk
        if (!"https".equalsIgnoreCase(uri.getScheme()) && !"http".equalsIgnoreCase(uri.getScheme())) {
            throw new GeneralException("the authorization server's metadata names a jwks_uri that is not an http(s) URL");
        }
        return uri.toURL();
    }

    /** The issuer the metadata names, or null when it was not fetched. */
    String issuer() {
        Cached current = cached;
        return current == null || current.metadata().getIssuer() == null ? null : current.metadata().getIssuer().getValue();
    }

    static String trim(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
