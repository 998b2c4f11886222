package dev.toolgate.cli;

import dev.toolgate.config.InvalidConfigException;
import dev.toolgate.gateway.Gateway;
import dev.toolgate.gateway.Limits;
import dev.toolgate.http.ClientAddresses;
import dev.toolgate.observe.LogSetup;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code toolgate run}: serve until stopped. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Start the gateway: the proxy listener serves MCP, the admin listener serves the Admin API.")
final class RunCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--config", required = true, paramLabel = "FILE",
            description = "Kong declarative file (YAML or JSON); reloaded when it changes.")
    private Path config;

    @Option(names = "--proxy-listen", paramLabel = "HOST:PORT", converter = ListenAddress.ProxyOrDefault.class,
            defaultValue = "${env:TOOLGATE_PROXY_LISTEN:-" + ListenAddress.PROXY_DEFAULT + "}",
            description = "Proxy listener (env TOOLGATE_PROXY_LISTEN; default " + ListenAddress.PROXY_DEFAULT
                    + "; empty is the default). Port 0 picks a free port.")
    private ListenAddress proxy;

    @Option(names = "--admin-listen", paramLabel = "HOST:PORT", converter = ListenAddress.AdminOrDefault.class,
            defaultValue = "${env:TOOLGATE_ADMIN_LISTEN:-" + ListenAddress.ADMIN_DEFAULT + "}",
            description = "Admin listener (env TOOLGATE_ADMIN_LISTEN; default " + ListenAddress.ADMIN_DEFAULT
                    + "; empty is the default). Port 0 picks a free port.")
    private ListenAddress admin;

    @Option(names = "--status-listen", paramLabel = "HOST:PORT", converter = ListenAddress.OrNone.class,
            defaultValue = "${env:TOOLGATE_STATUS_LISTEN}",
            description = "Kong's status_listen: a listener serving only GET /status, /status/ready and /metrics, "
                    + "for probes and scrapers on the pod network (env TOOLGATE_STATUS_LISTEN; default none; "
                    + "empty is none). Port 0 picks a free port.")
    private ListenAddress status;

    @Option(names = "--no-watch", description = "Do not reload the config file when it changes.")
    private boolean noWatch;

    @Option(names = "--shutdown-timeout", paramLabel = "SECONDS",
            defaultValue = "${env:TOOLGATE_SHUTDOWN_TIMEOUT:-10}",
            description = "On SIGTERM or SIGINT, how long requests in flight may take to finish; new connections "
                    + "are refused at once (env TOOLGATE_SHUTDOWN_TIMEOUT; default ${DEFAULT-VALUE}).")
    private int shutdownTimeout;

    @Option(names = "--shutdown-delay", paramLabel = "SECONDS",
            defaultValue = "${env:TOOLGATE_SHUTDOWN_DELAY:-0}",
            description = "On SIGTERM or SIGINT, how long readiness answers 503 while new connections are still "
                    + "served, before the --shutdown-timeout drain (Kong's quit --wait; env TOOLGATE_SHUTDOWN_DELAY; "
                    + "default ${DEFAULT-VALUE}).")
    private int shutdownDelay;

    @Option(names = "--trusted-ips", paramLabel = "CIDR,...", defaultValue = "${env:TOOLGATE_TRUSTED_IPS:-}",
            description = "Kong's trusted_ips: proxies in front of Toolgate whose --real-ip-header is believed "
                    + "(addresses and CIDR blocks, comma-separated; env TOOLGATE_TRUSTED_IPS; default none).")
    private String trustedIps;

    @Option(names = "--real-ip-header", paramLabel = "NAME", defaultValue = "${env:TOOLGATE_REAL_IP_HEADER:-X-Real-IP}",
            description = "Kong's real_ip_header: the header a trusted proxy puts the client's address in "
                    + "(env TOOLGATE_REAL_IP_HEADER; default ${DEFAULT-VALUE}; X-Forwarded-For is common).")
    private String realIpHeader;

    @Option(names = "--real-ip-recursive", defaultValue = "${env:TOOLGATE_REAL_IP_RECURSIVE:-false}",
            description = "Kong's real_ip_recursive: in a list, skip trusted addresses from the right "
                    + "(env TOOLGATE_REAL_IP_RECURSIVE; default ${DEFAULT-VALUE}).")
    private boolean realIpRecursive;

    @CommandLine.Mixin
    private LimitOptions limits;

    @Override
    public Integer call() throws InterruptedException {
        if (shutdownTimeout < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--shutdown-timeout must be 0 or more seconds");
        }
        if (shutdownDelay < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--shutdown-delay must be 0 or more seconds");
        }
        if (admin.overlaps(proxy)) {
            // else both start, and the proxy's socket serves the Admin API to a share of public connections
            throw new CommandLine.ParameterException(spec.commandLine(), "--admin-listen " + admin
                    + " and --proxy-listen " + proxy + " (or TOOLGATE_ADMIN_LISTEN and TOOLGATE_PROXY_LISTEN) "
                    + "overlap: give the two listeners different ports");
        }
        // Vert.x would not fail to bind an address twice: it would share the socket, Admin API and all
        if (status != null && (status.overlaps(proxy) || status.overlaps(admin))) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--status-listen " + status.host() + ":"
                    + status.port() + " is the address of the " + (status.overlaps(proxy) ? "proxy" : "admin")
                    + " listener; give it one of its own");
        }
        ClientAddresses addresses;
        try {
            addresses = new ClientAddresses(ClientAddresses.parseList(trustedIps), realIpHeader, realIpRecursive);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--trusted-ips: " + e.getMessage());
        }
        // before the start, whose failures are not the command line's (exit 3, not 2)
        Limits bounds = limits.limits(spec);
        Gateway gateway;
        try {
            gateway = Gateway.start(new Gateway.Options(config, proxy.host(), proxy.port(), admin.host(), admin.port(),
                    !noWatch, System::getenv, InstantSource.system(), new SecureRandom(), addresses, bounds,
                    Duration.ofSeconds(shutdownDelay), status == null ? null : status.host(),
                    status == null ? 0 : status.port()));
        } catch (InvalidConfigException e) {
            System.err.println("toolgate: " + config + " is invalid; not starting:");
            e.problems().forEach(System.err::println);
            return ExitCodes.INVALID_CONFIG;
        } catch (IOException | RuntimeException e) {
            System.err.println("toolgate: could not start: " + e.getMessage());
            return ExitCodes.FAILURE;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("toolgate-stop").unstarted(() -> {
            gateway.stop(Duration.ofSeconds(shutdownTimeout));
            // last: what the drain logged is written, not cut by logging stopping alongside it
            LogSetup.stop();
            stopped.countDown();
        }));
        LogSetup.stopLast();
        exitZeroOnStopSignals();
        reloadOnHangup(gateway);
        stopped.await();
        return ExitCodes.OK;
    }

    /**
     * SIGHUP reads the config file again, as nginx and Kong reload on it (the JVM would stop, exiting 129).
     * The reload runs on a thread of its own: the JVM's signal thread is not held by a config's load.
     */
    private static void reloadOnHangup(Gateway gateway) {
        try {
            Signal.handle(new Signal("HUP"), signal -> Thread.ofVirtual().name("reload-on-hup").start(gateway::reload));
        } catch (IllegalArgumentException unavailable) {
            // no SIGHUP on this platform, or the JVM keeps it (-Xrs): the file watch still reloads
        }
    }

    /**
     * The JVM answers SIGTERM and SIGINT with an exit whose code is 128 + the signal (143, 130), whatever
     * {@code run} returns then: service managers read the graceful stop they asked for as a failure (systemd
     * marks the unit failed unless told {@code SuccessExitStatus=143}; Kubernetes reports Error, not
     * Completed). Here the exit they start is one with 0; the shutdown hooks run as before, the stop among
     * them (halting with 0 at the end of the stop would cut hooks of others: a JFR recording's dump at exit).
     */
    private static void exitZeroOnStopSignals() {
        for (String name : new String[]{"TERM", "INT"}) {
            try {
                Signal.handle(new Signal(name), signal -> System.exit(ExitCodes.OK));
            } catch (IllegalArgumentException unavailable) {
                // the JVM's own handling stays (the signal is the JVM's under -Xrs, or unknown to the platform)
            }
        }
    }
}
