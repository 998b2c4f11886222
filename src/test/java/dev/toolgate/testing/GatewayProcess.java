package dev.toolgate.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Toolgate instance in its own process: {@code target/toolgate.jar} (which {@code verify}
 * builds before the integration tests run), on fixed loopback ports so it can be killed (SIGKILL),
 * stopped (SIGTERM, graceful) and started again at the same address, as a load balancer sees it.
 */
public final class GatewayProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** Small and quick to start, for the many instances the tests run. */
    private static final List<String> TEST_JVM = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

    private final Path config;
    /** The JVM options, or null to start through {@code ./toolgate}, which chooses them. */
    private final List<String> jvmOptions;
    /** What the JVM reads from the environment ({@code JDK_JAVA_OPTIONS}, {@code JAVA_TOOL_OPTIONS}); none if empty. */
    private final Map<String, String> javaEnvironment;
    /** Options of {@code toolgate run} besides the config, the listeners and the shutdown timeout. */
    private List<String> runOptions = List.of();
    private final int proxyPort = RedisServer.freePort();
    private final int adminPort = RedisServer.freePort();
    private final Path log;
    private Process process;

    private GatewayProcess(Path config, List<String> jvmOptions, Map<String, String> javaEnvironment)
            throws IOException {
        this.config = config;
        this.jvmOptions = jvmOptions == null ? null : List.copyOf(jvmOptions);
        this.javaEnvironment = Map.copyOf(javaEnvironment);
        this.log = Files.createTempFile("toolgate-instance", ".log");
    }

    /** Starts an instance on {@code config}; waits until its admin API says it is ready. */
    public static GatewayProcess start(Path config) {
        return start(config, List.of());
    }

    /** Starts an instance with these options for its JVM (its {@code -Xlog} output goes to {@link #log()}). */
    public static GatewayProcess start(Path config, List<String> jvmOptions) {
        return started(config, Stream.concat(TEST_JVM.stream(), jvmOptions.stream()).toList());
    }

    /** Starts an instance with the JVM's own defaults, as {@code ./toolgate} does, and these options. */
    public static GatewayProcess startAsShipped(Path config, List<String> jvmOptions) {
        return started(config, jvmOptions);
    }

    /** Starts an instance with these options of {@code toolgate run} ({@code --shutdown-delay 3}, say). */
    public static GatewayProcess startWithOptions(Path config, List<String> runOptions) {
        try {
            GatewayProcess instance = new GatewayProcess(config, TEST_JVM, Map.of());
            instance.runOptions = List.copyOf(runOptions);
            instance.startAgain();
            return instance;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts an instance through {@code ./toolgate}, the launcher users run, with the JDK running the tests. */
    public static GatewayProcess startWithLauncher(Path config) {
        return startWithLauncher(config, Map.of());
    }

    /**
     * Starts an instance through {@code ./toolgate} with these variables of the JVM's environment
     * ({@code JDK_JAVA_OPTIONS}, {@code JAVA_TOOL_OPTIONS}), as a user sets them for the launcher.
     */
    public static GatewayProcess startWithLauncher(Path config, Map<String, String> javaEnvironment) {
        jar(); // a missing jar fails here with how to build it, not with the launcher building it in a test
        return started(config, null, javaEnvironment);
    }

    private static GatewayProcess started(Path config, List<String> jvmOptions) {
        return started(config, jvmOptions, Map.of());
    }

    private static GatewayProcess started(Path config, List<String> jvmOptions, Map<String, String> javaEnvironment) {
        try {
            GatewayProcess instance = new GatewayProcess(config, jvmOptions, javaEnvironment);
            instance.startAgain();
            return instance;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The shaded jar, or a failure that says how to build it. */
    public static Path jar() {
        Path jar = NodeClients.projectRoot().resolve("target/toolgate.jar");
        if (!Files.isRegularFile(jar)) {
            throw new AssertionError("target/toolgate.jar is missing: run ./mvnw verify (package builds it first)");
        }
        return jar;
    }

    public URI proxy(String path) {
        return URI.create("http://127.0.0.1:" + proxyPort + path);
    }

    /** An address on the instance's admin listener. */
    public URI admin(String path) {
        return URI.create("http://127.0.0.1:" + adminPort + path);
    }

    public int proxyPort() {
        return proxyPort;
    }

    /** Starts the process (again) on the same ports and waits for readiness. */
    public void startAgain() {
        String javaHome = System.getProperty("java.home");
        try {
            // with SIGHUP's default action, as a service manager starts it: a build run under nohup would pass its
            // ignored SIGHUP on, and a JVM started so never sees the signal (README: Command line)
            List<String> command = new ArrayList<>(List.of("env", "--default-signal=HUP"));
            if (jvmOptions == null) {
                command.add(NodeClients.projectRoot().resolve("toolgate").toString());
            } else {
                command.add(Path.of(javaHome, "bin", "java").toString());
                command.addAll(jvmOptions);
                command.addAll(List.of("-jar", jar().toString()));
            }
            command.addAll(List.of("run", "--config", config.toString(), "--no-watch",
                    "--proxy-listen", "127.0.0.1:" + proxyPort, "--admin-listen", "127.0.0.1:" + adminPort,
                    "--shutdown-timeout", "5"));
            command.addAll(runOptions);
            ProcessBuilder builder = new ProcessBuilder(command);
            builder.environment().put("JAVA_HOME", javaHome);
            // only what the test gives: options in the tests' own environment would change what is tested
            builder.environment().remove("JDK_JAVA_OPTIONS");
            builder.environment().remove("JAVA_TOOL_OPTIONS");
            builder.environment().putAll(javaEnvironment);
            process = builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("the instance exited with " + process.exitValue() + ":\n" + log());
            }
            if (ready()) {
                return;
            }
            sleep(100);
        }
        throw new AssertionError("the instance did not become ready:\n" + log());
    }

    private boolean ready() {
        try {
            HttpResponse<Void> response = HTTP.send(HttpRequest.newBuilder(
                    admin("/status/ready")).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The running process (the JVM itself: the launcher replaces its shell with it). */
    public ProcessHandle handle() {
        return process.toHandle();
    }

    /** SIGKILL: the instance dies at once, as in a crash. */
    public void kill() {
        process.destroyForcibly();
        waitForExit();
    }

    /** SIGTERM: the graceful stop of {@code --shutdown-timeout}; waits until the process is gone. */
    public void stop() {
        process.destroy();
        waitForExit();
    }

    /** The exit code of the process, once it has ended. */
    public int exitValue() {
        return process.exitValue();
    }

    private void waitForExit() {
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** What the instance printed, for failure messages. */
    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            kill();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
