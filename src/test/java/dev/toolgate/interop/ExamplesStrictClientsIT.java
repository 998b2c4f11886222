package dev.toolgate.interop;

import dev.toolgate.config.Route;
import dev.toolgate.mode.conversion.ToolSet;
import dev.toolgate.testing.EverythingServer;
import dev.toolgate.testing.NodeClients;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.Sdk;
import dev.toolgate.testing.TestGateway;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every file in examples/, served as shipped except for its services' URLs (local upstreams instead
 * of the internet), checked with strict clients (see {@link StrictClients}): the TypeScript SDK v1 and
 * v2 and Inspector's CLI list every tool of every MCP endpoint, and the SDKs call each of them
 * (Inspector's calls are covered by QuickstartInspectorIT and OpenApiStrictClientsIT, a process per
 * call). The passthrough example fronts the MCP reference server; its clients must list what that
 * server offers. Examples protected by ai-mcp-oauth2 need an authorization server: OAuthFlowIT runs
 * their shape against a real one.
 */
@Timeout(300)
class ExamplesStrictClientsIT {

    static final Path EXAMPLES = Path.of("examples");
    static final Pattern SERVICE_URL = Pattern.compile("(?m)^(\\s*url:\\s*)(\\S+)\\s*$");
    /** Every tool of an example is called. */
    static final int SAMPLES = 20;
    /** server-everything registers this one for clients that declare roots, as Inspector does. */
    static final String ROOTS_TOOL = "get-roots-list";

    static NodeClients node;
    static RestUpstream upstream;
    static EverythingServer everything;
    static StrictClients clients;
    static final List<TestGateway> gateways = new ArrayList<>();
    static final Map<String, List<String>> endpointsByExample = new LinkedHashMap<>();

    static List<String> examples() {
        try (Stream<Path> files = Files.list(EXAMPLES)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".yaml") && !protectedByOAuth(f))
                    .map(f -> f.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean protectedByOAuth(Path example) {
        try {
            return Files.readString(example, StandardCharsets.UTF_8).contains("name: ai-mcp-oauth2");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @BeforeAll
    static void start() throws IOException {
        node = NodeClients.require();
        upstream = new RestUpstream();
        clients = new StrictClients(node, upstream);
        for (String example : examples()) {
            String text = Files.readString(EXAMPLES.resolve(example), StandardCharsets.UTF_8);
            boolean passthrough = text.contains("mode: passthrough-listener");
            if (passthrough && everything == null) {
                everything = EverythingServer.start();
            }
            String base = passthrough ? everything.url() : upstream.url() + "/" + example.replace(".yaml", "");
            TestGateway gateway = TestGateway.start(localUrls(text, base), Map.of(), false, specs());
            gateways.add(gateway);
            endpointsByExample.put(example, endpoints(example, gateway));
        }
        clients.start();
    }

    /** Each service URL with its scheme, host and port replaced by {@code base} (its path kept). */
    static String localUrls(String example, String base) {
        Matcher m = SERVICE_URL.matcher(example);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String path = URI.create(m.group(2)).getRawPath();
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + base + (path == null ? "" : path)));
        }
        return m.appendTail(out).toString();
    }

    /** The OpenAPI documents the examples refer to, to write beside the test's config file. */
    static Map<String, String> specs() throws IOException {
        Map<String, String> files = new HashMap<>();
        try (Stream<Path> specs = Files.list(EXAMPLES.resolve("specs"))) {
            for (Path spec : specs.toList()) {
                files.put("specs/" + spec.getFileName(), Files.readString(spec, StandardCharsets.UTF_8));
            }
        }
        return files;
    }

    /** Adds every MCP endpoint of one example's gateway to the clients' plan; returns their labels. */
    static List<String> endpoints(String example, TestGateway gateway) {
        List<String> labels = new ArrayList<>();
        var snapshot = gateway.gateway().snapshot();
        for (Route route : snapshot.config().routes()) {
            if (!snapshot.handlers().containsKey(route.id())) {
                continue;
            }
            String label = example + " " + route.paths().getFirst();
            URI url = gateway.proxy(route.paths().getFirst());
            ToolSet tools = snapshot.toolSets().get(route.id());
            if (tools != null) {
                clients.add(label, url, tools, SAMPLES, false);
            } else {
                List<String> served = servedThrough(url);
                List<String> withRoots = new ArrayList<>(served);
                withRoots.add(ROOTS_TOOL);
                clients.addListed(label, url, served, withRoots);
            }
            labels.add(label);
        }
        return labels;
    }

    /** What the lenient Java SDK lists through a passthrough endpoint (it declares no capabilities). */
    static List<String> servedThrough(URI url) {
        try (McpSyncClient client = Sdk.connect(url)) {
            return client.listTools().tools().stream().map(McpSchema.Tool::name).toList();
        }
    }

    @AfterAll
    static void stop() {
        gateways.forEach(TestGateway::close);
        if (upstream != null) {
            upstream.close();
        }
        if (everything != null) {
            everything.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void strictClientsListAndCallEveryToolOfTheExample(String example) {
        assertThat(endpointsByExample.get(example)).as("MCP endpoints of %s", example).isNotEmpty();
        endpointsByExample.get(example).forEach(label -> System.out.println(clients.check(label)));
    }
}
