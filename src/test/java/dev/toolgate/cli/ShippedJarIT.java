package dev.toolgate.cli;

import dev.toolgate.testing.GatewayProcess;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.Sdk;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shipped jar started as users start it ({@code java -jar target/toolgate.jar}), for what only
 * its manifest decides.
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
            Path config = Files.createTempDirectory("toolgate-jar").resolve("kong.yaml");
            Files.writeString(config, upstream.oneToolRoute());
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
}
