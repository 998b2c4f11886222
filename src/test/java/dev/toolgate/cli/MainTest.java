package dev.toolgate.cli;

import ch.qos.logback.classic.Level;
import dev.toolgate.testing.CapturedLog;
import dev.toolgate.testing.RedisServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line: what each command prints, on which stream, and its exit code. */
class MainTest {

    private static final String VALID = """
            _format_version: "3.0"
            services:
              - name: shop
                url: http://api.internal
                routes:
                  - name: r
                    paths: [/shop]
                    methods: [GET]
                    plugins:
                      - name: ai-mcp-proxy
                        config:
                          mode: conversion-listener
                          tools:
                            - {description: List users, path: /shop/users}
                            - {description: List orders, path: /shop/orders}
            """;

    private static final String INVALID = """
            _format_version: "3.0"
            services:
              - name: shop
                url: ftp://api.internal
                colour: blue
                routes:
                  - {name: r, paths: [shop]}
            """;

    @TempDir
    Path directory;

    /** The exit code and what was printed on stdout and stderr. */
    record Result(int exitCode, String out, String err) {
        String[] errLines() {
            return err.lines().toArray(String[]::new);
        }
    }

    private static synchronized Result execute(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream capturedOut = new ByteArrayOutputStream();
        ByteArrayOutputStream capturedErr = new ByteArrayOutputStream();
        System.setOut(new PrintStream(capturedOut, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(capturedErr, true, StandardCharsets.UTF_8));
        try {
            int exitCode = Main.execute(args);
            System.out.flush();
            System.err.flush();
            return new Result(exitCode, capturedOut.toString(StandardCharsets.UTF_8),
                    capturedErr.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    private Path file(String content) throws IOException {
        return Files.writeString(directory.resolve("kong.yaml"), content, StandardCharsets.UTF_8);
    }

    @Test
    void validateExitsZeroAndPrintsASummaryForAValidFile() throws IOException {
        Path config = file(VALID);

        Result result = execute("validate", "--config", config.toString());

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo(config + " is valid: 1 services, 1 routes, 1 plugins, 2 tools"
                + System.lineSeparator());
        assertThat(result.err()).isEmpty();
    }

    @Test
    void validatePrintsWarningsOnStderrWithAPrefixAndStillSucceeds() throws IOException {
        Path config = file(VALID.replace("path: /shop/orders", "path: '/shop/orders/{id}'"));

        Result result = execute("validate", "--config", config.toString());

        assertThat(result.exitCode()).isZero();
        assertThat(result.errLines()).containsExactly("warning: services[0].routes[0].plugins[0].config.tools[1].path: "
                + "{id} has no parameters entry; it becomes a required string argument path_id");
        assertThat(result.out()).contains("is valid");
    }

    @Test
    void validateExitsOneAndPrintsEveryProblemOnItsOwnLine() throws IOException {
        Result result = execute("validate", "--config", file(INVALID).toString());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.errLines()).containsExactly(
                "services[0].url: must be an http:// or https:// URL",
                "services[0].routes[0].paths[0]: must start with / (a prefix) or ~ (a regex)",
                "services[0].colour: unknown key");
        assertThat(result.out()).isEmpty();
    }

    @Test
    void validateRefusesAnHttpLogHeaderTheGatewayCouldNotSendWithoutPrintingItsValue() throws IOException {
        Path config = file(VALID + """
                plugins:
                  - name: http-log
                    config:
                      http_endpoint: http://logs.internal/in
                      headers: {X-Token: "SECRET8\\r\\nX-Other: y"}
                """);

        Result result = execute("validate", "--config", config.toString());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.errLines()).containsExactly("plugins[0].config.headers.X-Token: may not contain a line break, "
                + "NUL or other control character (tab aside): the header could not be sent (the value is not shown)");
        assertThat(result.out() + result.err()).doesNotContain("SECRET8");
    }

    @Test
    void validatePrintsTheWarningsOfAFileThatAlsoHasProblems() throws IOException {
        Path config = file(VALID.replace("path: /shop/orders", "path: '/shop/orders/{id}'")
                .replace("url: http://api.internal", "url: ftp://api.internal"));

        Result result = execute("validate", "--config", config.toString());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.errLines()).containsExactly(
                "warning: services[0].routes[0].plugins[0].config.tools[1].path: {id} has no parameters entry; it "
                        + "becomes a required string argument path_id",
                "services[0].url: must be an http:// or https:// URL");
    }

    @Test
    void validateReportsAnOpenApiChainOfReferencesTooLongAsAProblemAtItsSpecNotAStackOverflow() throws IOException {
        Files.writeString(directory.resolve("chain.json"),
                dev.toolgate.openapi.SchemaConverterTest.referenceChain(20_000, "#/components/schemas"));
        Path config = file(VALID.replaceAll("(?s)tools:.*", "openapi: {spec: chain.json}\n"));

        Result result = execute("validate", "--config", config.toString());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.errLines()).singleElement().asString()
                .startsWith("services[0].routes[0].plugins[0].config.openapi.spec: component c")
                .contains("the schema nests deeper than 128 levels");
    }

