package dev.toolgate.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.mcp.Json;
import dev.toolgate.mode.ParameterSpec;
import dev.toolgate.mode.conversion.Tool;
import dev.toolgate.mode.conversion.ToolSet;
import dev.toolgate.testing.NodeClients;
import dev.toolgate.testing.RestUpstream;
import dev.toolgate.testing.SampleValues;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Strict MCP clients against the endpoints of running gateways: the official TypeScript SDK v1 and v2
 * and MCP Inspector's CLI (with {@code --strict}) each list the tools, and must list every tool the
 * gateway loaded, in order; the SDKs call a sample of them (Inspector one, where asked) against a local REST upstream
 * that answers with a sample of each tool's output schema, and must accept each result (the SDKs
 * check structuredContent against the outputSchema).
 *
 * <p>Test time: each SDK runs as one process for all endpoints ({@link #start()}, in the background),
 * while Inspector, which does one thing per process, runs per endpoint ({@link #check}).
 */
final class StrictClients {

    static final String SDK_SCRIPT = "src/test/node/ts-sdk-tools.mjs";
    static final Duration SDK_TIMEOUT = Duration.ofSeconds(300);
    private static final List<String> SDKS = List.of("v1", "v2");
    private static final Pattern PLAIN_SEGMENT = Pattern.compile("[A-Za-z0-9_-]+");

    /** One sample call: the tool, its arguments, and the upstream request it becomes. */
    record Sample(Tool tool, ObjectNode arguments, String upstreamKey) {
    }

    /**
     * An endpoint to check.
     *
     * @param expected          the tool names the SDKs must list, in order
     * @param inspectorExpected the tool names Inspector must list (in order when the same as the SDKs')
     * @param inspectorCalls    Inspector calls the first sample too
     */
    record Endpoint(String label, URI url, List<String> expected, List<String> inspectorExpected, List<Sample> samples,
                    boolean inspectorCalls) {
    }

    private final NodeClients node;
    private final RestUpstream upstream;
    private final Set<String> upstreamKeys = new HashSet<>();
    private final Map<String, Endpoint> endpoints = new LinkedHashMap<>();
    private final Map<String, CompletableFuture<Map<String, JsonNode>>> sdkRuns = new HashMap<>();

    StrictClients(NodeClients node, RestUpstream upstream) {
        this.node = node;
        this.upstream = upstream;
    }

    /**
     * Adds an endpoint of a gateway serving {@code tools}: picks up to {@code samples} tools a sample
     * fits (those with an output schema first) and has the upstream answer them. Inspector, whose client
     * is the v2 SDK's, costs a process per call: {@code inspectorCalls} says whether it calls one here.
     */
    void add(String label, URI url, ToolSet tools, int samples, boolean inspectorCalls) {
        List<Sample> calls = samples(tools, samples);
        List<String> names = tools.tools().stream().map(Tool::name).toList();
        endpoints.put(label, new Endpoint(label, url, names, names, calls, inspectorCalls && !calls.isEmpty()));
    }

    /**
     * Adds an endpoint whose tools the gateway does not define (passthrough): listed, never called. An
     * MCP server may offer Inspector more, as it declares more client capabilities than the SDK scripts.
     */
    void addListed(String label, URI url, List<String> expected, List<String> inspectorExpected) {
        endpoints.put(label, new Endpoint(label, url, expected, inspectorExpected, List.of(), false));
    }

    /** Starts both SDK processes on every endpoint added so far, in the background. */
    void start() {
        ArrayNode plan = Json.MAPPER.createArrayNode();
        endpoints.values().forEach(e -> {
            ObjectNode entry = plan.addObject().put("label", e.label()).put("url", e.url().toString());
            ArrayNode calls = entry.putArray("calls");
            e.samples().forEach(s -> calls.addObject().put("name", s.tool().name()).set("arguments", s.arguments()));
        });
        Path file;
        try {
            file = Files.createTempFile("strict-clients", ".json");
            Files.writeString(file, plan.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        var executor = Executors.newVirtualThreadPerTaskExecutor();
        for (String sdk : SDKS) {
            sdkRuns.put(sdk, CompletableFuture.supplyAsync(() -> {
                NodeClients.Run run = node.script(SDK_SCRIPT, SDK_TIMEOUT, sdk, file.toString());
                Map<String, JsonNode> byLabel = new HashMap<>();
                run.ok().forEach(out -> byLabel.put(out.path("label").asText(), out));
                return byLabel;
            }, executor));
        }
        CompletableFuture.allOf(sdkRuns.values().toArray(CompletableFuture[]::new))
                .whenComplete((ignored, failure) -> {
                    executor.close();
                    file.toFile().delete();
                });
    }

    /**
     * Checks one endpoint: Inspector now, and what the SDK processes said about it; then that the
     * upstream received every sample call once per client that made it.
     *
     * @return a line for the test report
     */
    String check(String label) {
        Endpoint endpoint = endpoints.get(label);
        List<String> report = new ArrayList<>();
        report.add(inspector(endpoint));
        for (String sdk : SDKS) {
            JsonNode out = sdkRuns.get(sdk).join().get(label);
            assertThat(out).as("%s: SDK %s reported nothing", label, sdk).isNotNull();
            assertThat(out.path("error").isMissingNode()).as("%s: TypeScript SDK %s refused the endpoint: %s", label, sdk,
                    out.path("error").asText()).isTrue();
            assertThat(names(out.get("tools"))).as("%s: tools listed by TypeScript SDK %s", label, sdk)
                    .containsExactlyElementsOf(endpoint.expected());
            assertThat(out.get("uncompilable")).as("%s: output schemas SDK %s cannot compile", label, sdk).isEmpty();
            for (int i = 0; i < endpoint.samples().size(); i++) {
                assertAccepted(label + ": TypeScript SDK " + sdk, endpoint.samples().get(i), out.get("calls").get(i));
            }
            report.add(out.path("sdk").asText() + " " + out.path("ms").asLong() + " ms");
        }
        assertUpstreamSaw(endpoint);
        return label + ": " + endpoint.expected().size() + " tools, " + endpoint.samples().size() + " sample calls; "
                + String.join(", ", report);
    }

    private String inspector(Endpoint endpoint) {
        String label = endpoint.label();
        NodeClients.Run list = node.inspector(endpoint.url(), "--method", "tools/list", "--strict");
        assertThat(list.exitCode()).as("%s: Inspector --strict\n%s", label, list).isZero();
        List<String> listed = names(list.json().at("/result/tools"));
        if (endpoint.inspectorExpected().equals(endpoint.expected())) {
            assertThat(listed).as("%s: tools listed by Inspector", label).containsExactlyElementsOf(endpoint.expected());
        } else {
            assertThat(listed).as("%s: tools listed by Inspector", label)
                    .containsExactlyInAnyOrderElementsOf(endpoint.inspectorExpected());
        }
        long took = list.took().toMillis();
        if (endpoint.inspectorCalls()) {
            Sample first = endpoint.samples().getFirst();
            NodeClients.Run call = node.inspector(endpoint.url(), "--method", "tools/call", "--tool-name",
                    first.tool().name(), "--tool-args-json", first.arguments().toString());
            assertThat(call.exitCode()).as("%s: Inspector calls %s\n%s", label, first.tool().name(), call).isZero();
            assertThat(call.json().get("result").has("structuredContent"))
                    .as("%s: structuredContent of %s", label, first.tool().name())
                    .isEqualTo(first.tool().outputValidator() != null);
            took += call.took().toMillis();
        }
        return "Inspector " + took + " ms";
    }

    private static void assertAccepted(String who, Sample sample, JsonNode outcome) {
        assertThat(outcome.path("error").isMissingNode()).as("%s refused the result of %s: %s", who,
                sample.tool().name(), outcome.path("error").asText()).isTrue();
        JsonNode result = outcome.get("result");
        assertThat(result.path("isError").asBoolean()).as("%s: %s answered %s", who, sample.tool().name(), result).isFalse();
        assertThat(result.has("structuredContent")).as("%s: structuredContent of %s", who, sample.tool().name())
                .isEqualTo(sample.tool().outputValidator() != null);
    }

    private void assertUpstreamSaw(Endpoint endpoint) {
        for (int i = 0; i < endpoint.samples().size(); i++) {
            String key = endpoint.samples().get(i).upstreamKey();
            int clients = SDKS.size() + (i == 0 && endpoint.inspectorCalls() ? 1 : 0);
            assertThat(upstream.count(key)).as("%s: requests %s received", endpoint.label(), key).isEqualTo(clients);
        }
    }

    /** Up to {@code max} tools a sample fits, those with an output schema first; registers their answers. */
    private List<Sample> samples(ToolSet tools, int max) {
        List<Tool> ordered = new ArrayList<>(tools.tools().stream().filter(t -> t.outputValidator() != null).toList());
        ordered.addAll(tools.tools().stream().filter(t -> t.outputValidator() == null).toList());
        List<Sample> samples = new ArrayList<>();
        for (Tool tool : ordered) {
            if (samples.size() >= max) {
                break;
            }
            Sample sample = sample(tool);
            if (sample != null) {
                samples.add(sample);
            }
        }
        return samples;
    }

    private Sample sample(Tool tool) {
        if (!(SampleValues.of(tool.definition().get("inputSchema")) instanceof ObjectNode arguments)
                || !tool.inputValidator().get().validate(arguments).isEmpty()) {
            return null;
        }
        Map<String, String> pathValues = new LinkedHashMap<>();
        for (ParameterSpec p : tool.request().parameters()) {
            JsonNode value = arguments.get(p.argument());
            if (p.in().equals("path")) {
                if (value == null || !value.isValueNode() || !p.style().equals("simple")
                        || !PLAIN_SEGMENT.matcher(value.asText()).matches()) {
                    return null;
                }
                pathValues.put(p.name(), value.asText());
            }
        }
        String key = tool.request().method().name() + " " + tool.request().path().expand(pathValues);
        JsonNode answer = answer(tool);
        if (answer == null || !upstreamKeys.add(key)) {
            return null;
        }
        upstream.json(key, 200, answer.toString());
        return new Sample(tool, arguments, key);
    }

    /** What the upstream answers: a sample of the output schema (unwrapped), or a small JSON object. */
    private static JsonNode answer(Tool tool) {
        if (tool.outputValidator() == null) {
            return Json.object().put("sampled", true);
        }
        JsonNode structured = SampleValues.of(tool.definition().get("outputSchema"));
        if (!tool.outputValidator().get().validate(structured).isEmpty()) {
            return null;
        }
        return tool.wrapsOutput() ? structured.get("result") : structured;
    }

    private static List<String> names(JsonNode tools) {
        List<String> names = new ArrayList<>();
        tools.forEach(t -> names.add(t.path("name").asText()));
        return names;
    }
}
