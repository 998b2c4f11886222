package dev.toolgate.mode.acl;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.config.Consumer;
import dev.toolgate.pipeline.Principal;
import dev.toolgate.pipeline.ScopeChallenge;

import java.util.List;

/**
 * What ACL entries are compared with for one caller: the consumer attribute named by
 * {@code consumer_identifier} and the consumer's groups, or, with
 * {@code acl_attribute_type: oauth_access_token}, the values of the token claim at
 * {@code access_token_claim_field}. Built once per exchange.
 *
 * @param consumer       the consumer, or null
 * @param identifier     the consumer's identifier value, or null
 * @param identifierType {@code username}, {@code consumer_id} or {@code custom_id}
 * @param groups         the consumer's group names
 * @param claims         the claim's values (an array's elements; a {@code scope} string split on spaces)
 */
public record AclSubject(Consumer consumer, String identifier, String identifierType, List<String> groups,
                         List<String> claims) {

    public AclSubject {
        groups = List.copyOf(groups);
        claims = List.copyOf(claims);
    }

    /** An entry of an allow or deny list that matched, and which kind of subject it named. */
    public record Match(String entry, String type) {
    }

    /** The subject of a caller under an endpoint's rules. */
    public static AclSubject of(Principal caller, SubjectRules rules) {
        if (rules.claimPath() != null) {
            return new AclSubject(caller.consumer(), null, "claim", List.of(), claimValues(caller.claims(), rules.claimPath()));
        }
        Consumer consumer = caller.consumer();
        if (consumer == null) {
            return new AclSubject(null, null, rules.consumerIdentifier(), List.of(), List.of());
        }
        String identifier = switch (rules.consumerIdentifier()) {
            case "consumer_id" -> consumer.id();
            case "custom_id" -> consumer.customId();
            default -> consumer.username();
        };
        return new AclSubject(consumer, identifier, rules.consumerIdentifier(), caller.consumerGroups(), List.of());
    }

    /** True when nothing identifies the caller: no consumer and no claim value. */
    public boolean nobody() {
        return consumer == null && identifier == null && groups.isEmpty() && claims.isEmpty();
    }

    /** The first entry that names this subject, or null. */
    Match match(List<String> entries, boolean includeGroups) {
        for (String entry : entries) {
            if (entry.equals(identifier)) {
                return new Match(entry, identifierType);
            }
            if (includeGroups && groups.contains(entry)) {
                return new Match(entry, "consumer_group");
            }
            if (claims.contains(entry)) {
                return new Match(entry, "claim");
            }
        }
        return null;
    }

    /** A key that equal subjects share, for caching what they may see. */
    String key() {
        // every part length-prefixed: the group "a, b" and the groups a and b must not share a key (a list's
        // toString would make them equal, and one subject would see what the other may)
        StringBuilder key = new StringBuilder(64);
        // nobody (refused by every ACL) and a consumer lacking the identifier's attribute differ in nothing else
        key.append(nobody() ? '0' : '1');
        part(key, identifierType);
        part(key, identifier);
        key.append(groups.size()).append('#');
        groups.forEach(g -> part(key, g));
        key.append(claims.size()).append('#');
        claims.forEach(c -> part(key, c));
        return key.toString();
    }

    private static void part(StringBuilder key, String value) {
        if (value == null) {
            key.append('-');
        } else {
            key.append(value.length()).append(':').append(value);
        }
    }

    private static List<String> claimValues(JsonNode claims, List<String> path) {
        JsonNode node = claims;
        for (String segment : path) {
            node = node == null ? null : node.get(segment);
        }
        if (node == null || node.isNull()) {
            return List.of();
        }
        boolean scopes = path.getLast().equals("scope") || path.getLast().equals("scp");
        if (node.isArray() || node.isTextual() && scopes) {
            return ScopeChallenge.scopesOf(node);
        }
        return node.isValueNode() ? List.of(node.asText()) : List.of();
    }
}
