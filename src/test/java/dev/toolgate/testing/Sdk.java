package dev.toolgate.testing;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.McpHttpClientTransportAuthorizationException;
import io.modelcontextprotocol.spec.McpSchema;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Map;
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
        return connect(endpoint, Map.of(), customize);
    }

    /** An initialized client that sends {@code headers} (an API key, say) with every request. */
    public static McpSyncClient connect(URI endpoint, Map<String, String> headers) {
        return connect(endpoint, headers, spec -> {
        });
    }

    /** Same, with extra client settings. */
    public static McpSyncClient connect(URI endpoint, Map<String, String> headers,
                                        Consumer<McpClient.SyncSpec> customize) {
        McpSyncClient client = client(endpoint, headers, customize);
        client.initialize();
        return client;
    }

    /**
     * The HTTP status of the refusal (401 or 403) a Java SDK client call failed with, found in the
     * exception's causes; -1 when it failed otherwise.
     */
    public static int refusedWith(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof McpHttpClientTransportAuthorizationException refused) {
                return refused.getResponseInfo().statusCode();
            }
        }
        return -1;
    }

    /**
     * A client not yet initialized, for tests that expect {@code initialize} itself to be refused
     * (close it afterwards).
     */
    public static McpSyncClient client(URI endpoint, Map<String, String> headers,
                                       Consumer<McpClient.SyncSpec> customize) {
        String base = endpoint.getScheme() + "://" + endpoint.getAuthority();
        HttpRequest.Builder requests = HttpRequest.newBuilder();
        headers.forEach(requests::header);
        HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport.builder(base)
                .endpoint(endpoint.getRawPath())
                .requestBuilder(requests)
                .build();
        McpClient.SyncSpec spec = McpClient.sync(transport)
                .requestTimeout(Duration.ofSeconds(20))
                .clientInfo(new McpSchema.Implementation("toolgate-tests", "1"));
        customize.accept(spec);
        return spec.build();
    }
}
