package dev.toolgate.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The MCP reference server ({@code @modelcontextprotocol/server-everything}, pinned in package.json)
 * as a child process speaking Streamable HTTP on {@code /mcp}, on a free port. Its event store only
 * grows, so each test class starts its own. {@link #close()} kills it and its children; a JVM
 * shutdown hook does the same if a test run is cut short.
 */
public final class EverythingServer implements AutoCloseable {

    private static final String MAIN = "node_modules/@modelcontextprotocol/server-everything/dist/index.js";
    private static final Duration STARTUP = Duration.ofSeconds(30);

    private final Process process;
    private final int port;
    private final Path log;
    private final Thread reaper;

    private EverythingServer(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
        this.reaper = new Thread(() -> kill(process), "kill-server-everything-" + port);
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    /** Starts the server and waits until it accepts connections (skips the test without node_modules). */
    public static EverythingServer start() {
        return start(MAIN, "streamableHttp");
    }

    /**
     * Starts it speaking the HTTP+SSE transport of 2024-11-05 instead: {@code GET /sse} opens a session's
     * stream, whose first event names {@code /message?sessionId=<id>}, where the client POSTs its messages.
     */
    public static EverythingServer sse() {
        return start(MAIN, "sse");
    }

    /**
     * Starts the modern fixture instead: an MCP server built with the TypeScript SDK 2.x server package
     * (src/test/node/ts-sdk-v2-server.mjs), serving 2026-07-28 on {@code /mcp} and, unless
     * {@code modernOnly}, 2025 clients statelessly beside it.
     */
    public static EverythingServer modernFixture(boolean modernOnly) {
        return start("src/test/node/ts-sdk-v2-server.mjs", modernOnly ? "reject" : "stateless");
    }

    private static EverythingServer start(String script, String argument) {
        NodeClients node = NodeClients.require();
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            int port = freePort();
            Path log;
            Process process;
            try {
                log = Files.createTempFile("server-everything", ".log");
                ProcessBuilder builder = new ProcessBuilder(node.node().toString(), node.root().resolve(script).toString(),
                        argument).directory(node.root().toFile())
                        .redirectErrorStream(true).redirectOutput(log.toFile());
                builder.environment().put("PORT", Integer.toString(port));
                builder.environment().remove("NODE_OPTIONS");
                process = builder.start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            EverythingServer server = new EverythingServer(process, port, log);
            try {
                server.awaitListening();
                return server;
            } catch (IOException e) {
                // most likely the port was taken between freePort() and the bind: try another one
                last = e;
                server.close();
            }
        }
        throw new UncheckedIOException("server-everything did not start", last);
    }

    private void awaitListening() throws IOException {
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("server-everything exited with " + process.exitValue() + ": " + output());
            }
            // the SSE transport says it otherwise
            if (output().contains("listening on port " + port) || output().contains("running on port " + port)) {
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                    return;
                } catch (IOException notYet) {
                    // listening is logged from the bind callback; connect again shortly
                }
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
        throw new IOException("server-everything did not listen on " + port + " within " + STARTUP.toSeconds()
                + " s: " + output());
    }

    public int port() {
        return port;
    }

    /** {@code http://127.0.0.1:<port>} */
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** {@code http://127.0.0.1:<port>/mcp} */
    public URI mcp() {
        return URI.create(url() + "/mcp");
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** What the server printed so far (stdout and stderr). */
    public String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    @Override
    public void close() {
        kill(process);
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
        try {
            Files.deleteIfExists(log);
        } catch (IOException ignored) {
            // a temporary file left behind is harmless
        }
    }

    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A port nothing listens on right now. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
