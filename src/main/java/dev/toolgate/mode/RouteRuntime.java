package dev.toolgate.mode;

import dev.toolgate.config.Consumer;
import dev.toolgate.config.ConsumerGroup;
import dev.toolgate.config.DeclarativeConfig;
import dev.toolgate.config.Plugin;
import dev.toolgate.config.Route;
import dev.toolgate.pipeline.Principal;
import dev.toolgate.pipeline.PolicyOrder;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * What a route runs with, as a document sets it, compared by value: the route, its service (where it
 * relays to), the plugins that may apply to it (its own, its service's, global ones, and those of these scopes
 * set for a consumer or group) but those that only observe (logs, traces, metrics: they judge nobody), and, when one of them tells callers apart, the consumers and groups with
 * their credentials. Where each entity sits in the file is left out: a reload that edits other entities
 * keeps the route's runtime. A reload that changes it ends the standalone (GET) streams opened under the one
 * before that it would not admit as they were admitted, which would otherwise go on under policies that no
 * longer exist; an answer already admitted is one call, judged when it came, and finishes.
 *
 * @param route      the route's settings
 * @param service    its service's settings (host, port, path, protocol...), empty without one
 * @param policies   the plugins that may apply, other than {@code ai-mcp-proxy} and the observing ones, ordered by id
 * @param proxies    the {@code ai-mcp-proxy} plugins that may apply, ordered by id
 * @param admissions what of those judges a caller when it connects, in the same order: the {@code server}
 *                   settings (session, allowed origins...), {@code default_acl}, {@code include_consumer_groups},
 *                   {@code consumer_identifier}, {@code acl_attribute_type} and {@code access_token_claim_field}
 * @param callers    the consumers and groups, when a plugin that may apply identifies or judges callers; else empty
 * @param standings  with {@code callers}: each consumer (by id) with the groups it belongs to; else empty
 */
