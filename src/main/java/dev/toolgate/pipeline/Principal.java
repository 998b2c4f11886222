package dev.toolgate.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.config.Consumer;
import dev.toolgate.digest.Digests;

import java.util.List;

/**
 * Who is calling, as authentication established it: Kong's authenticated consumer, credential and
 * groups. Every later policy and the mode read it from the {@link Exchange}; nothing recomputes it.
 *
 * @param consumer            the consumer, or null when none was identified
 * @param consumerGroups      names of the consumer groups the consumer belongs to
 * @param credential          the credential that authenticated the request, or null (none, or the
 *                            anonymous consumer)
 * @param claims              the access token's claims when a token authenticated the request, else null
 * @param authenticatedGroups groups asserted by the authentication itself (a token's groups claim),
 *                            for Kong's {@code acl} {@code always_use_authenticated_groups}
 * @param anonymous           the consumer is a plugin's {@code anonymous} fallback, not an identified caller
 */
public record Principal(Consumer consumer, List<String> consumerGroups, Credential credential, JsonNode claims,
                        List<String> authenticatedGroups, boolean anonymous) {

    /** Nobody: no authentication ran, or none identified the caller. */
    public static final Principal NONE = new Principal(null, List.of(), null, null, List.of(), false);

    public Principal {
        consumerGroups = List.copyOf(consumerGroups);
        authenticatedGroups = List.copyOf(authenticatedGroups);
    }

    /**
     * The credential a plugin consumed.
     *
     * @param id       the credential's identifier (Kong's {@code X-Credential-Identifier}: a key-auth
     *                 credential's id, a jwt secret's key...)
     * @param plugin   the plugin that checked it, e.g. {@code key-auth}
     * @param entityId the id of the credential as Kong's {@code authenticated_credential} holds it, which
     *                 its log serializer writes as {@code authenticated_entity.id}: the stored credential's
     *                 id, or a virtual credential's (ai-mcp-oauth2's {@code credential_claim}); null when
     *                 Kong would have authenticated no credential
     */
    public record Credential(String id, String plugin, String entityId) {

        /** A stored credential whose identifier is its id (key-auth's). */
        public Credential(String id, String plugin) {
            this(id, plugin, id);
        }
    }

    /**
     * A digest naming this caller for binding a session to it (MCP's guidance: a session id alone must
     * not be enough to act as its owner): of the credential when one authenticated the request, else of
     * the consumer; null for nobody.
     */
    public String sessionOwner() {
        String identity = credential != null ? credential.plugin() + ":" + credential.id()
                : consumer != null ? "consumer:" + consumer.id() : null;
        if (identity == null) {
            return null;
        }
        return java.util.HexFormat.of().formatHex(Digests.sha256(identity), 0, 16);
    }

    /** True when a credential identified the caller (not nobody, not the anonymous fallback). */
    public boolean authenticated() {
        return credential != null;
    }
}
