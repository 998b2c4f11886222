package dev.toolgate.gateway;

import dev.toolgate.config.ConfigInput;
import dev.toolgate.config.ConfigLoader;
import dev.toolgate.config.ConfigReport;
import dev.toolgate.config.InvalidConfigException;
import dev.toolgate.error.GatewayException;
import dev.toolgate.http.ClientAddresses;
import dev.toolgate.cluster.Cluster;
import dev.toolgate.mcp.SessionLimits;
import dev.toolgate.mode.conversion.Sessions;
import dev.toolgate.mode.passthrough.EraBridges;
import dev.toolgate.observe.MessageTap;
import dev.toolgate.observe.Telemetry;
import dev.toolgate.observe.TrafficCounters;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.function.UnaryOperator;
import java.util.random.RandomGenerator;

/**
 * A running Toolgate: the proxy and admin listeners ({@link Listeners}), the current {@link Snapshot},
 * and what outlives reloads (sessions, the upstream connection pool on {@link EventLoops}): starting and
 * stopping them (a stop's waits are in {@link StopSchedule}). How the configuration changes while it runs
 * (POST /config, the watched file, SIGHUP) is in {@link ConfigReloads}.
 */
public final class Gateway implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

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
    private final EventLoops loops;
    private final Cluster cluster;
    private final Sessions sessions;
    private final SnapshotBuilder builder;
    private final TrafficCounters traffic = new TrafficCounters();
    private final MessageTap tap;
    private final Telemetry telemetry;
    private final SnapshotSwitch snapshots;
    private final ConfigReloads reloads;
    private final Listeners listeners = new Listeners();
    private long sweeper = -1;

    private Gateway(Options options) {
        this.options = options;
        Limits limits = options.limits();
        this.loops = new EventLoops(limits);
        this.cluster = new Cluster(options.clock(), options.random(), new SessionLimits(
                limits.maxSessionsPerEndpoint(), limits.maxSessionsPerClient(), limits.sessionIdleSeconds()), loops::proxy,
                () -> loops.side().nettyEventLoop());
        // as many streams as sessions: a client that may hold 1,000 sessions may listen on each of them here
        this.sessions = new Sessions(cluster.bus(), cluster.memory(), options.clock(), limits.maxSessionsPerClient());
        EraBridges bridges = new EraBridges(cluster.memory(), options.clock());
        this.snapshots = new SnapshotSwitch(sessions, bridges);
        this.tap = new MessageTap(traffic, System::nanoTime);
        this.telemetry = new Telemetry(loops::side, traffic, limits.maxLogQueueBytes());
        this.builder = new SnapshotBuilder(loader(options.environment()), sessions, cluster, loops::upstream, tap,
                bridges, Version.current(), options.addresses(),
                new ConfigInput(limits.specsOutsideConfigDir(), limits.metadataUpstreams()), telemetry);
        // loads take turns on this gateway, as they did before they had a class of their own
        this.reloads = new ConfigReloads(options.configFile(), builder, snapshots, telemetry, cluster, this);
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
            Vertx vertx = gateway.loops.vertx();
            // the last resort: a failure in a callback that no future carried to the pipeline's error net
            vertx.exceptionHandler(t -> LOG.error("unhandled failure in an event-loop callback", t));
            gateway.sweeper = gateway.loops.side().setPeriodic(60_000, id -> {
                gateway.cluster.sweep();
                gateway.tap.expire();
            });
            GatewayView view = new GatewayView(gateway.snapshots, gateway.sessions, gateway.cluster, gateway.traffic,
                    gateway.reloads::apply, () -> !gateway.reloads.stopping(),
                    gateway.telemetry);
            gateway.listeners.bind(gateway.loops, options, gateway.snapshots, view);
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
            return new SnapshotBuilder(loader(environment), null, unused, () -> null, silent, new EraBridges(unused.memory(), InstantSource.system()),
                    Version.current(),
                    ClientAddresses.PEER, input, null).load(document, baseDirectory, new ConfigReport());
        }
    }

    public Snapshot snapshot() {
        return snapshots.current();
    }

    public int proxyPort() {
        return listeners.proxyPort();
    }

    public int adminPort() {
        return listeners.adminPort();
    }

    /** The status listener's port; -1 without one. */
    public int statusPort() {
        return listeners.statusPort();
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
        StopSchedule schedule = new StopSchedule(delay, grace);
        reloads.stop(); // first: no configuration is swapped in on a gateway whose parts are closing
        schedule.drainDelay();
        if (!grace.isZero()) {
            LOG.info("stopping: new connections are refused; requests in flight have {} s to finish", grace.toSeconds());
        }
        try {
            // refuse new connections first, so that no stream opens after the open ones are ended
            Future<Void> drained = listeners.shutdownProxy(grace);
            sessions.closeStreams();
            drained.await();
            // the log queues send what they hold before the connections they use go
            telemetry.close(schedule.sinkBudget());
            // Redis connections run on Vert.x's event loops: closed (and kept from reconnecting) before the loops stop,
            // waited for, then Lettuce's threads, which hear of each socket's close
            cluster.close();
            Vertx vertx = loops.vertx();
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
