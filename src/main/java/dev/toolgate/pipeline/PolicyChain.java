package dev.toolgate.pipeline;

import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The exchange-level policies of one route, in {@link PolicyOrder}, each resolved to the one
 * configured instance that applies (Kong's plugin precedence, {@link PluginScope}). Instances scoped
 * to a consumer or consumer group are chosen per exchange, with the caller authentication found so
 * far, as Kong looks them up during its access phase; all others are chosen once, here.
 */
public final class PolicyChain {

    /** No policies: the mode sees every exchange. */
    public static final PolicyChain EMPTY = new PolicyChain(List.of());

    /** A configured instance of a plugin, provisioned. */
    public record Configured(PluginScope scope, ExchangePolicy policy) {
    }

    /** One plugin on this route: its instances that may apply, most specific first. */
    private record Slot(String plugin, List<Configured> candidates) {

        ExchangePolicy choose(Principal caller) {
            for (Configured candidate : candidates) {
                if (candidate.scope().matches(caller)) {
                    return candidate.policy();
                }
            }
            return null;
        }
    }

    private final List<Slot> slots;

    private PolicyChain(List<Slot> slots) {
        this.slots = List.copyOf(slots);
    }

    /**
     * The chain of a route from every configured instance of the plugins that run before the mode.
     *
     * @param instances by plugin name; instances that cannot apply to the route are left out here
     */
    public static PolicyChain of(String routeId, String serviceId, Map<String, List<Configured>> instances) {
        List<Slot> slots = new ArrayList<>();
        instances.forEach((plugin, configured) -> {
            List<Configured> candidates = new ArrayList<>();
            for (Configured c : configured) {
                if (c.scope().appliesTo(routeId, serviceId)) {
                    candidates.add(c);
                }
            }
            if (!candidates.isEmpty()) {
                candidates.sort(Comparator.comparingInt(c -> c.scope().rank()));
                // past the first instance that needs no caller, nothing less specific can win
                int unconditional = 0;
                while (unconditional < candidates.size() && candidates.get(unconditional).scope().needsCaller()) {
                    unconditional++;
                }
                List<Configured> reachable = candidates.subList(0, Math.min(candidates.size(), unconditional + 1));
                slots.add(new Slot(plugin, List.copyOf(reachable)));
            }
        });
        slots.sort(Comparator.comparingInt((Slot s) -> -PolicyOrder.of(s.plugin())).thenComparing(Slot::plugin));
        return slots.isEmpty() ? EMPTY : new PolicyChain(slots);
    }

    /** True when no policy runs on this route. */
    public boolean isEmpty() {
        return slots.isEmpty();
    }

    /** The plugin names in the order they run, for the Admin API and tests. */
    public List<String> plugins() {
        return slots.stream().map(Slot::plugin).toList();
    }

    /**
     * Runs the policies in order until one does not continue. Policies that decide at once are run
     * in a loop, without a callback each; only a policy that waits suspends the chain.
     */
    public Future<Decision> admit(Exchange exchange) {
        return from(exchange, 0, false);
    }

    /**
     * Runs the policies for a listener's tool call replayed on the route that owns the tool. A caller
     * the listener's authentication identified is not asked again (the credential it used is not
     * forwarded, so the owning route could not see it); without one, the owning route authenticates
     * the client's request itself.
     */
    public Future<Decision> admitReplay(Exchange exchange) {
        return from(exchange, 0, exchange.principal() != Principal.NONE);
    }

    private Future<Decision> from(Exchange exchange, int start, boolean authenticated) {
        for (int i = start; i < slots.size(); i++) {
            if (authenticated && PolicyOrder.AUTHENTICATION.contains(slots.get(i).plugin())) {
                continue;
            }
            ExchangePolicy policy = slots.get(i).choose(exchange.principal());
            if (policy == null) {
                continue;
            }
            Future<Decision> decided = policy.admit(exchange);
            if (!decided.isComplete()) {
                // the body arrives while the policy waits: start reading it now, or it is gone by the time the mode asks
                exchange.body();
                int next = i + 1;
                return decided.compose(d -> d instanceof Decision.Continue ? from(exchange, next, authenticated)
                        : Future.succeededFuture(d));
            }
            if (decided.failed() || !(decided.result() instanceof Decision.Continue)) {
                return decided;
            }
        }
        return Decision.PROCEED;
    }
}
