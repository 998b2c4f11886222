package dev.toolgate.gateway;

import dev.toolgate.admin.AdminServer;
import dev.toolgate.config.ConfigInput;
import dev.toolgate.config.ConfigLoader;
import dev.toolgate.config.ConfigReport;
import dev.toolgate.config.InvalidConfigException;
import dev.toolgate.error.GatewayException;
import dev.toolgate.http.ClientAddresses;
import dev.toolgate.http.ListenerTransport;
import dev.toolgate.http.ProxyServer;
import dev.toolgate.http.UpstreamClient;
import dev.toolgate.cluster.Cluster;
import dev.toolgate.mcp.SessionLimits;
import dev.toolgate.mode.conversion.Sessions;
import dev.toolgate.mode.passthrough.EraBridges;
import dev.toolgate.observe.MessageTap;
import dev.toolgate.observe.Telemetry;
import dev.toolgate.observe.TrafficCounters;
import io.netty.buffer.ByteBufAllocator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import java.util.random.RandomGenerator;

/**
 * A running Toolgate: the proxy and admin listeners, the current {@link Snapshot}, and what outlives
 * reloads (sessions, the upstream connection pool): starting and stopping them. How the configuration
 * changes while it runs (POST /config, the watched file, SIGHUP) is in {@link ConfigReloads}.
 */
