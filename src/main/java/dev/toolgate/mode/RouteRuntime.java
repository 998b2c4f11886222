package dev.toolgate.mode;

import dev.toolgate.config.DeclarativeConfig;
import dev.toolgate.config.Plugin;
import dev.toolgate.config.Route;
import dev.toolgate.pipeline.PolicyOrder;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * What a route runs with, as a document sets it, compared by value: the route, its service (where it
 * relays to), the plugins that may apply to it (its own, its service's, global ones, and those of these scopes
 * set for a consumer or group), and, when one of them tells callers apart, the consumers and groups with
 * their credentials. Where each entity sits in the file is left out: a reload that edits other entities
 * keeps the route's runtime. A reload that changes it ends the streams opened under the one before, which
 * would otherwise go on under policies that no longer exist.
 *
 * @param route    the route's settings
 * @param service  its service's settings (host, port, path, protocol...), empty without one
 * @param policies the plugins that may apply, other than {@code ai-mcp-proxy}, ordered by id
 * @param proxies  the {@code ai-mcp-proxy} plugins that may apply, ordered by id
 * @param admissions what of those judges a caller when it connects, in the same order: the {@code server}
 *                   settings (session, allowed origins...), {@code default_acl}, {@code include_consumer_groups},
 *                   {@code consumer_identifier}, {@code acl_attribute_type} and {@code access_token_claim_field}
 * @param callers    the consumers and groups, when a plugin that may apply identifies or judges callers; else empty
 */
public record RouteRuntime(List<Object> route, List<Object> service, List<List<Object>> policies,
                           List<List<Object>> proxies, List<Object> admissions, List<List<Object>> callers) {

    private static final String PROXY = "ai-mcp-proxy";

    /**
     * The runtime {@code config} gives each route it is asked for; the routes that need the consumers share one
     * list of them.
     */
    public static Function<Route, RouteRuntime> of(DeclarativeConfig config) {
        List<List<Object>> callers = new ArrayList<>();
        config.consumerGroups().forEach(group -> callers.add(placeless(group)));
        config.consumers().forEach(consumer -> callers.add(placeless(consumer)));
        List<List<Object>> shared = List.copyOf(callers);
        return route -> of(config, route, shared);
    }

    private static RouteRuntime of(DeclarativeConfig config, Route route, List<List<Object>> everyCaller) {
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
            if (PROXY.equals(plugin.name())) {
                proxies.add(placeless(plugin));
                admissions.add(plugin.config() instanceof AiMcpProxyConfig proxy ? admission(proxy) : null);
                continue;
            }
            policies.add(placeless(plugin));
            judges |= PolicyOrder.AUTHENTICATION.contains(plugin.name()) || "acl".equals(plugin.name())
                    || plugin.consumerId() != null || plugin.consumerGroupId() != null;
        }
        List<List<Object>> callers = judges ? everyCaller : List.of();
        return new RouteRuntime(placeless(route),
                config.service(route.serviceId()).map(RouteRuntime::placeless).orElse(List.of()),
                policies, proxies, admissions, callers);
    }

    /** What of an {@code ai-mcp-proxy} config may refuse a caller at connect (Kong's "403 at connect"). */
    private static List<Object> admission(AiMcpProxyConfig proxy) {
        return Arrays.asList(proxy.server(), proxy.defaultAcl(), proxy.includeConsumerGroups(),
                proxy.consumerIdentifier(), proxy.aclAttributeType(), proxy.accessTokenClaimField());
    }

    /**
     * Whether a stream of the gateway's own (an MCP endpoint's GET stream) admitted under {@code before} is
     * still admitted as this runtime would: the same route, the same policies before the endpoint, the same
     * callers and the same admission settings of its {@code ai-mcp-proxy}. The tools may differ: a change of
     * them is told on the stream ({@code notifications/tools/list_changed}), each call is judged as it comes.
     */
    public boolean admitsAsBefore(RouteRuntime before) {
        return route.equals(before.route) && policies.equals(before.policies)
                && admissions.equals(before.admissions) && callers.equals(before.callers);
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
