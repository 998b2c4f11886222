package dev.toolgate.pipeline;

import dev.toolgate.config.Plugin;

/**
 * Where one configured plugin instance applies, and how specific that is, by Kong's precedence
 * (most specific first): consumer + route + service, consumer group + route + service, consumer +
 * route, consumer + service, consumer group + route, consumer group + service, route + service,
 * consumer, consumer group, route, service, global.
 *
 * @param routeId    the route it is scoped to, or null
 * @param serviceId  the service it is scoped to, or null
 * @param consumerId the consumer it is scoped to, or null
 * @param groupName  the consumer group (by name) it is scoped to, or null
 */
public record PluginScope(String routeId, String serviceId, String consumerId, String groupName) {

    /** The scope of a configured plugin; {@code groupName} is its consumer group's name (null when none). */
    public static PluginScope of(Plugin plugin, String groupName) {
        return new PluginScope(plugin.routeId(), plugin.serviceId(), plugin.consumerId(), groupName);
    }

    /** Kong's precedence rank: 1 is the most specific, 12 the global scope. */
    public int rank() {
        boolean c = consumerId != null;
        boolean g = groupName != null;
        boolean r = routeId != null;
        boolean s = serviceId != null;
        if (c) {
            return r && s ? 1 : r ? 3 : s ? 4 : 8;
        }
        if (g) {
            return r && s ? 2 : r ? 5 : s ? 6 : 9;
        }
        return r && s ? 7 : r ? 10 : s ? 11 : 12;
    }

    /** True when it can apply to requests on this route (of this service, which may be null). */
    public boolean appliesTo(String route, String service) {
        return (routeId == null || routeId.equals(route)) && (serviceId == null || serviceId.equals(service));
    }

    /** True when the caller decides whether it applies (a consumer or consumer group scope). */
    public boolean needsCaller() {
        return consumerId != null || groupName != null;
    }

    /** True when it applies to this caller. */
    public boolean matches(Principal caller) {
        if (consumerId != null) {
            return caller.consumer() != null && consumerId.equals(caller.consumer().id());
        }
        return groupName == null || caller.consumerGroups().contains(groupName);
    }
}
