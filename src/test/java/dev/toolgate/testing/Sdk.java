package dev.toolgate.testing;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;

import java.net.URI;
import java.time.Duration;
import java.util.function.Consumer;

/** The official MCP Java SDK client, connected to a gateway endpoint: a real client nobody here wrote. */
public final class Sdk {

    private Sdk() {
    }

    /** An initialized client for {@code endpoint} (for example {@code http://127.0.0.1:1234/mcp}). */
    public static McpSyncClient connect(URI endpoint) {
        return connect(endpoint, spec -> {
        });
    }

    /** Same, with extra client settings (change consumers, timeouts). */
    public static McpSyncClient connect(URI endpoint, Consumer<McpClient.SyncSpec> customize) {
        String base = endpoint.getScheme() + "://" + endpoint.getAuthority();
        HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport.builder(base)
                .endpoint(endpoint.getRawPath())
                .build();
        McpClient.SyncSpec spec = McpClient.sync(transport)
                .requestTimeout(Duration.ofSeconds(20))
                .clientInfo(new McpSchema.Implementation("toolgate-tests", "1"));
        customize.accept(spec);
        McpSyncClient client = spec.build();
        client.initialize();
        return client;
    }
}
