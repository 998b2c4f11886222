package dev.toolgate.cli;

import dev.toolgate.config.InvalidConfigException;
import dev.toolgate.gateway.Gateway;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

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

    @Option(names = "--proxy-listen", paramLabel = "HOST:PORT", converter = ListenAddress.Converter.class,
            defaultValue = "${env:TOOLGATE_PROXY_LISTEN:-0.0.0.0:8000}",
            description = "Proxy listener (env TOOLGATE_PROXY_LISTEN; default ${DEFAULT-VALUE}). Port 0 picks a free port.")
    private ListenAddress proxy;

    @Option(names = "--admin-listen", paramLabel = "HOST:PORT", converter = ListenAddress.Converter.class,
            defaultValue = "${env:TOOLGATE_ADMIN_LISTEN:-127.0.0.1:8001}",
            description = "Admin listener (env TOOLGATE_ADMIN_LISTEN; default ${DEFAULT-VALUE}). Port 0 picks a free port.")
    private ListenAddress admin;

    @Option(names = "--no-watch", description = "Do not reload the config file when it changes.")
    private boolean noWatch;

    @Option(names = "--shutdown-timeout", paramLabel = "SECONDS",
            defaultValue = "${env:TOOLGATE_SHUTDOWN_TIMEOUT:-10}",
            description = "On SIGTERM or SIGINT, how long requests in flight may take to finish; new connections "
                    + "are refused at once (env TOOLGATE_SHUTDOWN_TIMEOUT; default ${DEFAULT-VALUE}).")
    private int shutdownTimeout;

    @CommandLine.Mixin
    private LimitOptions limits;

    @Override
    public Integer call() throws InterruptedException {
        if (shutdownTimeout < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--shutdown-timeout must be 0 or more seconds");
        }
        Gateway gateway;
        try {
            gateway = Gateway.start(new Gateway.Options(config, proxy.host(), proxy.port(), admin.host(), admin.port(),
                    !noWatch, System::getenv, InstantSource.system(), new SecureRandom(), limits.limits(spec)));
        } catch (InvalidConfigException e) {
            System.err.println("toolgate: " + config + " is invalid; not starting:");
            e.problems().forEach(System.err::println);
            return ExitCodes.INVALID_CONFIG;
        } catch (IOException | RuntimeException e) {
            System.err.println("toolgate: could not start: " + e.getMessage());
            return ExitCodes.FAILURE;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(() -> {
            gateway.stop(Duration.ofSeconds(shutdownTimeout));
            stopped.countDown();
        }));
        stopped.await();
        return ExitCodes.OK;
    }
}
