package dev.toolgate.policy.oauth2;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.config.Consumer;
import dev.toolgate.pipeline.Consumers;
import dev.toolgate.pipeline.Principal;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Turns a valid token's claims into the caller: the consumer its {@code consumer_claim} names (looked
 * up by {@code consumer_by}), the consumer groups its {@code consumer_groups_claim} names, and a
 * credential identifier from {@code credential_claim}. The claims stay on the caller, for tool ACLs
 * on token claims ({@code acl_attribute_type: oauth_access_token}).
 *
 * <p>With several authorization servers the credential identifier is the token's issuer, a space, then
 * what one server's would be: each server names its users (and its clients) in its own namespace, and
 * only {@code iss} and {@code sub} together identify a user (OpenID Connect Core §5.7), so one server's
 * {@code sub} never joins another's sessions, counts or upstream identity. An issuer is a URL, which holds
 * no space: the identifier says where the issuer ends. One server's identifiers stay as they always were.
 */
final class Callers {

    static final String PLUGIN = "ai-mcp-oauth2";

    /** A caller, or why the token names none acceptable (403). */
    record Mapped(Principal caller, String refusal) {
    }

    private final ConsumerMapping mapping;
    private final Consumers consumers;
    private final Set<String> groupNames;
    /** More than one authorization server is listed: credentials are told apart by issuer. */
    private final boolean byIssuer;

    Callers(ConsumerMapping mapping, Consumers consumers, Set<String> groupNames, boolean byIssuer) {
        this.mapping = mapping;
        this.consumers = consumers;
        this.groupNames = groupNames;
        this.byIssuer = byIssuer;
    }

    Mapped map(JsonNode claims) {
        Consumer consumer = null;
        if (!mapping.consumerClaim().isEmpty()) {
            String value = text(ClaimHeader.at(claims, mapping.consumerClaim()));
            consumer = value == null ? null : lookup(value).orElse(null);
            if (consumer == null && !mapping.consumerOptional()) {
                return new Mapped(null, "Forbidden: no consumer matches the token's "
                        + String.join(".", mapping.consumerClaim()) + " claim");
            }
        }
        List<String> claimed = values(mapping.groupsClaim().isEmpty() ? null : ClaimHeader.at(claims, mapping.groupsClaim()));
        Set<String> groups = new LinkedHashSet<>(consumer == null ? List.of() : consumers.groupsOf(consumer));
        claimed.stream().filter(groupNames::contains).forEach(groups::add);
        if (!mapping.groupsClaim().isEmpty() && groups.isEmpty() && !mapping.groupsOptional()) {
            return new Mapped(null, "Forbidden: the token's " + String.join(".", mapping.groupsClaim())
                    + " claim names no known consumer group");
        }
        String credential = issued(claims, credential(claims, consumer));
        // Kong's virtual credential is the credential claim's value; without it, none is logged
        String virtual = issued(claims, text(ClaimHeader.at(claims, mapping.credentialClaim())));
        return new Mapped(new Principal(consumer, List.copyOf(groups), new Principal.Credential(credential, PLUGIN, virtual),
                claims, claimed, false), null);
    }

    /**
     * Who the token stands for, for session binding and limits by credential: the credential claim, else
     * the consumer, else the OAuth client the token was issued to, else this token alone (never one id
     * shared by every token without those claims, which would let them use each other's sessions).
     */
    private String credential(JsonNode claims, Consumer consumer) {
        String claimed = text(ClaimHeader.at(claims, mapping.credentialClaim()));
        if (claimed != null) {
            return claimed;
        }
        if (consumer != null) {
            return consumer.id();
        }
        for (String client : new String[] {"client_id", "azp"}) {
            String value = text(claims.get(client));
            if (value != null) {
                return "client:" + value;
            }
        }
        return "token:" + Tokens.digest(claims.toString());
    }

    /** {@code id} within its issuer's namespace when several servers are listed (ClaimRules made sure of {@code iss}). */
    private String issued(JsonNode claims, String id) {
        if (!byIssuer || id == null) {
            return id;
        }
        return ServerMetadata.trim(claims.path("iss").asText()) + " " + id;
    }

    private Optional<Consumer> lookup(String value) {
        for (String field : mapping.consumerBy()) {
            Optional<Consumer> found = switch (field) {
                case "id" -> consumers.byId(value);
                case "username" -> consumers.byUsername(value);
                default -> consumers.byCustomId(value);
            };
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    private static String text(JsonNode node) {
        return node != null && node.isValueNode() && !node.isNull() ? node.asText() : null;
    }

    private static List<String> values(JsonNode node) {
        List<String> values = new ArrayList<>();
        if (node == null || node.isNull()) {
            return values;
        }
        if (node.isArray()) {
            node.forEach(v -> {
                if (v.isValueNode()) {
                    values.add(v.asText());
                }
            });
        } else if (node.isTextual()) {
            values.addAll(List.of(node.asText().trim().split("\\s+")));
        }
        return values;
    }
}
