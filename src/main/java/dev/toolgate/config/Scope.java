package dev.toolgate.config;

import java.util.List;

/**
 * Where a plugin applies. Nested plugins take it from their parent entity; top-level plugins from
 * their {@code route}, {@code service}, {@code consumer} and {@code consumer_group} references.
 */
record Scope(String routeId, String serviceId, String consumerId, String consumerGroupId, boolean nested) {

    static final List<String> REFERENCE_KEYS = List.of("route", "service", "consumer", "consumer_group");

    static Scope route(String routeId) {
        return new Scope(routeId, null, null, null, true);
    }

    static Scope service(String serviceId) {
        return new Scope(null, serviceId, null, null, true);
    }

    static Scope consumer(String consumerId) {
        return new Scope(null, null, consumerId, null, true);
    }

    static Scope consumerGroup(String groupId) {
        return new Scope(null, null, null, groupId, true);
    }

    /**
     * Scope of a top-level plugin, resolving its references; unknown ones are reported. Kong refuses a
     * plugin scoped to both a consumer and a consumer group (mutually exclusive fields); applied by its
     * consumer alone, the group condition would be dropped unseen.
     */
    static Scope fromReferences(ConfigNode node, DeclarativeReader reader) {
        DeclarativeReader.Entities e = reader.entities;
        if (node.has("consumer") && node.has("consumer_group")) {
            node.problem("consumer_group", "cannot be set with 'consumer': as in Kong, a plugin is scoped to a consumer "
                    + "or to a consumer group, not both");
        }
        return new Scope(
                References.resolve(node, "route", e.routeNames),
                References.resolve(node, "service", e.serviceNames),
                References.resolve(node, "consumer", e.consumerNames),
                References.resolve(node, "consumer_group", e.groupNames),
                false);
    }

    /** For messages: "route 1234…", "the global scope". */
    String describe() {
        if (routeId != null) {
            return "route " + routeId;
        }
        if (serviceId != null) {
            return "service " + serviceId;
        }
        if (consumerId != null) {
            return "consumer " + consumerId;
        }
        return consumerGroupId != null ? "consumer group " + consumerGroupId : "the global scope";
    }

    @Override
    public String toString() {
        return routeId + "/" + serviceId + "/" + consumerId + "/" + consumerGroupId;
    }
}
