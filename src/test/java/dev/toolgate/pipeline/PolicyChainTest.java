package dev.toolgate.pipeline;

import dev.toolgate.config.Consumer;
import dev.toolgate.error.GatewayError;
import dev.toolgate.http.ClientAddresses;
import dev.toolgate.http.RouteMatch;
import dev.toolgate.testing.Configs;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The exchange-level policy chain: Kong's priority order whatever the order of the instances,
 * Kong's precedence among instances of one plugin (the most specific scope that applies to the
 * caller wins), a refusal ends the chain, a policy that waits suspends it, and a listener's replay
 * is authenticated by the owning route's own authentication. Exchanges come from real requests to a local Vert.x server.
 */
@Timeout(30)
class PolicyChainTest {

    static final Consumers CONSUMERS = new Consumers(Configs.load("""
            _format_version: "3.0"
            consumer_groups: [{name: gold}, {name: bronze}]
            consumers:
              - {username: goldie, groups: [{name: gold}]}
              - {username: plain}
              - {username: both, groups: [{name: gold}, {name: bronze}]}
            """).config());

    /** Loopback, where the test's requests come from, is a proxy to trust: X-Real-IP names the client's address. */
    static final ClientAddresses FROM_X_REAL_IP = new ClientAddresses(ClientAddresses.parseList("127.0.0.1"),
            "x-real-ip", false);

