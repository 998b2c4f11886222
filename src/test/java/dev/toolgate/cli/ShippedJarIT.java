package dev.toolgate.cli;

import dev.toolgate.testing.GatewayProcess;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.Sdk;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The shipped jar started as users start it ({@code java -jar target/toolgate.jar}, and {@code ./toolgate}),
 * for what only its manifest and the launcher decide.
 */
@Timeout(120)
class ShippedJarIT {

    /** About 1 MiB of JSON: larger than Netty's pooled buffers, so each answer gets a direct buffer of its own. */
    private static final String LARGE = "{\"items\":[" + "\"0123456789abcdef0123456789abcdef\",".repeat(30_000) + "\"end\"]}";

    @Test
    void largeAnswersAreWrittenWithoutStoppingEveryThreadOfTheGateway() throws IOException {
        // Netty frees a direct buffer of its own with free() when the jar lets it link native code; else, on
        // Java 25, by closing a shared Arena, a handshake with every thread of the JVM for each buffer.
        try (RestUpstream upstream = new RestUpstream().json("GET /one", 200, LARGE)) {
            Path config = upstream.oneToolConfigFile();
            try (GatewayProcess gateway = GatewayProcess.start(config, List.of("-Xlog:handshake=info:stdout"));
                 McpSyncClient client = Sdk.connect(gateway.proxy("/mcp"))) {
                for (int i = 0; i < 5; i++) {
                    McpSchema.CallToolResult result = client.callTool(new McpSchema.CallToolRequest("one", Map.of()));
                    assertThat(result.isError()).as("%s", result.content()).isNotEqualTo(Boolean.TRUE);
                    assertThat(((McpSchema.TextContent) result.content().getFirst()).text()).hasSize(LARGE.length());
                }
                assertThat(gateway.log()).as("the instance's handshake log").doesNotContain("CloseScopedMemory");
            }
        }
    }

    @Test
    void theLauncherPutsTheHeapOnHugePagesWhereTheKernelGivesThemOnRequest() throws IOException {
        // in "madvise" mode the heap must ask for them (starts touch tens of MB of fresh heap); in "never"
        // the JVM would warn at every start, and in "always" the heap has them without asking
        Path modes = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");
        boolean onRequest = Files.isReadable(modes) && Files.readString(modes).contains("[madvise]");
        try (RestUpstream upstream = new RestUpstream().json("GET /one", 200, "{}")) {
            Path config = upstream.oneToolConfigFile();
            try (GatewayProcess gateway = GatewayProcess.startWithLauncher(config);
                 McpSyncClient client = Sdk.connect(gateway.proxy("/mcp"))) {
                assertThat(client.listTools().tools()).extracting(McpSchema.Tool::name).containsExactly("one");
                List<String> jvm = List.of(gateway.handle().info().arguments().orElseThrow());
                assertThat(gateway.log()).as("what the JVM and the gateway printed at start").contains("ready in")
                        .doesNotContain("[warning]").doesNotContain("[error]");
                if (onRequest) {
                    assertThat(jvm).contains("-XX:+UseTransparentHugePages");
                    assertThat(hugePagesKb(gateway.handle().pid())).as("kB of the JVM's memory on huge pages")
                            .isPositive();
                } else {
                    assertThat(jvm).doesNotContain("-XX:+UseTransparentHugePages");
                }
            }
        }
    }

    @ParameterizedTest(name = "JDK_JAVA_OPTIONS=\"{0}\": {1}, young generation capped: {2}")
    @CsvSource({"-Xlog:gc, Parallel, true", "-Xmx96m -Xlog:gc, Parallel, false", "-XX:+UseG1GC -Xlog:gc, G1, false",
            "-XX:+UseSerialGC -Xlog:gc, Serial, false"})
    void theLauncherRunsTheParallelCollectorUnlessTheUsersJvmOptionsChooseOne(String options, String collector,
                                                                            boolean capped) throws IOException {
        try (RestUpstream upstream = new RestUpstream().json("GET /one", 200, "{}")) {
            Path config = upstream.oneToolConfigFile();
            // two collectors named at once stop the JVM before it starts; a young generation capped above a
            // small heap the user chose makes it warn at every start
            try (GatewayProcess gateway = GatewayProcess.startWithLauncher(config, Map.of("JDK_JAVA_OPTIONS", options));
                 McpSyncClient client = Sdk.connect(gateway.proxy("/mcp"))) {
                assertThat(client.listTools().tools()).extracting(McpSchema.Tool::name).containsExactly("one");
                assertThat(gateway.log()).as("the JVM's gc log").contains("[info][gc] Using " + collector + "\n")
                        .doesNotContain("[warning]");
                List<String> jvm = List.of(gateway.handle().info().arguments().orElseThrow());
                assertThat(jvm.contains("-XX:MaxNewSize=128m")).as("young generation capped in %s", jvm).isEqualTo(capped);
            }
        }
    }

    private static long hugePagesKb(long pid) throws IOException {
        return Files.readAllLines(Path.of("/proc/" + pid + "/smaps_rollup")).stream()
                .filter(line -> line.startsWith("AnonHugePages:"))
                .mapToLong(line -> Long.parseLong(line.replaceAll("\\D", ""))).sum();
    }

    @Test
    void theBuildsAotCacheStartsTheGatewayWithoutAWarning() throws IOException {
        // ./toolgate passes the cache that package builds; a JVM that cannot use part of it says so on every start
        Path jar = GatewayProcess.jar();
        Path cache = jar.resolveSibling("toolgate.aot");
        assumeTrue(Files.isRegularFile(cache)
                && Files.getLastModifiedTime(cache).compareTo(Files.getLastModifiedTime(jar)) >= 0,
                "package built no AOT cache for this jar (-Dtoolgate.aot.skip=true)");
        try (RestUpstream upstream = new RestUpstream().json("GET /one", 200, "{}")) {
            Path config = upstream.oneToolConfigFile();
            try (GatewayProcess gateway = GatewayProcess.startAsShipped(config, List.of("-XX:AOTCache=" + cache))) {
                assertThat(gateway.log()).as("what the JVM and the gateway printed at start").contains("ready in")
                        .doesNotContain("[warning]").doesNotContain("[error]");
            }
        }
    }
}