    @Test
    void validatePrintsAYamlSyntaxErrorOnOneLine() throws IOException {
        Result result = execute("validate", "--config", file("_format_version: \"3.0\"\nservices: [shop\n").toString());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.errLines()).singleElement().asString().startsWith("not valid YAML: line 2, column 16: ");
    }

    @Test
    void validateExitsOneForAMissingFileNamingIt() {
        Path missing = directory.resolve("missing.yaml");

        Result result = execute("validate", "--config", missing.toString());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.errLines()).singleElement().asString().startsWith("cannot read " + missing + ": ");
    }

    @Test
    void validateSaysWhyAMissingFileCannotBeRead() {
        Path missing = directory.resolve("missing.yaml");

        Result result = execute("validate", "--config", missing.toString());

        assertThat(result.err()).containsIgnoringCase("no such file");
    }

    @Test
    void versionCommandPrintsToolgateTheVersionAndTheJavaVersion() {
        Result result = execute("version");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).startsWith("toolgate ").contains("(Java " + Runtime.version() + ")");
    }

    @Test
    void versionOptionPrintsToolgateAndTheVersion() {
        Result result = execute("--version");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).startsWith("toolgate ");
    }

    @Test
    void unknownOptionIsAUsageError() throws IOException {
        Result result = execute("validate", "--config", file(VALID).toString(), "--strict");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("Unknown option: '--strict'");
        assertThat(result.out()).isEmpty();
    }

    @Test
    void helpListsEveryCommandButTheBuildsTrainingRun() {
        Result result = execute("--help");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).contains("Commands:", "  run ", "  validate ", "  openapi2mcp ", "  version ", "  help ")
                .doesNotContain("aot-train");
    }

    @Test
    void aMistypedCommandIsAUsageErrorThatNamesTheNearestOne() {
        Result result = execute("valdate", "--config", "kong.yaml");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("Unmatched arguments from index 0: 'valdate'").contains("Did you mean: toolgate validate?");
    }

    @Test
    void helpForOneCommandDescribesItsOptions() {
        Result result = execute("help", "run");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).contains("Usage: toolgate run", "--config=FILE", "--proxy-listen=HOST:PORT");
    }

    @Test
    void missingRequiredOptionIsAUsageError() {
        Result result = execute("validate");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("Missing required option: '--config=FILE'");
    }

    @Test
    void noCommandIsAUsageError() {
        Result result = execute();

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("choose a command: run, validate, openapi2mcp or version");
    }

    @Test
    void listenAddressWithoutAPortIsAUsageError() throws IOException {
        Result result = execute("run", "--config", file(VALID).toString(), "--proxy-listen", "localhost");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("'localhost' is not HOST:PORT (for example 127.0.0.1:8000)");
    }

    @Test
    void aLimitBelowOneIsAUsageErrorAndNothingStarts() throws IOException {
        int port = freePort();

        Result result = execute("run", "--config", file(VALID).toString(), "--proxy-listen", "127.0.0.1:" + port,
                "--max-connections", "0");

        assertThat(result.exitCode()).as(result.err()).isEqualTo(2);
        assertThat(result.err()).contains("every limit must be 1 or more").doesNotContain("could not start");
        try (ServerSocket stillFree = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertThat(stillFree.getLocalPort()).isEqualTo(port);
        }
    }

    @Test
    void aTotalOfTheLogQueuesBelowOneByteOrNotANumberIsAUsageErrorAndNothingStarts() throws IOException {
        for (String bytes : List.of("0", "-1", "256MiB")) {
            int port = freePort();

            Result result = execute("run", "--config", file(VALID).toString(), "--proxy-listen", "127.0.0.1:" + port,
                    "--max-log-queue-bytes", bytes);

            assertThat(result.exitCode()).as(result.err()).isEqualTo(2);
            assertThat(result.err()).containsAnyOf("every limit must be 1 or more",
                    "Invalid value for option '--max-log-queue-bytes'").doesNotContain("could not start");
            try (ServerSocket stillFree = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                assertThat(stillFree.getLocalPort()).isEqualTo(port);
            }
        }
    }

    @Test
    @Timeout(30) // on a name it accepts, run serves until stopped
    void anAdminHostnameWithAPortOrSchemeIsAUsageErrorAndNothingStarts() throws IOException {
        for (String name : List.of("admin.example:8001", "http://admin.example", "admin.example/x", "[::1]")) {
            int port = freePort();

            Result result = execute("run", "--config", file(VALID).toString(), "--proxy-listen", "127.0.0.1:" + port,
                    "--admin-listen", "127.0.0.1:0", "--admin-hostname", "ok.example," + name);

            assertThat(result.exitCode()).as("%s: %s", name, result.err()).isEqualTo(2);
            assertThat(result.err()).contains("--admin-hostname '" + name + "' is not a host name")
                    .doesNotContain("could not start");
            try (ServerSocket stillFree = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                assertThat(stillFree.getLocalPort()).isEqualTo(port);
            }
        }
    }

    @Test
    void aTimeoutTooLargeToCountInMillisecondsIsAUsageErrorAndNothingStarts() throws IOException {
        int port = freePort();

        Result result = execute("run", "--config", file(VALID).toString(), "--proxy-listen", "127.0.0.1:" + port,
                "--keepalive-timeout", "10000000000000000");

        assertThat(result.exitCode()).as(result.err()).isEqualTo(2);
        assertThat(result.err()).contains("--keepalive-timeout must be at most 9223372036854775 seconds")
                .doesNotContain("ArithmeticException", "\tat ");
        try (ServerSocket stillFree = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertThat(stillFree.getLocalPort()).isEqualTo(port);
        }
    }

    @Test
    @Timeout(30)
    void anIpv6ListenAddressWithoutItsClosingBracketIsAUsageError() throws IOException {
        Result result = execute("run", "--config", file(VALID).toString(), "--proxy-listen", "[::1:0",
                "--admin-listen", "127.0.0.1:0", "--no-watch");

        assertThat(result.exitCode()).as(result.err()).isEqualTo(2);
        assertThat(result.err()).contains("'[::1:0' is not HOST:PORT (for example [::1]:8000)");
    }

    @Test
    @Timeout(30) // before the check, both listeners started on one socket and run served until stopped
    void anAdminListenerOnTheProxysPortAndAddressOrAWildcardIsAUsageErrorAndNothingStarts() throws IOException {
        int port = freePort();
        for (List<String> pair : List.of(List.of("127.0.0.1", "127.0.0.1"), List.of("0.0.0.0", "127.0.0.1"),
                List.of("127.0.0.1", "[::]"), List.of("[::1]", "[0:0:0:0:0:0:0:1]"))) {
            String proxy = pair.get(0) + ":" + port;
            String admin = pair.get(1) + ":" + port;

            Result result = execute("run", "--config", file(VALID).toString(), "--proxy-listen", proxy,
                    "--admin-listen", admin, "--no-watch");

            assertThat(result.exitCode()).as("%s: %s", pair, result.err()).isEqualTo(2);
            assertThat(result.err()).contains("--admin-listen " + admin + " and --proxy-listen " + proxy)
                    .contains("overlap: give the two listeners different ports").doesNotContain("could not start");
            try (ServerSocket stillFree = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                assertThat(stillFree.getLocalPort()).isEqualTo(port);
            }
        }
    }

    @Test
    @Timeout(30)
    void anAdminListenerOnLocalhostBesideAProxyOn127001OnOnePortIsAUsageErrorAndNothingStarts() throws IOException {
        int port = freePort();

        Result result = execute("run", "--config", file(VALID).toString(), "--proxy-listen", "127.0.0.1:" + port,
                "--admin-listen", "localhost:" + port, "--no-watch");

        assertThat(result.exitCode()).as(result.err()).isEqualTo(2);
        assertThat(result.err()).contains("--admin-listen localhost:" + port + " and --proxy-listen 127.0.0.1:" + port)
                .contains("overlap: give the two listeners different ports").doesNotContain("could not start");
    }

    @Test
    @Timeout(30)
    void aTakenAdminPortFailsTheStartNamingTheAdminListenerAndItsAddressWithoutAStackTrace() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();

            Result result = execute("run", "--config", file(VALID).toString(), "--proxy-listen", "127.0.0.1:0",
                    "--admin-listen", "127.0.0.1:" + port, "--no-watch");

            assertThat(result.exitCode()).as(result.err()).isEqualTo(3);
            assertThat(result.err()).contains("toolgate: could not start: the admin listener could not listen on "
                    + "127.0.0.1:" + port + ": ").doesNotContain("\tat ");
        }
    }

    /**
     * A start that fails on its last listener, with a Redis connection being opened meanwhile (sessions shared in
     * Redis subscribe as the configuration loads), tears down what it started: the operator reads its one problem,
     * never a stack of a task handed to an executor the clean-up had already stopped (about one start in three
     * logged a RejectedExecutionException, or a Lettuce reconnect refused by a stopped timer, before the problem).
     * Started twenty times: the race is the point.
     */
    @Test
    @Timeout(180)
    void aTakenStatusPortFailsEachStartWithItsProblemAloneNeverAStackOfARejectedTask() throws IOException {
        try (RedisServer redis = RedisServer.start();
             ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             CapturedLog log = CapturedLog.everything()) {
            Path config = file(VALID.replaceFirst("( *)mode: conversion-listener",
                    "$1mode: conversion-listener\n$1server: {session: {strategy: redis, redis: " + redis.block() + "}}"));
            for (int start = 1; start <= 20; start++) {
                Result result = execute("run", "--config", config.toString(), "--proxy-listen", "127.0.0.1:0",
                        "--admin-listen", "127.0.0.1:0", "--status-listen", "127.0.0.1:" + taken.getLocalPort(),
                        "--no-watch");

                assertThat(result.exitCode()).as("start %d: %s", start, result.err()).isEqualTo(3);
                assertThat(result.err()).as("start %d", start).contains("toolgate: could not start: the status "
                        + "listener could not listen on 127.0.0.1:" + taken.getLocalPort() + ": ")
                        .doesNotContain("\tat ", "RejectedExecutionException");
            }
            assertThat(log.since(0)).as("lines with a stack, or errors").noneMatch(e -> e.getThrowableProxy() != null
                    || e.getLevel().isGreaterOrEqual(Level.ERROR));
        }
    }

    @Test
    void negativeShutdownTimeoutIsAUsageErrorAndNothingStarts() throws IOException {
        int port = freePort();

        Result result = execute("run", "--config", file(VALID).toString(), "--proxy-listen", "127.0.0.1:" + port,
                "--shutdown-timeout=-1");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("--shutdown-timeout must be 0 or more seconds");
        try (ServerSocket stillFree = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertThat(stillFree.getLocalPort()).isEqualTo(port);
        }
    }

    @Test
    void negativeShutdownDelayIsAUsageErrorAndNothingStarts() throws IOException {
        int port = freePort();

        Result result = execute("run", "--config", file(VALID).toString(), "--proxy-listen", "127.0.0.1:" + port,
                "--shutdown-delay=-1");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("--shutdown-delay must be 0 or more seconds");
        try (ServerSocket stillFree = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertThat(stillFree.getLocalPort()).isEqualTo(port);
        }
    }

    @Test
    void anEmptyProxyOrAdminListenAddressIsItsDefaultAsAnEmptyEnvironmentVariableIs() throws IOException {
        // each default shown by the status listener clashing with it: a usage error before anything binds
        Result admin = execute("run", "--config", file(VALID).toString(), "--proxy-listen", "127.0.0.1:0",
                "--admin-listen", "", "--status-listen", "127.0.0.1:8001");
        Result proxy = execute("run", "--config", file(VALID).toString(), "--proxy-listen", "",
                "--admin-listen", "127.0.0.1:0", "--status-listen", "127.0.0.1:8000");

        assertThat(admin.exitCode()).as(admin.err()).isEqualTo(2);
        assertThat(admin.err()).contains("--status-listen 127.0.0.1:8001 is the address of the admin listener");
        assertThat(proxy.exitCode()).as(proxy.err()).isEqualTo(2);
        assertThat(proxy.err()).contains("--status-listen 127.0.0.1:8000 is the address of the proxy listener");
    }

    @Test
    void aStatusListenerOnTheAdminOrProxyAddressIsAUsageErrorAndNothingStarts() throws IOException {
        int port = freePort();
        int admin = freePort();

        Result result = execute("run", "--config", file(VALID).toString(), "--proxy-listen", "127.0.0.1:" + port,
                "--admin-listen", "127.0.0.1:" + admin, "--status-listen", "127.0.0.1:" + admin);
        Result onProxy = execute("run", "--config", file(VALID).toString(), "--proxy-listen", "127.0.0.1:" + port,
                "--admin-listen", "127.0.0.1:" + admin, "--status-listen", "127.0.0.1:" + port);

        assertThat(result.exitCode()).as(result.err()).isEqualTo(2);
        assertThat(result.err()).contains("--status-listen 127.0.0.1:" + admin + " is the address of the admin listener");
        assertThat(onProxy.exitCode()).as(onProxy.err()).isEqualTo(2);
        assertThat(onProxy.err()).contains("--status-listen 127.0.0.1:" + port + " is the address of the proxy listener");
        try (ServerSocket stillFree = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertThat(stillFree.getLocalPort()).isEqualTo(port);
        }
    }

    @Test
    @Timeout(30)
    void runWithAnInvalidConfigExitsOneWithoutStarting() throws IOException {
        Path config = file(INVALID);
        int port = freePort();

        Result result = execute("run", "--config", config.toString(), "--proxy-listen", "127.0.0.1:" + port,
                "--admin-listen", "127.0.0.1:0", "--no-watch");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.errLines()).startsWith("toolgate: " + config + " is invalid; not starting:")
                .contains("services[0].url: must be an http:// or https:// URL", "services[0].colour: unknown key");
        assertThat(result.out()).isEmpty();
        try (ServerSocket stillFree = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertThat(stillFree.getLocalPort()).isEqualTo(port);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