public record RouteRuntime(List<Object> route, List<Object> service, List<List<Object>> policies,
                           List<List<Object>> proxies, List<Object> admissions, List<List<Object>> callers,
                           Map<String, List<Object>> standings) {

    private static final String PROXY = "ai-mcp-proxy";

    /**
     * The plugins whose credentials belong to one consumer, and name no other whatever consumers a reload adds:
     * a caller they identified is judged again only when its own consumer changes.
     */
    private static final Set<String> OWN_CREDENTIALS = Set.of("key-auth", "jwt");

    /**
     * The runtime {@code config} gives each route it is asked for; the routes that need the consumers share one
     * list of them.
     */
    public static Function<Route, RouteRuntime> of(DeclarativeConfig config) {
        List<List<Object>> callers = new ArrayList<>();
        config.consumerGroups().forEach(group -> callers.add(placeless(group)));
        config.consumers().forEach(consumer -> callers.add(placeless(consumer)));
        Callers shared = new Callers(List.copyOf(callers), standings(config));
        return route -> of(config, route, shared);
    }

    /** Every consumer and group of a document, and each consumer's standing. */
    private record Callers(List<List<Object>> list, Map<String, List<Object>> standings) {
    }

    private static RouteRuntime of(DeclarativeConfig config, Route route, Callers every) {
        List<Plugin> applying = config.plugins().stream()
                .filter(p -> (p.routeId() == null || p.routeId().equals(route.id()))
                        && (p.serviceId() == null || p.serviceId().equals(route.serviceId())))
                .sorted(Comparator.comparing(Plugin::id))
                .toList();
        List<List<Object>> policies = new ArrayList<>();
        List<List<Object>> proxies = new ArrayList<>();
        List<Object> admissions = new ArrayList<>();
        boolean judges = false;
        for (Plugin plugin : applying) {
            // a log or metrics setting judges no caller: tweaking one must not reconnect every stream
            if (PolicyOrder.OBSERVATION.contains(plugin.name())) {
                continue;
            }
            if (PROXY.equals(plugin.name())) {
                proxies.add(placeless(plugin));
                admissions.add(plugin.config() instanceof AiMcpProxyConfig proxy ? admission(proxy) : null);
                continue;
            }
            policies.add(placeless(plugin));
            judges |= PolicyOrder.AUTHENTICATION.contains(plugin.name()) || "acl".equals(plugin.name())
                    || plugin.consumerId() != null || plugin.consumerGroupId() != null;
        }
        return new RouteRuntime(placeless(route),
                config.service(route.serviceId()).map(RouteRuntime::placeless).orElse(List.of()),
                policies, proxies, admissions, judges ? every.list() : List.of(),
                judges ? every.standings() : Map.of());
    }

    /** What of an {@code ai-mcp-proxy} config may refuse a caller at connect (Kong's "403 at connect"). */
    private static List<Object> admission(AiMcpProxyConfig proxy) {
        return Arrays.asList(proxy.server(), proxy.defaultAcl(), proxy.includeConsumerGroups(),
                proxy.consumerIdentifier(), proxy.aclAttributeType(), proxy.accessTokenClaimField());
    }

    private static Map<String, List<Object>> standings(DeclarativeConfig config) {
        Map<String, ConsumerGroup> groups = new HashMap<>();
        config.consumerGroups().forEach(group -> groups.putIfAbsent(group.id(), group));
        Map<String, List<Object>> standings = new HashMap<>();
        for (Consumer consumer : config.consumers()) {
            List<Object> standing = new ArrayList<>();
            standing.add(placeless(consumer));
            consumer.groupIds().forEach(id -> standing.add(groups.containsKey(id) ? placeless(groups.get(id)) : id));
            standings.putIfAbsent(consumer.id(), List.copyOf(standing));
        }
        return Map.copyOf(standings);
    }

    /**
     * Whether a GET stream relayed under {@code before} goes on, whoever holds it: the same route, service and
     * plugins ({@code ai-mcp-proxy} included). Its caller is asked of {@link #knowsAsBefore} besides.
     */
    public boolean relaysAsBefore(RouteRuntime before) {
        return route.equals(before.route) && service.equals(before.service) && policies.equals(before.policies)
                && proxies.equals(before.proxies);
    }

    /**
     * Whether a stream of the gateway's own (an MCP endpoint's GET stream) admitted under {@code before} is
     * still admitted as this runtime would, whoever holds it: the same route, the same policies before the
     * endpoint and the same admission settings of its {@code ai-mcp-proxy}. The tools may differ: a change of
     * them is told on the stream ({@code notifications/tools/list_changed}), each call is judged as it comes.
     * Its caller is asked of {@link #knowsAsBefore} besides.
     */
    public boolean admitsAsBefore(RouteRuntime before) {
        return route.equals(before.route) && policies.equals(before.policies)
                && admissions.equals(before.admissions);
    }

    /**
     * Whether the consumers judge {@code caller}, who opened a stream under {@code before}, as they did: they did
     * not change; or they were never asked (nobody identified it: no consumer, credential or token); or a
     * credential of its consumer's own (key-auth, jwt) identified it and that consumer, its credentials, ACL
     * groups and consumer groups, are as they were. Anyone else (the {@code anonymous} fallback, a token mapped to
     * a consumer or to none) may be another caller after any consumer edit: fail closed.
     */
    public boolean knowsAsBefore(RouteRuntime before, Principal caller) {
        if (callers.equals(before.callers)) {
            return true;
        }
        if (caller.consumer() == null && caller.credential() == null && caller.claims() == null) {
            return true;
        }
        if (caller.consumer() == null || caller.anonymous() || caller.credential() == null
                || !OWN_CREDENTIALS.contains(caller.credential().plugin())) {
            return false;
        }
        List<Object> standing = standings.get(caller.consumer().id());
        return standing != null && standing.equals(before.standings.get(caller.consumer().id()));
    }

    /** Never its values: the consumers' credentials and the plugins' secrets are among them. */
    @Override
    public String toString() {
        return "RouteRuntime[" + policies.size() + " policies, " + proxies.size() + " proxies, " + callers.size()
                + " callers]";
    }

    /** The values of a record's components but its place in the file ({@code source}). */
    private static List<Object> placeless(Record entity) {
        return Arrays.stream(entity.getClass().getRecordComponents())
                .filter(component -> !component.getName().equals("source"))
                .map(component -> {
                    try {
                        return component.getAccessor().invoke(entity);
                    } catch (ReflectiveOperationException e) {
                        throw new IllegalStateException("a record's accessor is public", e);
                    }
                })
                .toList();
    }
}
