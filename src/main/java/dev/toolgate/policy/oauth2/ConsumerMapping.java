package dev.toolgate.policy.oauth2;

import dev.toolgate.config.ConfigNode;

import java.util.List;

/**
 * How a validated token becomes a Kong caller, so consumer-based plugins ({@code acl}, tool ACLs on
 * consumers and groups) work with OAuth callers.
 *
 * @param consumerClaim          {@code consumer_claim}: path of the claim naming the consumer; default none;
 *                               only with one authorization server (each names its users on its own)
 * @param consumerBy             {@code consumer_by}: which consumer fields the claim is compared with, in
 *                               order: {@code id}, {@code username}, {@code custom_id}; default
 *                               {@code [custom_id, username]}
 * @param consumerOptional       {@code consumer_optional}: a token whose claim names no consumer is still
 *                               accepted (as a caller without consumer); default false (403)
 * @param groupsClaim            {@code consumer_groups_claim}: path of the claim listing consumer group names
 * @param groupsOptional         {@code consumer_groups_optional}: a token naming no known consumer group is
 *                               still accepted; default false (403)
 * @param credentialClaim        {@code credential_claim}: path of the claim identifying the caller when no
 *                               consumer is mapped ({@code X-Credential-Identifier}, after the token's issuer
 *                               and a space with several authorization servers); default {@code [sub]}
 */
public record ConsumerMapping(List<String> consumerClaim, List<String> consumerBy, boolean consumerOptional,
                              List<String> groupsClaim, boolean groupsOptional, List<String> credentialClaim) {

    public ConsumerMapping {
        consumerClaim = List.copyOf(consumerClaim);
        consumerBy = List.copyOf(consumerBy);
        groupsClaim = List.copyOf(groupsClaim);
        credentialClaim = List.copyOf(credentialClaim);
    }

    static ConsumerMapping read(ConfigNode node) {
        List<String> by = node.has("consumer_by") ? node.texts("consumer_by") : List.of("custom_id", "username");
        for (int i = 0; i < by.size(); i++) {
            if (!List.of("id", "username", "custom_id").contains(by.get(i))) {
                node.report().problem(node.path("consumer_by") + "[" + i + "]", "must be one of id, username, custom_id");
            }
        }
        List<String> credential = node.has("credential_claim") ? node.texts("credential_claim") : List.of("sub");
        return new ConsumerMapping(node.texts("consumer_claim"), by, node.bool("consumer_optional", false),
                node.texts("consumer_groups_claim"), node.bool("consumer_groups_optional", false), credential);
    }
}
