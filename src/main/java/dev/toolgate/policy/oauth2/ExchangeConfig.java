package dev.toolgate.policy.oauth2;

import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import dev.toolgate.config.ConfigNode;
import dev.toolgate.config.Redacted;
import dev.toolgate.mcp.Json;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;

/**
 * {@code token_exchange}: after validating the client's token, trade it at the authorization server
 * (RFC 8693) for one minted for the upstream, and send that upstream instead.
 *
 * @param enabled            exchange tokens; default false
 * @param tokenEndpoint      the token endpoint to exchange at; required when enabled
 * @param client             how the gateway authenticates there ({@code client_auth}, {@code client_id},
 *                           {@code client_secret}); {@code client_auth: inherit} reuses the plugin's own
 *                           (introspection) credentials; default {@code client_secret_basic}
 * @param subjectTokenType   {@code request.subject_token_type}; default
 *                           {@code urn:ietf:params:oauth:token-type:access_token}
 * @param requestedTokenType {@code request.requested_token_type}; default the access token type
 * @param actorTokenSource   {@code request.actor_token_source}: {@code none}, {@code header} (from the
 *                           request header {@code actor_token_header}) or {@code config}
 *                           ({@code actor_token}); default none
 * @param actorTokenHeader   {@code request.actor_token_header}: the request header carrying the actor
 *                           token (it is not sent upstream)
 * @param actorToken         {@code request.actor_token}: a fixed actor token; never shown by the Admin API
 * @param actorTokenType     {@code request.actor_token_type}; default the access token type
 * @param audience           {@code request.audience}: audiences to ask for
 * @param scopes             {@code request.scopes}: scopes to ask for
 * @param resource           {@code request.resource}: the resource indicator to ask for
 * @param cache              {@code cache.enabled}: reuse an exchanged token for the same client token; default true
 * @param cacheTtl           {@code cache.ttl}: seconds an exchanged token is reused when the answer has no
 *                           {@code expires_in}; default 3600
 */
public record ExchangeConfig(boolean enabled, String tokenEndpoint, ClientAuth client, String subjectTokenType,
                             String requestedTokenType, String actorTokenSource, String actorTokenHeader,
                             @JsonSerialize(using = Redacted.class) String actorToken, String actorTokenType,
                             List<String> audience, List<String> scopes, String resource, boolean cache,
                             long cacheTtl) {

    static final String ACCESS_TOKEN = "urn:ietf:params:oauth:token-type:access_token";
    /** No {@code token_exchange} block: the one an empty block reads as, so a dump that shows it loads back equal. */
    static final ExchangeConfig OFF = new ExchangeConfig(false, null,
            new ClientAuth(null, null, "client_secret_basic", null, null), ACCESS_TOKEN, ACCESS_TOKEN, "none", null,
            null, ACCESS_TOKEN, List.of(), List.of(), null, true, 3600);

    public ExchangeConfig {
        audience = List.copyOf(audience);
        scopes = List.copyOf(scopes);
    }

    static ExchangeConfig read(ConfigNode node, ClientAuth inherited) {
        boolean enabled = node.bool("enabled", false);
        // checked here like every other URL of the plugin: Nimbus would refuse it at every exchange, a 500 each
        String endpoint = OAuth2Config.url(node, "token_endpoint", node.text("token_endpoint", null));
        String method = node.oneOf("client_auth", "client_secret_basic",
                List.of("client_secret_basic", "client_secret_post", "none", "inherit"));
        String id = node.text("client_id", null);
        String secret = node.text("client_secret", null);
        ClientAuth client = method.equals("inherit") ? inherited : new ClientAuth(id, secret, method, null, null);
        if (enabled && !method.equals("inherit")) {
            ClientAuth.check(node, method, id, secret, null, null);
        }
        if (enabled && endpoint == null) {
            node.problem("token_endpoint", "is required when token exchange is enabled");
        }
        ConfigNode request = child(node, "request");
        String source = request.oneOf("actor_token_source", "none", List.of("none", "header", "config"));
        String header = request.text("actor_token_header", null);
        String actor = request.text("actor_token", null);
        if (source.equals("header") && header == null) {
            request.problem("actor_token_header", "is required when actor_token_source is header");
        }
        if (source.equals("config") && actor == null) {
            request.problem("actor_token", "is required when actor_token_source is config");
        }
        ConfigNode cache = child(node, "cache");
        ExchangeConfig read = new ExchangeConfig(enabled, endpoint, client,
                tokenType(request, "subject_token_type"), tokenType(request, "requested_token_type"),
                source, header, actor, tokenType(request, "actor_token_type"), request.texts("audience"),
                request.texts("scopes"), resource(request), cache.bool("enabled", true),
                cache.integer("ttl", 3600, 0, Integer.MAX_VALUE));
        request.finish();
        cache.finish();
        node.finish();
        return read;
    }

    /** A token type (RFC 8693 §3): a URI, read when each exchange is made, so a bad one is a problem here. */
    private static String tokenType(ConfigNode request, String key) {
        String type = request.text(key, ACCESS_TOKEN);
        try {
            new URI(type);
        } catch (URISyntaxException e) {
            request.problem(key, "is not a valid URI: " + e.getReason());
        }
        return type;
    }

    /** {@code request.resource}: a resource indicator is an absolute URI without a query or fragment (RFC 8707). */
    private static String resource(ConfigNode request) {
        String resource = request.text("resource", null);
        if (resource == null) {
            return null;
        }
        try {
            URI uri = new URI(resource);
            // RFC 8707 only discourages a query; Nimbus refuses one, at every exchange
            if (!uri.isAbsolute() || uri.getRawQuery() != null || uri.getRawFragment() != null) {
                request.problem("resource", "must be an absolute URI without a query or fragment (RFC 8707)");
            }
        } catch (URISyntaxException e) {
            request.problem("resource", "is not a valid URI: " + e.getReason());
        }
        return resource;
    }

    /** A nested object, or an empty one at its path when absent (so its defaults apply). */
    static ConfigNode child(ConfigNode node, String key) {
        return node.object(key).orElseGet(() -> ConfigNode.at(Json.object(), node.path(key), node.report()));
    }

    /** Its secrets masked: a message or log line that quotes it must not carry them. */
    @Override
    public String toString() {
        return Redacted.describe(this);
    }
}
