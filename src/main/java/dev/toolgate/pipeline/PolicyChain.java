package dev.toolgate.pipeline;

import dev.toolgate.observe.TrafficSink;
import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * The plugins of one route, in {@link PolicyOrder}, each resolved to the one configured instance
 * that applies (Kong's plugin precedence, {@link PluginScope}): exchange-level policies, run before
 * the mode ({@link #admit}), and upstream policies, run where the mode talks to its upstream
 * ({@link #upstream}). Instances scoped to a consumer or consumer group are chosen per exchange, with
 * the caller authentication found so far, as Kong looks them up during its access phase.
 */
public final class PolicyChain {

    /** No policies: the mode sees every exchange. */
    public static final PolicyChain EMPTY = new PolicyChain(List.of());

    /**
     * A configured instance of a plugin, provisioned.
     *
     * @param policy   what it does before the mode, or null
     * @param upstream what it does to the mode's upstream request and answer, or null
     * @param logger   what it does with the traffic once handled (log plugins), or null
     */
    public record Configured(PluginScope scope, ExchangePolicy policy, UpstreamPolicy upstream, TrafficSink logger) {

        public Configured(PluginScope scope, ExchangePolicy policy, UpstreamPolicy upstream) {
            this(scope, policy, upstream, null);
        }

        public Configured(PluginScope scope, ExchangePolicy policy) {
            this(scope, policy, null, null);
        }
    }

    /** One plugin on this route: its instances that may apply, most specific first. */
    private record Slot(String plugin, List<Configured> candidates) {

        Configured choose(Principal caller) {
            for (Configured candidate : candidates) {
                if (candidate.scope().matches(caller)) {
                    return candidate;
                }
            }
            return null;
        }
    }

    private final List<Slot> slots;
    /** The slots before the mode (Kong's access phase up to ai-mcp-proxy): the first ones, by priority. */
    private final int beforeMode;
    private final boolean transforms;
    private final boolean logs;
    private final boolean judgesCallers;
    private final boolean judgesAddresses;
    /** True when an authentication plugin applies here (they are never scoped to a consumer: Kong's no_consumer). */
    private final boolean authenticates;
    /** True when an authentication plugin here finds callers in the request alone ({@link LocalAuthentication}). */
    private final boolean identifiesLocally;
    /** The log plugins when no caller changes which apply (chosen once here); null when one can. */
    private final List<TrafficSink> everyonesLoggers;
    /** The names any instance on this route may read a credential from ({@link NamedCredentials}). */
    private final java.util.Set<String> credentialNames;
    /** Lower-case: the cookies any instance on this route may read a credential from ({@link NamedCredentials}). */
    private final java.util.Set<String> credentialCookies;

    private PolicyChain(List<Slot> slots) {
        this.slots = List.copyOf(slots);
        this.beforeMode = (int) slots.stream().filter(s -> PolicyOrder.beforeMode(s.plugin())).count();
        this.transforms = any(slots, c -> c.upstream() != null);
        this.logs = any(slots, c -> c.logger() != null);
        this.judgesAddresses = any(slots, c -> c.policy() instanceof AddressPolicy);
        this.judgesCallers = judgesAddresses || any(slots, c -> c.policy() instanceof CallerPolicy);
        this.authenticates = slots.stream().anyMatch(s -> PolicyOrder.AUTHENTICATION.contains(s.plugin())
                && s.candidates().stream().anyMatch(c -> c.policy() != null));
        this.identifiesLocally = any(slots, c -> c.policy() instanceof LocalAuthentication);
        this.everyonesLoggers = slots.stream().anyMatch(s -> s.candidates().stream().anyMatch(c -> c.logger() != null)
                && s.candidates().getFirst().scope().needsCaller()) ? null
                : slots.stream().map(s -> s.candidates().getFirst().logger()).filter(Objects::nonNull).toList();
        this.credentialNames = java.util.Set.copyOf(slots.stream().flatMap(s -> s.candidates().stream())
                .filter(c -> c.policy() instanceof NamedCredentials)
                .flatMap(c -> ((NamedCredentials) c.policy()).credentialNames().stream())
                .toList());
        // nginx's $cookie_<name>, which Kong's jwt reads, matches a cookie's name in any case
        this.credentialCookies = java.util.Set.copyOf(slots.stream().flatMap(s -> s.candidates().stream())
                .filter(c -> c.policy() instanceof NamedCredentials)
                .flatMap(c -> ((NamedCredentials) c.policy()).cookieNames().stream())
                .map(name -> name.toLowerCase(java.util.Locale.ROOT))
                .toList());
    }

    private static boolean any(List<Slot> slots, Predicate<Configured> configured) {
        return slots.stream().anyMatch(s -> s.candidates().stream().anyMatch(configured));
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
                // Kong: among groups at one rank, the caller's groups are tried by name
                candidates.sort(Comparator.comparingInt((Configured c) -> c.scope().rank()).thenComparing(
                        c -> c.scope().groupName(), Comparator.nullsFirst(Comparator.naturalOrder())));
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

    /**
     * Every name a credential may be read from on this route, by any instance whichever caller it is
     * chosen for: logs mask them (a consumer-scoped instance is known only per exchange, masking all
     * of them costs nothing).
     */
    public java.util.Set<String> credentialNames() {
        return credentialNames;
    }

    /** Those of {@link #credentialNames} that name a cookie, lower-case (cookie names are read in any case). */
    public java.util.Set<String> credentialCookies() {
        return credentialCookies;
    }

    /** True when no policy runs on this route. */
    public boolean isEmpty() {
        return slots.isEmpty();
    }

    /** The plugin names in the order they run (before the mode, then upstream), for the Admin API and tests. */
    public List<String> plugins() {
        return slots.stream().map(Slot::plugin).toList();
    }

    /**
     * Runs the policies in order until one does not continue. Policies that decide at once are run
     * in a loop, without a callback each; only a policy that waits suspends the chain.
     */
    public Future<Decision> admit(Exchange exchange) {
        return from(exchange, 0);
    }

    /**
     * Runs the policies for a listener's tool call replayed on the route that owns the tool, as Kong
     * re-runs its replayed request: when this route authenticates, its authentication judges the
     * client's own request (its credentials are still there to read, and still go nowhere upstream)
     * and the caller the listener found is forgotten first, so this route's settings (its audience, a
     * required consumer, another plugin) hold whichever plugin let the caller into the listener. The
     * same plugin instance on both asks nobody twice: its verdicts are cached (introspection, token
     * exchange) or local (jwt, key-auth). Without authentication here the listener's caller stays.
     */
    public Future<Decision> admitReplay(Exchange exchange) {
        if (authenticates) {
            exchange.forgetCaller();
        }
        return from(exchange, 0);
    }

    /**
     * True when a policy on this route decides from who the caller is ({@link CallerPolicy}) or where it
     * calls from ({@link AddressPolicy}) alone.
     */
    public boolean judgesCallers() {
        return judgesCallers;
    }

    /** True when an authentication plugin on this route finds callers in the request alone. */
    public boolean identifiesLocally() {
        return identifiesLocally;
    }

    /** True when a policy on this route decides from the client's address alone ({@link AddressPolicy}). */
    public boolean judgesAddresses() {
        return judgesAddresses;
    }

    /**
     * True when a listener's tool call in {@code exchange} (its caller the one the listener found), replayed
     * here, would be refused by a policy that decides from the caller or the address alone. This route's
     * authentication judges the request anew ({@link #admitReplay}): the caller it finds is known here when
     * the very plugin instance that identified the caller on the listener ({@code serving}'s) is the one that
     * runs here, or when this route's instance finds callers in the request alone ({@link LocalAuthentication});
     * past any other (one that asks a server, or would refuse the request), who calls shows only in the
     * call, and only an address refused whoever the caller turns out to be still decides.
     */
    public boolean refusesOnReplay(Exchange exchange, PolicyChain serving) {
        if (!judgesCallers) {
            return false;
        }
        Principal caller = exchange.principal();
        String clientAddress = exchange.clientAddress();
        // the replay forgets the listener's caller where this route authenticates
        Principal found = authenticates ? Principal.NONE : caller;
        boolean unknown = false;
        for (int i = 0; i < beforeMode; i++) {
            Slot slot = slots.get(i);
            if (PolicyOrder.AUTHENTICATION.contains(slot.plugin()) && chooses(slot, found)) {
                Principal next = unknown ? null : identified(slot, caller, exchange, found, serving);
                unknown = next == null;
                found = unknown ? found : next;
                continue;
            }
            if (unknown ? refusesEveryone(slot, clientAddress) : refuses(slot.choose(found), found, clientAddress)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The caller after this authentication slot on replay, or null when it cannot be told without the call.
     * The policy is asked first whether it would let the request pass unread: with {@code anonymous}, an
     * earlier slot's caller stays, even when this very instance found another one on the listener.
     */
    private static Principal identified(Slot slot, Principal caller, Exchange exchange, Principal before,
                                        PolicyChain serving) {
        ExchangePolicy policy = slot.choose(before).policy();
        if (policy instanceof NamedCredentials named && named.skips(exchange, before)) {
            return before;
        }
        if (identifiedBySame(slot, caller, serving)) {
            return caller;
        }
        // once per instance and HTTP request: a batch of lists, each asking every owning route, and the calls
        // after them would otherwise check one token again and again on the event loop
        return policy instanceof LocalAuthentication local
                ? exchange.memo().get(new Identified(local), () -> local.identify(exchange)) : null;
    }

    /** The key of whom a local authentication instance finds in a request ({@link RequestMemo}). */
    private record Identified(LocalAuthentication policy) {
    }

    /** True when the instance this slot runs is the one of {@code serving} whose plugin identified the caller. */
    private static boolean identifiedBySame(Slot slot, Principal caller, PolicyChain serving) {
        if (!caller.authenticated() || !slot.plugin().equals(caller.credential().plugin())) {
            return false;
        }
        Configured here = slot.choose(caller);
        return serving.slots.stream().anyMatch(s -> s.plugin().equals(slot.plugin()) && s.choose(caller) == here);
    }

    private static boolean chooses(Slot slot, Principal caller) {
        Configured chosen = slot.choose(caller);
        return chosen != null && chosen.policy() != null;
    }

    private static boolean refuses(Configured chosen, Principal caller, String clientAddress) {
        ExchangePolicy policy = chosen == null ? null : chosen.policy();
        return policy instanceof CallerPolicy judge && judge.refuses(caller)
                || policy instanceof AddressPolicy fence && fence.refuses(clientAddress);
    }

    /**
     * True when the slot refuses the address whichever consumer the request authenticates as: it applies
     * to everyone when no narrower instance does, and every instance refuses the address.
     */
    private static boolean refusesEveryone(Slot slot, String clientAddress) {
        return slot.candidates().stream().anyMatch(c -> !c.scope().needsCaller())
                && slot.candidates().stream().allMatch(c -> c.policy() instanceof AddressPolicy fence
                && fence.refuses(clientAddress));
    }

    private Future<Decision> from(Exchange exchange, int start) {
        for (int i = start; i < beforeMode; i++) {
            Configured chosen = slots.get(i).choose(exchange.principal());
            ExchangePolicy policy = chosen == null ? null : chosen.policy();
            if (policy == null) {
                continue;
            }
            Future<Decision> decided = policy.admit(exchange);
            if (!decided.isComplete()) {
                // the body arrives while the policy waits: start reading it now, or it is gone by the time the mode asks
                exchange.body();
                int next = i + 1;
                return decided.compose(d -> d instanceof Decision.Continue ? from(exchange, next)
                        : Future.succeededFuture(d));
            }
            if (decided.failed() || !(decided.result() instanceof Decision.Continue)) {
                return decided;
            }
        }
        return Decision.PROCEED;
    }

    /** The client headers the exchange's log plugins clear from its upstream request, lower-case. */
    public Set<String> clearedHeaders(Exchange exchange) {
        Set<String> cleared = Set.of();
        for (TrafficSink sink : loggers(exchange)) {
            cleared = bothCleared(cleared, sink.clearedHeaders());
        }
        return cleared;
    }

    /** Header names cleared by either side; the first set itself when the second adds nothing (the usual case). */
    public static Set<String> bothCleared(Set<String> cleared, Set<String> more) {
        if (more.isEmpty() || cleared.containsAll(more)) {
            return cleared;
        }
        Set<String> both = new HashSet<>(cleared);
        both.addAll(more);
        return Set.copyOf(both);
    }

    /**
     * The log plugins that apply to the exchange's caller, in order (opentelemetry, prometheus, http-log,
     * file-log: Kong's priorities); empty when the route has none.
     */
    public List<TrafficSink> loggers(Exchange exchange) {
        if (!logs) {
            return List.of();
        }
        if (everyonesLoggers != null) {
            return everyonesLoggers;
        }
        List<TrafficSink> chosen = new ArrayList<>(2);
        for (Slot slot : slots) {
            Configured configured = slot.choose(exchange.principal());
            if (configured != null && configured.logger() != null) {
                chosen.add(configured.logger());
            }
        }
        return chosen;
    }

    /** True when an upstream policy is configured for this route, whoever calls: the gateway's answers may change. */
    public boolean transformsAnswers() {
        return transforms;
    }

    /** Every upstream policy configured for this route, whoever calls (for checks at load). */
    public List<UpstreamPolicy> allUpstream() {
        return slots.stream().flatMap(s -> s.candidates().stream()).map(Configured::upstream)
                .filter(java.util.Objects::nonNull).toList();
    }

    /** The upstream policies that apply to the exchange's caller, in order; empty when the route has none. */
    public List<UpstreamPolicy> upstream(Exchange exchange) {
        if (!transforms) {
            return List.of();
        }
        List<UpstreamPolicy> chosen = new ArrayList<>(2);
        for (Slot slot : slots) {
            Configured configured = slot.choose(exchange.principal());
            if (configured != null && configured.upstream() != null) {
                chosen.add(configured.upstream());
            }
        }
        return chosen;
    }
}