public final class Gateway implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
    /** The least the log sinks get to send what they hold as the gateway stops. */
    private static final Duration SINK_LAST_TRY = Duration.ofSeconds(1);

    /**
     * How to start.
     *
     * @param configFile  the declarative file (watched for changes when {@code watch} is set)
     * @param proxyHost   proxy listener address
     * @param proxyPort   proxy listener port; 0 picks a free one
     * @param adminHost   admin listener address
     * @param adminPort   admin listener port; 0 picks a free one
     * @param watch       reload when the file changes
     * @param environment environment lookup for vault references
     * @param clock       time source for sessions
     * @param random      randomness for session ids (a {@code SecureRandom} in production)
     * @param addresses   which peers' forwarding headers say who the client is (Kong's {@code trusted_ips})
     * @param limits      bounds on connections, sessions, upstream pools and configuration input
     * @param shutdownDelay how long a graceful {@link #stop} keeps accepting while readiness already says 503
     * @param statusHost  status listener address (the read-only {@code /status} endpoints), or null for none
     * @param statusPort  status listener port; 0 picks a free one
     */
    public record Options(Path configFile, String proxyHost, int proxyPort, String adminHost, int adminPort,
                          boolean watch, UnaryOperator<String> environment, InstantSource clock,
                          RandomGenerator random, ClientAddresses addresses, Limits limits, Duration shutdownDelay,
                          String statusHost, int statusPort) {

        /** Stopping without a delay, and no status listener. */
        public Options(Path configFile, String proxyHost, int proxyPort, String adminHost, int adminPort,
                       boolean watch, UnaryOperator<String> environment, InstantSource clock, RandomGenerator random,
                       ClientAddresses addresses, Limits limits) {
            this(configFile, proxyHost, proxyPort, adminHost, adminPort, watch, environment, clock, random,
                    addresses, limits, Duration.ZERO, null, 0);
        }

        /** Trusting no proxy in front of the gateway, with the default {@link Limits}. */
        public Options(Path configFile, String proxyHost, int proxyPort, String adminHost, int adminPort,
                       boolean watch, UnaryOperator<String> environment, InstantSource clock, RandomGenerator random) {
            this(configFile, proxyHost, proxyPort, adminHost, adminPort, watch, environment, clock, random,
                    ClientAddresses.PEER, Limits.DEFAULT);
        }

        /** With the default {@link Limits}. */
        public Options(Path configFile, String proxyHost, int proxyPort, String adminHost, int adminPort,
                       boolean watch, UnaryOperator<String> environment, InstantSource clock, RandomGenerator random,
                       ClientAddresses addresses) {
            this(configFile, proxyHost, proxyPort, adminHost, adminPort, watch, environment, clock, random,
                    addresses, Limits.DEFAULT);
        }

        /** Trusting no proxy in front of the gateway. */
        public Options(Path configFile, String proxyHost, int proxyPort, String adminHost, int adminPort,
                       boolean watch, UnaryOperator<String> environment, InstantSource clock, RandomGenerator random,
                       Limits limits) {
            this(configFile, proxyHost, proxyPort, adminHost, adminPort, watch, environment, clock, random,
                    ClientAddresses.PEER, limits);
        }
    }

    private final Options options;
    private final CompletableFuture<Vertx> vertxReady;
    private final Cluster cluster;
    private final Sessions sessions;
    private volatile UpstreamClient upstream;
    /** Not the gateway's own lock, which a configuration load holds while it parses and builds. */
    private final Object upstreamLock = new Object();
    private final SnapshotBuilder builder;
    private final TrafficCounters traffic = new TrafficCounters();
    private final MessageTap tap;
    private final Telemetry telemetry;
    private final SnapshotSwitch snapshots;
    private final ConfigReloads reloads;
    private ProxyServer proxy;
    private AdminServer admin;
    private AdminServer status;
    private long sweeper = -1;

    private Gateway(Options options) {
        this.options = options;
        // Vert.x starts on its own thread while the configuration loads; only endpoints need it
        this.vertxReady = CompletableFuture.supplyAsync(Gateway::startVertx,
                task -> Thread.ofPlatform().name("vertx-start").daemon().start(task));
        Limits limits = options.limits();
        this.cluster = new Cluster(options.clock(), options.random(), new SessionLimits(
                limits.maxSessionsPerEndpoint(), limits.maxSessionsPerClient(), limits.sessionIdleSeconds()), this::vertx);
        // as many streams as sessions: a client that may hold 1,000 sessions may listen on each of them here
        this.sessions = new Sessions(cluster.bus(), options.clock(), limits.maxSessionsPerClient());
        EraBridges bridges = new EraBridges();
        this.snapshots = new SnapshotSwitch(sessions, bridges);
        this.tap = new MessageTap(traffic, System::nanoTime);
        this.telemetry = new Telemetry(this::vertx, traffic);
        this.builder = new SnapshotBuilder(loader(options.environment()), sessions, cluster, this::upstream, tap,
                bridges, Version.current(), options.addresses(),
                new ConfigInput(limits.specsOutsideConfigDir(), limits.metadataUpstreams()), telemetry);
        // loads take turns on this gateway, as they did before they had a class of their own
        this.reloads = new ConfigReloads(options.configFile(), builder, snapshots, telemetry, cluster, this);
    }

    private static Vertx startVertx() {
        // NIO, with a hook at each connection's accept (ListenerTransport: Vert.x has no other)
        Vertx vertx = Vertx.builder().with(new VertxOptions().setPreferNativeTransport(false))
                .withTransport(new ListenerTransport()).build();
        // The first direct buffer Netty takes links malloc and free through the JDK's FFM API (the jar's
        // Enable-Native-Access lets it): about 35 ms, here beside the configuration load instead of in
        // the first request a client sends
        ByteBufAllocator.DEFAULT.directBuffer(1).release();
        return vertx;
    }

    private Vertx vertx() {
        return vertxReady.join();
    }

    private UpstreamClient upstream() {
        UpstreamClient client = upstream;
        if (client == null) {
            synchronized (upstreamLock) {
                if (upstream == null) {
                    upstream = new UpstreamClient(vertx(), options.limits().upstreamPoolSize(),
                            options.limits().upstreamPoolWaitMs(), options.limits().upstreamIdleMs(),
                            "toolgate/" + Version.current());
                }
                client = upstream;
            }
        }
        return client;
    }

    /**
     * Loads the config, binds both listeners and starts watching the file.
     *
     * @throws InvalidConfigException when the config has problems (nothing is started)
     */
    public static Gateway start(Options options) throws IOException {
        long started = System.nanoTime();
        Gateway gateway = new Gateway(options);
        try {
            byte[] document = ConfigLoader.readFile(options.configFile());
            gateway.reloads.loadAtStart(document);
            long loaded = System.nanoTime();
            int instances = Math.max(1, Runtime.getRuntime().availableProcessors());
            Vertx vertx = gateway.vertx();
            // the last resort: a failure in a callback that no future carried to the pipeline's error net
            vertx.exceptionHandler(t -> LOG.error("unhandled failure in an event-loop callback", t));
            gateway.sweeper = vertx.setPeriodic(60_000, id -> gateway.cluster.sweep());
            gateway.proxy = bound("proxy", options.proxyHost(), options.proxyPort(), ProxyServer.start(vertx,
                    options.proxyHost(), options.proxyPort(), instances, gateway.snapshots::current,
                    options.limits().proxy()));
            GatewayView view = new GatewayView(gateway.snapshots, gateway.sessions, gateway.cluster, gateway.traffic,
                    gateway.reloads::apply, () -> !gateway.reloads.stopping(),
                    gateway.telemetry);
            gateway.admin = bound("admin", options.adminHost(), options.adminPort(), AdminServer.start(vertx,
                    options.adminHost(), options.adminPort(), view, options.limits().admin(),
                    options.limits().adminHostNames()));
            if (options.statusHost() != null) {
                gateway.status = bound("status", options.statusHost(), options.statusPort(),
                        AdminServer.startStatus(vertx, options.statusHost(), options.statusPort(), view,
                                options.limits().admin(), options.limits().adminHostNames()));
            }
            LOG.info("proxy listening on {}:{}", options.proxyHost(), gateway.proxy.port());
            LOG.info("admin listening on {}:{}", options.adminHost(), gateway.admin.port());
            if (gateway.status != null) {
                LOG.info("status listening on {}:{}", options.statusHost(), gateway.status.port());
            }
            if (options.watch()) {
                gateway.reloads.watch(document);
            }
            Snapshot snapshot = gateway.snapshot();
            LOG.info("ready in {} ms (configuration {} ms: {} routes, {} tools; listeners {} ms)",
                    millis(started, System.nanoTime()), millis(started, loaded), snapshot.config().routes().size(),
                    snapshot.toolCount(), millis(loaded, System.nanoTime()));
            return gateway;
        } catch (RuntimeException | IOException e) {
            gateway.close();
            throw e;
        }
    }

    /**
     * The listener once bound; else a failure that names it and its address: the socket's own words
     * ("Address already in use") do not say which of the listeners could not have its port.
     */
    private static <T> T bound(String listener, String host, int port, Future<T> listening) throws IOException {
        try {
            return listening.await();
        } catch (Exception e) {
            String address = host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
            String reason = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
            throw new IOException("the " + listener + " listener could not listen on " + address + ": " + reason, e);
        }
    }

    private static long millis(long from, long to) {
        return (to - from) / 1_000_000;
    }

    /**
     * Validates a document the way {@code run} would, without starting anything.
     *
     * @return the provisioned snapshot (for counts and warnings); it cannot serve
     * @throws InvalidConfigException with every problem
     */
    public static Snapshot check(byte[] document, Path baseDirectory, UnaryOperator<String> environment) {
        return check(document, baseDirectory, environment, ConfigInput.DEFAULT);
    }

    /** Same, with what the operator allows the document to reach. */
    public static Snapshot check(byte[] document, Path baseDirectory, UnaryOperator<String> environment,
                                 ConfigInput input) {
        try (Cluster unused = new Cluster(InstantSource.system(), new java.security.SecureRandom())) {
            // a tap that reports nothing: a checked snapshot's routes are built as the served ones, never used
            MessageTap silent = new MessageTap(event -> { }, System::nanoTime);
            return new SnapshotBuilder(loader(environment), null, unused, () -> null, silent, new EraBridges(),
                    Version.current(),
                    ClientAddresses.PEER, input, null).load(document, baseDirectory, new ConfigReport());
        }
    }

    public Snapshot snapshot() {
        return snapshots.current();
    }

    public int proxyPort() {
        return proxy.port();
    }

    public int adminPort() {
        return admin.port();
    }

    /** The status listener's port; -1 without one. */
    public int statusPort() {
        return status == null ? -1 : status.port();
    }

    /**
     * Validates, provisions and swaps in a new document.
     *
     * @throws InvalidConfigException with every problem; the current snapshot keeps serving
     * @throws GatewayException      {@code config_while_stopping} once a stop has begun: nothing is swapped in
     */
    public Snapshot apply(byte[] document, Path baseDirectory) {
        return reloads.apply(document, baseDirectory);
    }

    /** How many requests read on passthrough routes still wait for their answer to cross (bounded). */
    public int waitingRequests() {
        return tap.pending();
    }

    /** What observation keeps across reloads: the metrics registry, the live feed. */
    public Telemetry telemetry() {
        return telemetry;
    }

    /**
     * Reads the config file again and applies it, as the watcher would (SIGHUP: nginx's and Kong's reload,
     * with or without {@code --no-watch}). A file that is invalid or unreadable keeps the configuration that
     * serves, and its problems are logged; once a stop has begun nothing is reloaded.
     */
    public void reload() {
        reloads.reload();
    }

    private static ConfigLoader loader(UnaryOperator<String> environment) {
        return Plugins.loader(environment);
    }

    /** Readiness already answers 503; connections that arrive meanwhile are still accepted and served. */
    private static void drainDelay(Duration delay) {
        if (delay.isZero()) {
            return;
        }
        LOG.info("stopping: readiness answers 503; new connections are still served for {} s", delay.toSeconds());
        try {
            Thread.sleep(delay);
        } catch (InterruptedException e) {
            // asked to hurry: the drain begins now (the flag stays clear, or the drain's own waits would end too)
            LOG.debug("the shutdown delay was cut short", e);
        }
    }

    /**
     * What the stop's deadline leaves the log sinks to send what they hold, and never less than
     * {@link #SINK_LAST_TRY}: a drain that took the whole grace still gives each queue its last try.
     */
    private static Duration sinkBudget(long deadline) {
        Duration left = Duration.ofNanos(deadline - System.nanoTime());
        return left.compareTo(SINK_LAST_TRY) > 0 ? left : SINK_LAST_TRY;
    }

    /** Stops at once, cutting requests in flight. */
    @Override
    public void close() {
        stop(Duration.ZERO, Duration.ZERO);
    }

    /**
     * Stops gracefully: readiness answers 503 at once, the proxy keeps serving for the options'
     * {@code shutdownDelay} (load balancers take that long to stop sending here), then the proxy
     * listener accepts no new connections, the server notification streams end (clients reopen them
     * on another instance), and requests in flight get up to {@code grace} to finish before everything
     * closes.
     */
    public void stop(Duration grace) {
        stop(options.shutdownDelay(), grace);
    }

    private void stop(Duration delay, Duration grace) {
        long deadline = System.nanoTime() + delay.toNanos() + grace.toNanos();
        reloads.stop(); // first: no configuration is swapped in on a gateway whose parts are closing
        drainDelay(delay);
        if (!grace.isZero()) {
            LOG.info("stopping: new connections are refused; requests in flight have {} s to finish", grace.toSeconds());
        }
        try {
            // refuse new connections first, so that no stream opens after the open ones are ended
            Future<Void> drained = proxy == null ? Future.succeededFuture() : proxy.shutdown(grace);
            sessions.closeStreams();
            drained.await();
            // the log queues send what they hold before the connections they use go
            telemetry.close(sinkBudget(deadline));
            // Redis connections run on Vert.x's event loops: closed (and kept from reconnecting) before the loops stop
            cluster.close();
            Vertx vertx = vertx();
            vertx.cancelTimer(sweeper);
            vertx.close().await();
        } catch (RuntimeException e) {
            LOG.debug("closing Vert.x failed", e);
        }
        // again when the steps above failed early (closing twice is harmless)
        cluster.close();
        if (!grace.isZero()) {
            LOG.info("stopped");
        }
    }
}