    static Vertx vertx;
    static HttpServer server;
    static final HttpClient CLIENT = HttpClient.newHttpClient();
    static volatile Function<Exchange, Future<Decision>> run;
    static final List<String> ran = Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        server = vertx.createHttpServer().requestHandler(request -> {
            Exchange exchange = new Exchange(request, new RouteMatch(null, null), 1024, FROM_X_REAL_IP);
            run.apply(exchange).onComplete(done -> request.response().end(done.succeeded()
                    ? describe(done.result()) : "failed: " + done.cause().getMessage()));
        }).listen(0, "127.0.0.1").await();
    }

    @AfterAll
    static void stop() {
        if (vertx != null) {
            vertx.close().await();
        }
    }

    @BeforeEach
    void forget() {
        ran.clear();
    }

    @Test
    void policiesRunInKongsPriorityOrderWhateverOrderTheyAreGivenIn() {
        Map<String, List<PolicyChain.Configured>> instances = new LinkedHashMap<>();
        instances.put("acl", List.of(configured(global(), "acl", Decision.PROCEED)));
        instances.put("key-auth", List.of(configured(global(), "key-auth", Decision.PROCEED)));
        instances.put("cors", List.of(configured(global(), "cors", Decision.PROCEED)));
        PolicyChain chain = PolicyChain.of("r", "s", instances);

        assertThat(chain.plugins()).containsExactly("cors", "key-auth", "acl");
        assertThat(admit(chain)).isEqualTo("continue");
        assertThat(ran).containsExactly("cors", "key-auth", "acl");
    }

    @Test
    void aRefusedExchangeRunsNoLaterPolicy() {
        Map<String, List<PolicyChain.Configured>> instances = new LinkedHashMap<>();
        instances.put("cors", List.of(configured(global(), "cors", Decision.PROCEED)));
        instances.put("key-auth", List.of(configured(global(), "key-auth",
                Decision.reject(new GatewayError.Unauthenticated("No API key found in request", "Key")))));
        instances.put("acl", List.of(configured(global(), "acl", Decision.PROCEED)));

        assertThat(admit(PolicyChain.of("r", "s", instances))).isEqualTo("reject 401 No API key found in request");
        assertThat(ran).containsExactly("cors", "key-auth");
    }

    @Test
    void aPolicyThatWaitsSuspendsTheChainUntilItDecides() {
        Map<String, List<PolicyChain.Configured>> instances = new LinkedHashMap<>();
        instances.put("key-auth", List.of(new PolicyChain.Configured(global(), exchange -> {
            Promise<Decision> later = Promise.promise();
            vertx.setTimer(20, t -> {
                ran.add("key-auth");
                later.complete(Decision.CONTINUE);
            });
            return later.future();
        })));
        instances.put("acl", List.of(configured(global(), "acl",
                Decision.reject(new GatewayError.Forbidden("You cannot consume this service", null)))));

        assertThat(admit(PolicyChain.of("r", "s", instances))).isEqualTo("reject 403 You cannot consume this service");
        assertThat(ran).containsExactly("key-auth", "acl");
    }

    @Test
    void theMostSpecificInstanceThatAppliesToTheCallerWins() {
        Consumer goldie = CONSUMERS.byUsername("goldie").orElseThrow();
        Consumer plain = CONSUMERS.byUsername("plain").orElseThrow();
        Map<String, List<PolicyChain.Configured>> instances = new LinkedHashMap<>();
        instances.put("acl", List.of(
                configured(global(), "acl: global", Decision.PROCEED),
                configured(new PluginScope("r", null, null, null), "acl: route", Decision.PROCEED),
                configured(new PluginScope("r", null, null, "gold"), "acl: gold on the route", Decision.PROCEED),
                configured(new PluginScope(null, null, goldie.id(), null), "acl: goldie", Decision.PROCEED),
                configured(new PluginScope("other-route", null, goldie.id(), null), "acl: goldie elsewhere", Decision.PROCEED)));

        for (Consumer caller : List.of(goldie, plain)) {
            Map<String, List<PolicyChain.Configured>> withCaller = new LinkedHashMap<>(instances);
            withCaller.put("key-auth", List.of(new PolicyChain.Configured(global(), exchange -> {
                exchange.authenticate(CONSUMERS.principal(caller, new Principal.Credential("k", "key-auth")));
                return Decision.PROCEED;
            })));
            admit(PolicyChain.of("r", "s", withCaller));
        }
        // goldie: the group on the route (rank 5) beats goldie alone (rank 8); plain: the route (rank 10)
        assertThat(ran).containsExactly("acl: gold on the route", "acl: route");
    }

    @Test
    void aCallerInTwoGroupsGetsTheInstanceOfTheGroupWhoseNameComesFirstWhateverTheFileOrder() {
        // Kong sorts a caller's consumer groups by name and takes the first group with an instance
        Consumer both = CONSUMERS.byUsername("both").orElseThrow();
        Map<String, List<PolicyChain.Configured>> instances = new LinkedHashMap<>();
        instances.put("rate-limiting", List.of(
                configured(new PluginScope("r", null, null, "gold"), "rate-limiting: gold", Decision.PROCEED),
                configured(new PluginScope("r", null, null, "bronze"), "rate-limiting: bronze", Decision.PROCEED)));
        instances.put("key-auth", List.of(new PolicyChain.Configured(global(), exchange -> {
            exchange.authenticate(CONSUMERS.principal(both, new Principal.Credential("k", "key-auth")));
            return Decision.PROCEED;
        })));

        admit(PolicyChain.of("r", "s", instances));

        assertThat(ran).containsExactly("rate-limiting: bronze");
    }

    @Test
    void aReplayedCallIsAuthenticatedByTheOwningRouteWhoeverTheListenerIdentified() {
        Map<String, List<PolicyChain.Configured>> instances = new LinkedHashMap<>();
        instances.put("key-auth", List.of(configured(global(), "key-auth",
                Decision.reject(new GatewayError.Unauthenticated("No API key found in request", "Key")))));
        instances.put("acl", List.of(configured(global(), "acl", Decision.PROCEED)));
        PolicyChain chain = PolicyChain.of("owner", null, instances);
        Consumer plain = CONSUMERS.byUsername("plain").orElseThrow();

        run = exchange -> {
            exchange.authenticate(CONSUMERS.principal(plain, new Principal.Credential("k", "key-auth")));
            return chain.admitReplay(exchange);
        };
        assertThat(get()).as("the owning route's key-auth judges the request itself").startsWith("reject 401");
        assertThat(ran).containsExactly("key-auth");

        ran.clear();
        run = chain::admitReplay;
        assertThat(get()).as("nobody identified yet: the owning route authenticates").startsWith("reject 401");
        assertThat(ran).containsExactly("key-auth");
    }

    @Test
    void aReplayedCallSeesTheCallerTheOwningRoutesAuthenticationFoundAndTheListenersWhereItHasNone() {
        Consumer goldie = CONSUMERS.byUsername("goldie").orElseThrow();
        Consumer plain = CONSUMERS.byUsername("plain").orElseThrow();
        Map<String, List<PolicyChain.Configured>> instances = new LinkedHashMap<>();
        instances.put("acl", List.of(new PolicyChain.Configured(global(), exchange -> {
            ran.add("acl sees " + (exchange.principal().consumer() == null ? "nobody" : exchange.principal().consumer().username()));
            return Decision.PROCEED;
        })));
        PolicyChain unauthenticated = PolicyChain.of("owner", null, instances);
        instances.put("jwt", List.of(new PolicyChain.Configured(global(), exchange -> {
            ran.add("jwt sees " + (exchange.principal().consumer() == null ? "nobody" : exchange.principal().consumer().username()));
            exchange.authenticate(CONSUMERS.principal(goldie, new Principal.Credential("g", "jwt")));
            return Decision.PROCEED;
        })));
        PolicyChain authenticating = PolicyChain.of("owner", null, instances);

        for (PolicyChain chain : List.of(authenticating, unauthenticated)) {
            run = exchange -> {
                exchange.authenticate(CONSUMERS.principal(plain, new Principal.Credential("p", "key-auth")));
                return chain.admitReplay(exchange);
            };
            assertThat(get()).isEqualTo("continue");
        }
        assertThat(ran).containsExactly("jwt sees nobody", "acl sees goldie", "acl sees plain");
    }

    @Test
    void anOwningRouteThatAuthenticatesDoesNotSeeAnyUpstreamHeaderTheListenersPoliciesSetWhicheverPluginSetIt() {
        PolicyChain owner = PolicyChain.of("owner", null, Map.of("key-auth", List.of(upstreamHeadersSeen())));
        Consumer plain = CONSUMERS.byUsername("plain").orElseThrow();

        run = exchange -> {
            exchange.authenticate(CONSUMERS.principal(plain, new Principal.Credential("p", "key-auth")));
            exchange.upstreamHeaders().set("Authorization", "Bearer exchanged-for-the-listener");
            exchange.upstreamHeaders().set("X-Tenant", "the listener's claim");
            exchange.upstreamHeaders().set("X-Set-By-Another-Plugin", "of the listener's caller");
            return owner.admitReplay(exchange);
        };

        assertThat(get()).isEqualTo("continue");
        assertThat(ran).containsExactly("upstream headers: []");
    }

    @Test
    void theClientsOwnCookiesAPolicyPassedOnLessItsTokenStillGoUpstreamFromTheOwningRoute() {
        PolicyChain owner = PolicyChain.of("owner", null, Map.of("key-auth", List.of(upstreamHeadersSeen())));

        run = exchange -> {
            exchange.passOnLessCredential("Cookie", "session=abc");
            exchange.upstreamHeaders().set("X-Consumer-Username", "plain");
            return owner.admitReplay(exchange);
        };

        assertThat(get()).isEqualTo("continue");
        assertThat(ran).containsExactly("upstream headers: [Cookie=session=abc]");
    }

    /** An authentication policy that notes the upstream headers it finds set. */
    private static PolicyChain.Configured upstreamHeadersSeen() {
        return new PolicyChain.Configured(global(), exchange -> {
            ran.add("upstream headers: " + exchange.upstreamHeaders().entries().stream()
                    .map(e -> e.getKey() + "=" + e.getValue()).sorted().toList());
            return Decision.PROCEED;
        });
    }

    @Test
    void aListenerLearnsWithoutReplayingWhetherTheOwningRouteRefusesItsCaller() {
        Principal goldie = CONSUMERS.principal(CONSUMERS.byUsername("goldie").orElseThrow(),
                new Principal.Credential("g", "key-auth"));
        Principal plain = CONSUMERS.principal(CONSUMERS.byUsername("plain").orElseThrow(),
                new Principal.Credential("p", "key-auth"));
        CallerPolicy goldOnly = judge(caller -> !caller.consumerGroups().contains("gold"));
        Map<String, List<PolicyChain.Configured>> instances = new LinkedHashMap<>();
        instances.put("acl", List.of(new PolicyChain.Configured(global(), goldOnly)));
        PolicyChain open = PolicyChain.of("owner", null, instances);
        instances.put("key-auth", List.of(configured(global(), "key-auth", Decision.PROCEED)));
        PolicyChain authenticating = PolicyChain.of("owner", null, instances);
        PolicyChain limited = PolicyChain.of("owner", null,
                Map.of("rate-limiting", List.of(configured(global(), "rate-limiting", Decision.PROCEED))));

        assertThat(List.of(refusesOnReplay(open, goldie, HERE, NO_LISTENER), refusesOnReplay(open, plain, HERE, NO_LISTENER),
                refusesOnReplay(open, Principal.NONE, HERE, NO_LISTENER)))
                .containsExactly(false, true, true);
        assertThat(refusesOnReplay(authenticating, plain, HERE, authenticating))
                .as("the very key-auth that identified the listener's caller finds the same caller here").isTrue();
        assertThat(refusesOnReplay(authenticating, plain, HERE, NO_LISTENER))
                .as("another authentication identified the listener's caller: who calls shows only in the request")
                .isFalse();
        assertThat(refusesOnReplay(authenticating, Principal.NONE, HERE, authenticating))
                .as("nobody identified: who calls shows only when the owning route authenticates the request").isFalse();
        Map<String, List<PolicyChain.Configured>> scoped = new LinkedHashMap<>();
        scoped.put("acl", List.of(new PolicyChain.Configured(global(), judge(caller -> false)), new PolicyChain.Configured(
                new PluginScope(null, null, CONSUMERS.byUsername("goldie").orElseThrow().id(), null), judge(caller -> true))));
        PolicyChain perConsumer = PolicyChain.of("owner", null, scoped);
        assertThat(List.of(refusesOnReplay(perConsumer, goldie, HERE, NO_LISTENER),
                refusesOnReplay(perConsumer, plain, HERE, NO_LISTENER)))
                .as("the instance scoped to goldie applies to goldie alone").containsExactly(true, false);
        assertThat(limited.judgesCallers()).isFalse();
        assertThat(refusesOnReplay(limited, plain, HERE, NO_LISTENER)).isFalse();
        assertThat(ran).as("no policy ran").isEmpty();
    }

    @Test
    void aListenerLearnsWithoutReplayingWhetherTheOwningRouteRefusesWhereItsCallerCallsFrom() {
        Principal plain = CONSUMERS.principal(CONSUMERS.byUsername("plain").orElseThrow(),
                new Principal.Credential("p", "key-auth"));
        AddressPolicy noLoopback = fence(address -> address.startsWith("127."));
        PolicyChain guarded = PolicyChain.of("owner", null,
                Map.of("ip-restriction", List.of(new PolicyChain.Configured(global(), noLoopback))));

        assertThat(List.of(guarded.judgesCallers(), guarded.judgesAddresses())).containsExactly(true, true);
        assertThat(List.of(refusesOnReplay(guarded, plain, "127.0.0.1", NO_LISTENER),
                refusesOnReplay(guarded, Principal.NONE, "127.0.0.1", NO_LISTENER),
                refusesOnReplay(guarded, plain, HERE, NO_LISTENER)))
                .containsExactly(true, true, false);
        assertThat(PolicyChain.of("owner", null, Map.of("acl", List.of(new PolicyChain.Configured(global(),
                judge(caller -> true))))).judgesAddresses()).as("an acl judges callers, not addresses").isFalse();
        assertThat(ran).as("no policy ran").isEmpty();
    }

    @Test
    void aCallerTheListenerDidNotIdentifyIsRefusedWhereTheOwningRouteRefusesItsAddressWhoeverItAuthenticatesAs() {
        AddressPolicy noLoopback = fence(address -> address.startsWith("127."));
        Map<String, List<PolicyChain.Configured>> instances = new LinkedHashMap<>();
        instances.put("key-auth", List.of(configured(global(), "key-auth", Decision.PROCEED)));
        instances.put("acl", List.of(new PolicyChain.Configured(global(), judge(caller -> true))));
        instances.put("ip-restriction", List.of(new PolicyChain.Configured(global(), noLoopback)));
        PolicyChain authenticating = PolicyChain.of("owner", null, instances);
        assertThat(List.of(refusesOnReplay(authenticating, Principal.NONE, "127.0.0.1", NO_LISTENER),
                refusesOnReplay(authenticating, Principal.NONE, HERE, NO_LISTENER)))
                .as("the acl's answer waits for who authenticates; the address is refused whoever it is")
                .containsExactly(true, false);

        PluginScope goldiesOwn = new PluginScope(null, null, CONSUMERS.byUsername("goldie").orElseThrow().id(), null);
        instances.put("ip-restriction", List.of(new PolicyChain.Configured(goldiesOwn, fence(address -> false)),
                new PolicyChain.Configured(global(), noLoopback)));
        assertThat(refusesOnReplay(PolicyChain.of("owner", null, instances), Principal.NONE, "127.0.0.1", NO_LISTENER))
                .as("goldie's own instance lets loopback in, and the request may authenticate as goldie").isFalse();
        instances.put("ip-restriction", List.of(new PolicyChain.Configured(goldiesOwn, noLoopback)));
        assertThat(refusesOnReplay(PolicyChain.of("owner", null, instances), Principal.NONE, "127.0.0.1", NO_LISTENER))
                .as("an instance for goldie alone does not apply to whoever else authenticates").isFalse();
        assertThat(ran).as("no policy ran").isEmpty();
    }

    /** A policy that decides from the client's address alone, refusing those {@code refuses} names. */
    static AddressPolicy fence(java.util.function.Predicate<String> refuses) {
        return new AddressPolicy() {
            @Override
            public boolean refuses(String clientAddress) {
                return clientAddress == null || refuses.test(clientAddress);
            }

            @Override
            public Future<Decision> admit(Exchange exchange) {
                ran.add("ip-restriction");
                return Decision.PROCEED;
            }
        };
    }

    @Test
    void theLogPluginsAreChosenPerCallerOnlyWhereAnInstanceIsScopedToOne() {
        Consumer goldie = CONSUMERS.byUsername("goldie").orElseThrow();
        Consumer plain = CONSUMERS.byUsername("plain").orElseThrow();
        Map<String, List<PolicyChain.Configured>> instances = new LinkedHashMap<>();
        instances.put("prometheus", List.of(logger(global(), "prometheus: global")));
        instances.put("http-log", List.of(logger(global(), "http-log: global"),
                logger(new PluginScope(null, null, goldie.id(), null), "http-log: goldie")));
        PolicyChain perCaller = PolicyChain.of("r", "s", instances);
        PolicyChain forEveryone = PolicyChain.of("r", "s", Map.of("prometheus", instances.get("prometheus")));

        for (Consumer caller : List.of(goldie, plain)) {
            for (PolicyChain chain : List.of(perCaller, forEveryone)) {
                run = exchange -> {
                    exchange.authenticate(CONSUMERS.principal(caller, new Principal.Credential("k", "key-auth")));
                    chain.loggers(exchange).forEach(sink -> ran.add(caller.username() + " -> " + sink));
                    return Decision.PROCEED;
                };
                get();
            }
        }
        assertThat(ran).containsExactly(
                "goldie -> prometheus: global", "goldie -> http-log: goldie", "goldie -> prometheus: global",
                "plain -> prometheus: global", "plain -> http-log: global", "plain -> prometheus: global");
    }

    /** A listener with no authentication of its own, in the replay tests. */
    private static final PolicyChain NO_LISTENER = PolicyChain.EMPTY;

    /** Where the listener's caller calls from, in the replay tests. */
    private static final String HERE = "10.0.0.1";

    /**
     * What {@code owner} answers the listener, asked as the listener asks it: of a real request from {@code address}
     * whose caller the listener ({@code serving}) identified as {@code caller}, before anything is replayed.
     */
    static boolean refusesOnReplay(PolicyChain owner, Principal caller, String address, PolicyChain serving) {
        java.util.concurrent.atomic.AtomicBoolean refused = new java.util.concurrent.atomic.AtomicBoolean();
        run = exchange -> {
            exchange.authenticate(caller);
            refused.set(owner.refusesOnReplay(exchange, serving));
            return Decision.PROCEED;
        };
        assertThat(get(address.equals("127.0.0.1") ? null : address)).isEqualTo("continue");
        return refused.get();
    }

    /** A policy that decides from the caller alone, refusing those {@code refuses} names. */
    static CallerPolicy judge(java.util.function.Predicate<Principal> refuses) {
        return new CallerPolicy() {
            @Override
            public boolean refuses(Principal caller) {
                return refuses.test(caller);
            }

            @Override
            public Future<Decision> admit(Exchange exchange) {
                return refuses(exchange.principal()) ? Decision.reject(new GatewayError.Forbidden("no", null))
                        : Decision.PROCEED;
            }
        };
    }

    static PolicyChain.Configured logger(PluginScope scope, String name) {
        return new PolicyChain.Configured(scope, null, null, new dev.toolgate.observe.TrafficSink() {
            @Override
            public String toString() {
                return name;
            }
        });
    }

    static PluginScope global() {
        return new PluginScope(null, null, null, null);
    }

    static PolicyChain.Configured configured(PluginScope scope, String name, Future<Decision> decision) {
        return new PolicyChain.Configured(scope, exchange -> {
            ran.add(name);
            return decision;
        });
    }

    static String admit(PolicyChain chain) {
        run = chain::admit;
        return get();
    }

    static String describe(Decision decision) {
        return switch (decision) {
            case Decision.Continue c -> "continue";
            case Decision.Reject r -> "reject " + dev.toolgate.error.ErrorCatalog.of(r.error()).status() + " "
                    + dev.toolgate.error.ErrorCatalog.of(r.error()).message();
            case Decision.Respond r -> "respond " + r.status();
            case Decision.ToolResult t -> "tool result";
        };
    }

    static String get() {
        return get(null);
    }

    /** A request from {@code address} (X-Real-IP, from the trusted loopback), or from loopback itself for null. */
    static String get(String address) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + "/"));
        if (address != null) {
            request.header("X-Real-IP", address);
        }
        try {
            return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
