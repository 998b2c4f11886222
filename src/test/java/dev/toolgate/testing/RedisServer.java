package dev.toolgate.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} (the Debian package, which {@code .ci/run} installs) started on a free
 * loopback port, without persistence. It can be killed and started again on the same port, to see
 * what the gateway does while Redis is down. Tests skip when {@code redis-server} is not installed.
 */
public final class RedisServer implements AutoCloseable {

    /** Why a test is skipped without Redis. */
    public static final String NOT_INSTALLED = "redis-server is not installed (apt-get install -y redis-server; .ci/run does)";

    private final Path binary;
    private final int port;
    private final Path sentinelConfig;
    private Process process;

    private RedisServer(Path binary, int port, Path sentinelConfig) {
        this.binary = binary;
        this.port = port;
        this.sentinelConfig = sentinelConfig;
    }

    /** Starts one; skips the calling test when {@code redis-server} is missing. */
    public static RedisServer start() {
        Path binary = find();
        Assumptions.assumeTrue(binary != null, NOT_INSTALLED);
        RedisServer server = new RedisServer(binary, freePort(), null);
        server.startAgain();
        return server;
    }

    /**
     * Starts a Sentinel watching this server as {@code mymaster}, where only the ACL user {@code user} with
     * {@code password} may log in (its default user is off).
     */
    public RedisServer sentinel(String user, String password) {
        try {
            int sentinelPort = freePort();
            Path config = Files.createTempFile("sentinel", ".conf");
            config.toFile().deleteOnExit();
            Files.writeString(config, """
                    port %d
                    bind 127.0.0.1
                    protected-mode no
                    sentinel monitor mymaster 127.0.0.1 %d 1
                    user default off
                    user %s on >%s ~* &* +@all
                    """.formatted(sentinelPort, port, user, password));
            RedisServer sentinel = new RedisServer(binary, sentinelPort, config);
            sentinel.startAgain();
            return sentinel;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return port;
    }

    /** The {@code redis} block of a Kong plugin for this server. */
    public String block() {
        return "{host: 127.0.0.1, port: " + port + ", connect_timeout: 500, read_timeout: 500}";
    }

    /** Starts the server (again) on its port and waits until it answers. */
    public void startAgain() {
        try {
            var command = sentinelConfig != null
                    ? java.util.List.of(binary.toString(), sentinelConfig.toString(), "--sentinel")
                    : java.util.List.of(binary.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "no", "--protected-mode", "no");
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try (Socket socket = new Socket("127.0.0.1", port)) {
                socket.getOutputStream().write("PING\r\n".getBytes());
                int answer = socket.getInputStream().read();
                // +PONG, or -NOAUTH from a server whose default user is off: it is up either way
                if (answer == '+' || answer == '-') {
                    return;
                }
            } catch (IOException e) {
                // not up yet
            }
            sleep(50);
        }
        throw new AssertionError("redis-server did not start on port " + port);
    }

    /** Every key the server holds now (asked over a connection of its own). */
    public java.util.List<String> keys() {
        return asked(redis -> redis.keys("*"));
    }

    /** How long {@code key} has to live, in ms (-1: forever, -2: no such key). */
    public long ttlMillis(String key) {
        return asked(redis -> redis.pttl(key));
    }

    /** Forgets every Lua script ({@code SCRIPT FLUSH}), as a restarted or failed-over Redis has. */
    public void forgetScripts() {
        asked(redis -> redis.scriptFlush());
    }

    /** How many times the server has run each command since it started ({@code INFO commandstats}), by name. */
    public java.util.Map<String, Long> commandCalls() {
        java.util.Map<String, Long> calls = new java.util.TreeMap<>();
        var line = java.util.regex.Pattern.compile("^cmdstat_([^:]+):calls=(\\d+)");
        for (String stat : asked(redis -> redis.info("commandstats")).split("\r?\n")) {
            var match = line.matcher(stat);
            if (match.find()) {
                calls.put(match.group(1), Long.parseLong(match.group(2)));
            }
        }
        return calls;
    }

    /**
     * The client-side ports of the connections subscribed to at least one channel ({@code CLIENT LIST}'s
     * {@code sub}), the gateway's pub/sub connections.
     */
    public java.util.List<Integer> subscriberPorts() {
        java.util.List<Integer> ports = new java.util.ArrayList<>();
        var subscriber = java.util.regex.Pattern.compile("(?:^| )addr=[^ ]*:(\\d+) .* sub=([1-9]\\d*) ");
        for (String client : asked(redis -> redis.clientList()).split("\r?\n")) {
            var match = subscriber.matcher(client + " ");
            if (match.find()) {
                ports.add(Integer.parseInt(match.group(1)));
            }
        }
        return ports;
    }

    /** What the server answers, asked over a connection of its own. */
    private <T> T asked(java.util.function.Function<io.lettuce.core.api.sync.RedisCommands<String, String>, T> question) {
        io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(
                io.lettuce.core.RedisURI.create("127.0.0.1", port));
        try (var connection = client.connect()) {
            return question.apply(connection.sync());
        } finally {
            client.shutdown();
        }
    }

    /** Stops the server (SIGSTOP): its connections stay open and nothing is answered, until {@link #resume()}. */
    public void pause() {
        signal("-STOP");
    }

    /** Lets a {@link #pause() paused} server go on (SIGCONT). */
    public void resume() {
        signal("-CONT");
    }

    private void signal(String signal) {
        try {
            new ProcessBuilder("kill", signal, Long.toString(process.pid())).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Kills the server at once (SIGKILL): what a crash looks like to the gateway. */
    public void kill() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        kill();
    }

    private static Path find() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path candidate = Path.of(dir, "redis-server");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        Path debian = Path.of("/usr/bin/redis-server");
        return Files.isExecutable(debian) ? debian : null;
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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
