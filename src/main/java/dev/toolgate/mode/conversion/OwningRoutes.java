package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.config.Route;
import dev.toolgate.pipeline.Decision;
import dev.toolgate.pipeline.Exchange;
import dev.toolgate.pipeline.McpCall;
import dev.toolgate.pipeline.MessagePolicy;
import dev.toolgate.pipeline.PolicyChain;
import dev.toolgate.pipeline.RpcRecord;
import io.vertx.core.Future;

import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The routes that own the tools a listener serves, with their policies: Kong replays a listener's
 * tool call through the route of the plugin that defines the tool, so that route's plugins (an
 * {@code acl}, a limit) apply wherever its tools are served, and so does the tool's own limit.
 *
 * @param servingRouteId the route of the endpoint itself (its policies already ran)
 * @param routes         every route, by id
 * @param chains         every route's exchange-level policies, by route id
 * @param limits         the own limits of the tools another route owns ({@link #ownedElsewhere}), or null for none
 */
public record OwningRoutes(String servingRouteId, Map<String, Route> routes, Map<String, PolicyChain> chains,
                           MessagePolicy limits) {

    /** Nothing to replay: every tool belongs to the serving route (conversion-listener, validation). */
    public static OwningRoutes none(String servingRouteId) {
        return new OwningRoutes(servingRouteId, Map.of(), Map.of(), null);
    }

    public OwningRoutes {
        routes = Map.copyOf(routes);
        chains = Map.copyOf(chains);
    }

    /** The plugins of the route that owns the tool (its transformers apply to every call of it). */
    PolicyChain chain(Tool tool) {
        return tool.routeId() == null ? PolicyChain.EMPTY : chains.getOrDefault(tool.routeId(), PolicyChain.EMPTY);
    }

    /**
     * True when the call came in plain HTTP and the tool's owning route, another than the serving one, serves
     * HTTPS only (its {@code protocols} leave out http): Kong's replayed request would get 426 there.
     */
    boolean refusesPlainHttp(Tool tool, Exchange exchange) {
        if (!ownedElsewhere(tool)) {
            return false;
        }
        Route owner = routes.get(tool.routeId());
        return owner != null && owner.httpsOnly() && !exchange.overHttps();
    }

    /** True when another route than the serving one owns the tool: a call of it is replayed there. */
    boolean ownedElsewhere(Tool tool) {
        return ownedElsewhere(tool, servingRouteId);
    }

    /** True when another route than {@code servingRouteId} owns the tool. */
    public static boolean ownedElsewhere(Tool tool, String servingRouteId) {
        return tool.routeId() != null && !tool.routeId().equals(servingRouteId);
    }

    /** The policies a call of this tool is replayed through, or null when there is nothing to replay. */
    PolicyChain replayChain(Tool tool) {
        if (!ownedElsewhere(tool)) {
            return null;
        }
        PolicyChain chain = chains.get(tool.routeId());
        return chain == null || chain.isEmpty() ? null : chain;
    }

    /**
     * What the tool's owning route, another than the serving one, says of a call of it: its policies, replayed on
     * {@code onRoute} (its authentication finds the caller anew), then the tool's own limit, counted for the caller
     * they leave, as on the route's own endpoint. The listener's caller (a shared consumer, its anonymous one) is
     * not who the route counts: counted for it, one user would use up every user's calls. A tool of the serving
     * route proceeds: its limit is among the endpoint's message policies.
     *
     * @param record the call's record, which the limit notes its decision in
     */
    Future<Decision> admit(Tool tool, Exchange onRoute, JsonNode id, RpcRecord record) {
        PolicyChain replay = replayChain(tool);
        Future<Decision> admitted = replay == null ? Decision.PROCEED : replay.admitReplay(onRoute);
        if (limits == null || !ownedElsewhere(tool)) {
            return admitted;
        }
        return admitted.compose(decision -> decision instanceof Decision.Continue
                ? limits.admit(new McpCall(onRoute, id, "tools/call", tool.name(), record))
                : Future.succeededFuture(decision));
    }

    /**
     * True when a route owning some of these tools decides from who the caller is or where it calls from
     * alone (an {@code acl}, an {@code ip-restriction}).
     */
    public boolean judgeCallers(ToolSet tools) {
        return anyOwner(tools, PolicyChain::judgesCallers);
    }

    /** True when a route owning some of these tools decides from the client's address alone. */
    public boolean judgeAddresses(ToolSet tools) {
        return anyOwner(tools, PolicyChain::judgesAddresses);
    }

    /**
     * True when a route owning some of these tools judges callers its own authentication finds in the
     * request alone: who is shown its tools depends on each request, whoever the listener finds.
     */
    public boolean identifyCallers(ToolSet tools) {
        return anyOwner(tools, chain -> chain.judgesCallers() && chain.identifiesLocally());
    }

    private boolean anyOwner(ToolSet tools, Predicate<PolicyChain> chain) {
        return tools.tools().stream().map(this::replayChain).anyMatch(c -> c != null && chain.test(c));
    }

    /**
     * Clears the tools whose owning route would refuse the exchange's caller, calling from its address,
     * outright: a listener does not list a tool whose every call would come back refused. Each owning
     * route is asked once.
     *
     * @param visible by position in {@code tools}; changed in place
     */
    public void hideRefused(ToolSet tools, Exchange exchange, BitSet visible) {
        List<Tool> list = tools.tools();
        Map<String, Boolean> refuses = new HashMap<>(4);
        PolicyChain serving = chains.getOrDefault(servingRouteId, PolicyChain.EMPTY);
        for (int i = visible.nextSetBit(0); i >= 0; i = visible.nextSetBit(i + 1)) {
            PolicyChain chain = replayChain(list.get(i));
            if (chain != null && chain.judgesCallers()
                    && refuses.computeIfAbsent(list.get(i).routeId(), id -> chain.refusesOnReplay(exchange, serving))) {
                visible.clear(i);
            }
        }
    }

    /** True when {@link #hideRefused} hides {@code tool} from the exchange's caller. */
    public boolean hides(Tool tool, Exchange exchange) {
        PolicyChain chain = replayChain(tool);
        return chain != null && chain.judgesCallers()
                && chain.refusesOnReplay(exchange, chains.getOrDefault(servingRouteId, PolicyChain.EMPTY));
    }

    /**
     * Every name a credential may be read from by the serving route's policies or those of any route owning
     * these tools: logs mask them, and no listener call sends the client's header of such a name upstream,
     * whatever route the tool is of (one route's key is not another route's to read).
     */
    public Set<String> credentialNames(ToolSet tools) {
        return credentialNames(chains.getOrDefault(servingRouteId, PolicyChain.EMPTY), tools, chains);
    }

    /** As {@link #credentialNames(ToolSet)}, the serving route's policies given. */
    public static Set<String> credentialNames(PolicyChain serving, ToolSet tools, Map<String, PolicyChain> chains) {
        return named(serving, tools, chains, PolicyChain::credentialNames);
    }

    /**
     * Those of {@link #credentialNames(ToolSet)} that name a cookie, lower-case: no listener call sends the
     * client's cookie of such a name upstream, nor fills a tool's cookie parameter with it, whatever route the
     * tool is of.
     */
    public Set<String> credentialCookies(ToolSet tools) {
        return named(chains.getOrDefault(servingRouteId, PolicyChain.EMPTY), tools, chains,
                PolicyChain::credentialCookies);
    }

    private static Set<String> named(PolicyChain serving, ToolSet tools, Map<String, PolicyChain> chains,
                                     Function<PolicyChain, Set<String>> names) {
        Set<String> all = new HashSet<>(names.apply(serving));
        for (Tool tool : tools.tools()) {
            PolicyChain owner = tool.routeId() == null ? null : chains.get(tool.routeId());
            if (owner != null) {
                all.addAll(names.apply(owner));
            }
        }
        return Set.copyOf(all);
    }

    Route route(Tool tool) {
        return routes.get(tool.routeId());
    }
}
