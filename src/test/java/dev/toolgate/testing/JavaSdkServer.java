package dev.toolgate.testing;

import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * An MCP server built with the official Java SDK (its Streamable HTTP servlet transport) in Jetty
 * 12, on {@code /mcp} at a loopback port. Two tools: {@code add} ({@code a + b}, with structured
 * content and an output schema) and {@code echo}. Sessions live in memory: {@link #restart()} keeps
 * the port and forgets them, as a redeployed server would.
 */
public final class JavaSdkServer implements AutoCloseable {

    public static final String NAME = "java-sdk-test-server";

    private final int port;
    private Server jetty;
    private McpSyncServer mcp;

    private JavaSdkServer(int port) {
        this.port = port;
    }

    /** Starts on a free port. */
    public static JavaSdkServer start() {
        JavaSdkServer server = new JavaSdkServer(EverythingServer.freePort());
        server.run();
        return server;
    }

    private void run() {
        HttpServletStreamableServerTransportProvider transport = HttpServletStreamableServerTransportProvider.builder()
                .mcpEndpoint("/mcp")
                .build();
        mcp = McpServer.sync(transport)
                .serverInfo(NAME, "1.0.0")
                .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
                .tools(add(), echo())
                .build();
        jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        ServletHolder holder = new ServletHolder(transport);
        holder.setAsyncSupported(true);
        context.addServlet(holder, "/*");
        jetty.setHandler(context);
        try {
            jetty.start();
        } catch (Exception e) {
            throw new IllegalStateException("Jetty did not start on port " + port, e);
        }
    }

    /** Stops and starts again on the same port: every session is forgotten. */
    public void restart() {
        stop();
        run();
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

    @Override
    public void close() {
        stop();
    }

    private void stop() {
        if (mcp != null) {
            mcp.close();
            mcp = null;
        }
        if (jetty != null) {
            try {
                jetty.stop();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            jetty = null;
        }
    }

    private static McpServerFeatures.SyncToolSpecification add() {
        McpSchema.Tool tool = McpSchema.Tool.builder()
                .name("add")
                .description("Adds two numbers")
                .inputSchema(Map.of("type", "object",
                        "properties", Map.of("a", Map.of("type", "number"), "b", Map.of("type", "number")),
                        "required", List.of("a", "b")))
                .outputSchema(Map.of("type", "object", "properties", Map.of("sum", Map.of("type", "number")),
                        "required", List.of("sum")))
                .build();
        return McpServerFeatures.SyncToolSpecification.builder().tool(tool).callHandler((exchange, request) -> {
            double sum = ((Number) request.arguments().get("a")).doubleValue()
                    + ((Number) request.arguments().get("b")).doubleValue();
            return McpSchema.CallToolResult.builder()
                    .addTextContent("sum=" + sum)
                    .structuredContent(Map.of("sum", sum))
                    .build();
        }).build();
    }

    private static McpServerFeatures.SyncToolSpecification echo() {
        McpSchema.Tool tool = McpSchema.Tool.builder()
                .name("echo")
                .description("Echoes the message")
                .inputSchema(Map.of("type", "object", "properties", Map.of("message", Map.of("type", "string")),
                        "required", List.of("message")))
                .build();
        return McpServerFeatures.SyncToolSpecification.builder().tool(tool).callHandler((exchange, request) ->
                McpSchema.CallToolResult.builder().addTextContent("Echo: " + request.arguments().get("message")).build())
                .build();
    }
}
