package dev.toolgate.testing;

import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An MCP server built with the official Java SDK (its Streamable HTTP servlet transport) in Jetty
 * 12, on {@code /mcp} at a loopback port. {@link #start()} has two tools: {@code add} ({@code a + b},
 * with structured content and an output schema) and {@code echo}; {@link #withTools} has the tools
 * named (Kong's marketplace server's, say), each answering with its name and arguments. Every
 * {@code tools/call} the server runs and the head of every HTTP request it receives are recorded,
 * so a test can show that something never reached it. Sessions live in memory: {@link #restart()}
 * keeps the port and forgets them, as a redeployed server would.
 */
public final class JavaSdkServer implements AutoCloseable {

    public static final String NAME = "java-sdk-test-server";

    /** The tools of Kong's marketplace MCP server (github.com/tomek-labuk/marketplace-acl), used by Kong's ACL how-to. */
    public static final List<String> MARKETPLACE = List.of("list_users", "get_user", "list_orders",
            "list_orders_for_user", "search_orders");

    /**
     * A {@code tools/call} the server ran.
     *
     * @param meta its {@code params._meta} as the server's SDK read it (empty when none)
     */
    public record Call(String tool, Map<String, Object> arguments, Map<String, Object> meta) {
    }

    /**
     * An HTTP request as the server received it.
     *
     * @param headers lower-case names, every value in order
     */
    public record Received(String method, String query, Map<String, List<String>> headers) {

        /** The first value of a header (any case), or null. */
        public String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null ? null : values.getFirst();
        }
    }

    private final int port;
    private final List<String> toolNames;
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final List<Received> requests = new CopyOnWriteArrayList<>();
    private Server jetty;
    private McpSyncServer mcp;

    private JavaSdkServer(int port, List<String> toolNames) {
        this.port = port;
        this.toolNames = List.copyOf(toolNames);
    }

    /** Starts on a free port with the tools {@code add} and {@code echo}. */
    public static JavaSdkServer start() {
        return run(new JavaSdkServer(EverythingServer.freePort(), List.of()));
    }

    /** Starts on a free port with these tools, each answering {@code <name>: <arguments as JSON>}. */
    public static JavaSdkServer withTools(List<String> names) {
        return run(new JavaSdkServer(EverythingServer.freePort(), names));
    }

    private static JavaSdkServer run(JavaSdkServer server) {
        server.run();
        return server;
    }

    private void run() {
        HttpServletStreamableServerTransportProvider transport = HttpServletStreamableServerTransportProvider.builder()
                .mcpEndpoint("/mcp")
                .build();
        List<McpServerFeatures.SyncToolSpecification> tools = toolNames.isEmpty() ? List.of(add(), echo())
                : toolNames.stream().map(JavaSdkServer::named).toList();
        mcp = McpServer.sync(transport)
                .serverInfo(NAME, "1.0.0")
                .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
                .tools(tools.stream().map(this::recorded).toList())
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
        jetty.setHandler(new Handler.Wrapper(context) {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                Map<String, List<String>> headers = new LinkedHashMap<>();
                request.getHeaders().forEach(field -> headers.computeIfAbsent(field.getLowerCaseName(),
                        n -> new ArrayList<>()).add(field.getValue()));
                requests.add(new Received(request.getMethod(), request.getHttpURI().getQuery(), headers));
                return super.handle(request, response, callback);
            }
        });
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

    /** Every tool call the server ran, in order. */
    public List<Call> calls() {
        return List.copyOf(calls);
    }

    /** The names of the tools called, in order. */
    public List<String> calledTools() {
        return calls.stream().map(Call::tool).toList();
    }

    /** Every HTTP request the server received, in order. */
    public List<Received> requests() {
        return List.copyOf(requests);
    }

    /** Forgets the calls and requests recorded so far. */
    public void clear() {
        calls.clear();
        requests.clear();
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

    private McpServerFeatures.SyncToolSpecification recorded(McpServerFeatures.SyncToolSpecification tool) {
        return McpServerFeatures.SyncToolSpecification.builder().tool(tool.tool()).callHandler((exchange, request) -> {
            calls.add(new Call(request.name(), request.arguments() == null ? Map.of() : new LinkedHashMap<>(request.arguments()),
                    request.meta() == null ? Map.of() : new LinkedHashMap<>(request.meta())));
            return tool.callHandler().apply(exchange, request);
        }).build();
    }

    private static McpServerFeatures.SyncToolSpecification named(String name) {
        McpSchema.Tool tool = McpSchema.Tool.builder()
                .name(name)
                .description("The marketplace's " + name.replace('_', ' '))
                .inputSchema(Map.of("type", "object", "properties", Map.of("id", Map.of("type", "string"))))
                .build();
        return McpServerFeatures.SyncToolSpecification.builder().tool(tool).callHandler((exchange, request) ->
                McpSchema.CallToolResult.builder().addTextContent(name + ": " + request.arguments()).build()).build();
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
