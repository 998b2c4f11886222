package dev.toolgate.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.mcp.Json;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * MCP clients from npm, run as child processes with the Node binary the project pins
 * ({@code node_modules/.bin/node}, from the {@code node} devDependency): the official TypeScript
 * SDK client (through {@code src/test/node/ts-sdk-client.mjs}) and the MCP Inspector CLI.
 * Everything comes from the project's {@code node_modules}, which {@code npm ci} fills; when it is
 * missing, {@link #require()} skips the calling test.
 */
public final class NodeClients {

    /** Why a test is skipped when {@code node_modules} is missing. */
    public static final String NOT_INSTALLED = "run npm ci first (.ci/run does)";
    /** The Inspector CLI's exit code for a tool result with {@code isError: true} (or an unknown tool). */
    public static final int INSPECTOR_TOOL_ERROR = 5;

    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(45);
    private static final String INSPECTOR = "node_modules/@modelcontextprotocol/inspector/clients/launcher/build/index.js";
    private static final String SDK = "node_modules/@modelcontextprotocol/sdk/package.json";
    private static final String SDK_SCRIPT = "src/test/node/ts-sdk-client.mjs";
    private static final String SDK_V2_SCRIPT = "src/test/node/ts-sdk-v2-client.mjs";
    private static final String AI_SDK = "node_modules/@ai-sdk/mcp/package.json";
    private static final String AI_SDK_SCRIPT = "src/test/node/ai-sdk-client.mjs";

    private final Path root;
    private final Path node;

    private NodeClients(Path root) {
        this.root = root;
        this.node = root.resolve("node_modules/.bin/node");
    }

    /**
     * The clients of this checkout. Skips the calling test (a JUnit assumption) when {@code npm ci}
     * has not run. The project root is the working directory (Maven runs tests there) or the nearest
     * directory above it with both {@code pom.xml} and {@code package.json}.
     */
    public static NodeClients require() {
        Path root = projectRoot();
        Assumptions.assumeTrue(Files.isExecutable(root.resolve("node_modules/.bin/node"))
                && Files.isRegularFile(root.resolve(INSPECTOR)) && Files.isRegularFile(root.resolve(SDK)),
                NOT_INSTALLED);
        return new NodeClients(root);
    }

    /** The checkout's root directory (see {@link #require()}). */
    public static Path projectRoot() {
        Path cwd = Path.of("").toAbsolutePath();
        for (Path dir = cwd; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("pom.xml")) && Files.isRegularFile(dir.resolve("package.json"))) {
                return dir;
            }
        }
        return cwd;
    }

    public Path root() {
        return root;
    }

    /** The pinned Node binary ({@code node_modules/.bin/node}). */
    public Path node() {
        return node;
    }

    /**
     * A script of this checkout ({@code src/test/node/...} or a package's bin under
     * {@code node_modules}) run with the pinned Node: {@code node <script> <arguments...>}.
     */
    public Run script(String script, Duration timeout, String... arguments) {
        List<String> command = new ArrayList<>(List.of(node.toString(), root.resolve(script).toString()));
        command.addAll(List.of(arguments));
        return run(command, timeout);
    }

    /**
     * The TypeScript SDK client against {@code endpoint}: {@code "list"}, or {@code "call", tool,
     * argumentsJson}. It prints one JSON document (see the script).
     */
    public Run typescriptSdk(URI endpoint, String... scenario) {
        return typescriptSdk(endpoint, Map.of(), scenario);
    }

    /**
     * The same, the client sending {@code headers} with every request (an API key, say), passed to the
     * script as the JSON object {@code TOOLGATE_CLIENT_HEADERS}.
     */
    public Run typescriptSdk(URI endpoint, Map<String, String> headers, String... scenario) {
        List<String> command = new ArrayList<>(List.of(node.toString(), root.resolve(SDK_SCRIPT).toString(),
                endpoint.toString()));
        command.addAll(List.of(scenario));
        return run(command, DEFAULT_TIMEOUT, headers.isEmpty() ? Map.of()
                : Map.of("TOOLGATE_CLIENT_HEADERS", Json.text(headers)));
    }

    /**
     * The TypeScript SDK 2.x client against {@code endpoint} in an era ({@code modern}: pinned to
     * 2026-07-28; {@code auto}: discovers; {@code legacy}: initialize): {@code "list"}, or {@code "call",
     * tool, argumentsJson, ...}. {@code environment} may set {@code TOOLGATE_CLIENT_HEADERS} and
     * {@code TOOLGATE_ELICITATION} (see src/test/node/ts-sdk-v2-client.mjs).
     */
    public Run typescriptSdkV2(URI endpoint, String era, Map<String, String> environment, String... scenario) {
        List<String> command = new ArrayList<>(List.of(node.toString(), root.resolve(SDK_V2_SCRIPT).toString(),
                endpoint.toString(), era));
        command.addAll(List.of(scenario));
        return run(command, DEFAULT_TIMEOUT, environment);
    }

    /**
     * The Vercel AI SDK's MCP client ({@code @ai-sdk/mcp}, pinned in package.json) against
     * {@code endpoint}, with its default protocol discovery: lists the tools and runs {@code tool} through
     * the AI SDK tool's {@code execute} (see src/test/node/ai-sdk-client.mjs). Skips the calling test,
     * saying so, when the package is not installed.
     */
    public Run aiSdk(URI endpoint, String tool, String argumentsJson) {
        Assumptions.assumeTrue(Files.isRegularFile(root.resolve(AI_SDK)),
                "@ai-sdk/mcp is not installed from the npm registry (npm ci installs it): the Vercel AI SDK test is skipped");
        return run(List.of(node.toString(), root.resolve(AI_SDK_SCRIPT).toString(), endpoint.toString(), tool,
                argumentsJson), DEFAULT_TIMEOUT);
    }

    /**
     * The Inspector CLI against {@code endpoint} over Streamable HTTP, JSON output, never starting an
     * interactive OAuth flow; {@code arguments} are the rest ({@code --method tools/list}, ...).
     */
    public Run inspector(URI endpoint, String... arguments) {
        List<String> command = new ArrayList<>(List.of(node.toString(), root.resolve(INSPECTOR).toString(), "--cli",
                endpoint.toString(), "--transport", "http", "--format", "json", "--stored-auth-only"));
        command.addAll(List.of(arguments));
        return run(command, DEFAULT_TIMEOUT);
    }

    /**
     * Runs a command in the project root with its own empty {@code HOME} (the Inspector keeps a catalog
     * and OAuth state there), waits up to {@code timeout} and kills it (and its children) when it does
     * not finish or the test is interrupted.
     */
    public Run run(List<String> command, Duration timeout) {
        return run(command, timeout, Map.of());
    }

    /** The same, with {@code environment} added to the child's environment. */
    public Run run(List<String> command, Duration timeout, Map<String, String> environment) {
        Path work;
        try {
            work = Files.createTempDirectory("toolgate-node");
            Files.createDirectories(work.resolve("home"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path stdout = work.resolve("stdout");
        Path stderr = work.resolve("stderr");
        ProcessBuilder builder = new ProcessBuilder(command).directory(root.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(nullFile()))
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        builder.environment().put("HOME", work.resolve("home").toString());
        builder.environment().put("NO_COLOR", "1");
        builder.environment().remove("NODE_OPTIONS");
        builder.environment().putAll(environment);
        long started = System.nanoTime();
        Process process = null;
        try {
            process = builder.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill(process);
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s: " + String.join(" ", command)
                        + "\nstdout: " + read(stdout) + "\nstderr: " + read(stderr));
            }
            return new Run(command, process.exitValue(), read(stdout), read(stderr),
                    Duration.ofNanos(System.nanoTime() - started));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + String.join(" ", command), e);
        } finally {
            if (process != null && process.isAlive()) {
                kill(process);
            }
            delete(work);
        }
    }

    private static void delete(Path directory) {
        try (var paths = Files.walk(directory)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a temporary directory left behind is harmless
        }
    }

    private static java.io.File nullFile() {
        return new java.io.File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
    }

    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    /** A finished child process. */
    public record Run(List<String> command, int exitCode, String stdout, String stderr, Duration took) {

        /** stdout as JSON; fails with the whole run in the message when it is not. */
        public JsonNode json() {
            try {
                JsonNode json = Json.MAPPER.readTree(stdout);
                if (json == null || json.isMissingNode()) {
                    throw new AssertionError("no JSON on stdout\n" + this);
                }
                return json;
            } catch (IOException e) {
                throw new AssertionError("stdout is not JSON\n" + this, e);
            }
        }

        /** stdout as JSON, after asserting the process exited with 0. */
        public JsonNode ok() {
            if (exitCode != 0) {
                throw new AssertionError("exit code " + exitCode + ", expected 0\n" + this);
            }
            return json();
        }

        /** stderr's last non-blank line as JSON (the Inspector CLI's error envelope). */
        public JsonNode errorEnvelope() {
            String last = stderr.lines().filter(l -> !l.isBlank()).reduce((a, b) -> b).orElse("");
            try {
                return Json.MAPPER.readTree(last);
            } catch (IOException e) {
                throw new AssertionError("stderr does not end with a JSON line\n" + this, e);
            }
        }

        @Override
        public String toString() {
            return "$ " + String.join(" ", command) + "\nexit " + exitCode + " after " + took.toMillis() + " ms"
                    + "\nstdout: " + stdout + "\nstderr: " + stderr;
        }
    }
}
