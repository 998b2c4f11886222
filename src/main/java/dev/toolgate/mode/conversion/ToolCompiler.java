package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Schema;
import dev.toolgate.config.ConfigReport;
import dev.toolgate.config.Route;
import dev.toolgate.config.Service;
import dev.toolgate.http.Router;
import dev.toolgate.http.UpstreamPath;
import dev.toolgate.http.UpstreamTarget;
import dev.toolgate.mcp.HeaderDeclarations;
import dev.toolgate.mcp.ToolNames;
import dev.toolgate.mode.AiMcpProxyConfig;
import dev.toolgate.mode.ParameterSpec;
import dev.toolgate.mode.ToolSpec;
import dev.toolgate.mode.acl.ToolAcl;
import io.vertx.core.http.HttpMethod;

import java.util.ArrayList;
import java.util.List;

/**
 * Compiles Kong tool definitions of one conversion plugin into {@link Tool}s, with Kong's rules:
 * name from {@code name}, else {@code annotations.title}, else {@code <route-name>-<n>}; method and
 * path default to the route's single method and path; a relative path is prefixed with the route
 * path; the path must lie under a route path; the upstream path follows the route's
 * {@code strip_path} and the service path (a generated OpenAPI tool's path is appended to the service path).
 */
public final class ToolCompiler {

    private final Route route;
    private final Service service;
    private final AiMcpProxyConfig config;
    private final ConfigReport report;

    public ToolCompiler(Route route, Service service, AiMcpProxyConfig config, ConfigReport report) {
        this.route = route;
        this.service = service;
        this.config = config;
        this.report = report;
    }

    /** Compiles every tool of the plugin; tools with problems are reported and left out. */
    public List<Tool> compileAll(String pluginSource) {
        List<Tool> tools = new ArrayList<>();
        for (int i = 0; i < config.tools().size(); i++) {
            Tool tool = compile(config.tools().get(i), i + 1, pluginSource + ".config.tools[" + i + "]", true);
            if (tool != null) {
                tools.add(tool);
            }
        }
        return tools;
    }

    /**
     * Compiles one tool definition; returns null (with problems in the report) when it cannot serve.
     *
     * @param position 1-based place among the plugin's tools (for the default name)
     * @param at       where the definition is, for problem paths
     * @param written  written by a person: its schemas are checked against the JSON Schema meta-schema
     *                 (generated ones are valid by construction, and there can be thousands); a
     *                 generated tool's path is an OpenAPI path, relative to the service URL, not to the route
     */
    public Tool compile(ToolSpec spec, int position, String at, boolean written) {
        int before = report.problems().size();
        String name = name(spec, position, at);
        HttpMethod method = method(spec, at);
        checkHostAndScheme(spec, at);
        PathTemplate path = upstreamPath(spec, at, written);
        List<ParameterSpec> parameters = ToolParameters.of(spec, path, at, report);
        BodyPart body = BodyPart.of(spec.requestBody(), at + ".request_body", report);
        OutputSchema output = OutputSchema.of(spec.responses(), at + ".responses", report);
        checkForeignReferences(spec, at);
        ReservedHeaders.checkFixed(spec, at, report);
        if (written) {
            checkSchemas(parameters, body, output, at);
        }
        if (report.problems().size() > before || service == null) {
            return null;
        }
        ObjectNode inputSchema = ToolSchemas.input(parameters, body);
        if (!checkPatterns(inputSchema, output, at)) {
            return null;
        }
        CompiledSchema inputValidator;
        CompiledSchema outputValidator = null;
        if (written) {
            Schema input = ToolSchemas.compile(inputSchema, at + ".parameters", report);
            Schema outputSchema = output == null ? null : ToolSchemas.compile(output.schema(), at + ".responses", report);
            if (input == null || output != null && outputSchema == null) {
                return null;
            }
            inputValidator = CompiledSchema.now(input);
            outputValidator = outputSchema == null ? null : CompiledSchema.now(outputSchema);
        } else {
            inputValidator = CompiledSchema.later(inputSchema);
            outputValidator = output == null ? null : CompiledSchema.later(output.schema());
        }
        ObjectNode definition = ToolDefinition.of(name, spec.description(), spec.annotations(), inputSchema, output);
        RequestTemplate request = new RequestTemplate(UpstreamTarget.of(service), method, path, parameters,
                body.encoding(), body.mediaType(), body.fields(), RouteMatchHeaders.of(spec, route), spec.query(),
                config.server().timeoutMillis(), config.server().forwardClientHeaders(), route.preserveHost(),
                spec.host(), route.hosts(), false);
        return new Tool(name, kongName(spec, position, name), definition, inputValidator, outputValidator,
                output != null && output.wrapped(), request, at, route.id(),
                ToolAcl.of(spec.acl(), config.defaultAcl(), config.includeConsumerGroups()),
                config.toolLimits().of(spec.limit()));
    }

    private boolean checkPatterns(ObjectNode inputSchema, OutputSchema output, String at) {
        String input = ToolSchemas.invalidPattern(inputSchema);
        String result = output == null ? null : ToolSchemas.invalidPattern(output.schema());
        if (input != null) {
            report.problem(at + ".parameters", input);
        }
        if (result != null) {
            report.problem(at + ".responses", result);
        }
        return input == null && result == null;
    }

    private void checkForeignReferences(ToolSpec spec, String at) {
        for (String key : List.of("request_body", "responses")) {
            String reference = ToolSchemas.foreignReference(key.equals("responses") ? spec.responses() : spec.requestBody());
            if (reference != null) {
                report.problem(at + "." + key, "$ref " + reference + " is not supported: inline the schema or put it "
                        + "under the schema's own $defs (or load the API with config.openapi)");
            }
        }
    }

    /** Written schemas: valid JSON Schema 2020-12, and nothing in them that cannot be served. */
    private void checkSchemas(List<ParameterSpec> parameters, BodyPart body, OutputSchema output, String at) {
        for (int i = 0; i < parameters.size(); i++) {
            checkSchema(parameters.get(i).schema(), at + ".parameters[" + i + "].schema");
        }
        if (body.schema() != null) {
            checkSchema(body.schema(), at + ".request_body");
        }
        if (output != null) {
            checkSchema(output.declared(), at + ".responses");
        }
        ToolSchemas.checkDefinitionClashes(parameters, body, at, report);
        checkHeaderDeclarations(parameters, body, at);
    }

    /**
     * The 2026-07-28 rules for {@code x-mcp-header}: a tool breaking one would be dropped by 2026-07-28 clients
     * and served to legacy ones, so it is refused here. Generated tools carry no declarations: the OpenAPI
     * conversion keeps JSON Schema keywords only.
     */
    private void checkHeaderDeclarations(List<ParameterSpec> parameters, BodyPart body, String at) {
        HeaderDeclarations declarations = new HeaderDeclarations();
        for (int i = 0; i <= parameters.size(); i++) {
            JsonNode schema = i < parameters.size() ? parameters.get(i).schema() : body.schema();
            String path = i < parameters.size() ? at + ".parameters[" + i + "].schema" : at + ".request_body";
            for (HeaderDeclarations.Fault fault : declarations.argument(schema)) {
                StringBuilder where = new StringBuilder(path);
                fault.path().forEach(step -> where.append(step.startsWith("[") ? "" : ".").append(step));
                report.problem(where.toString(), fault.message() + "; 2026-07-28 clients drop a tool that breaks this");
            }
        }
    }

    private void checkSchema(JsonNode schema, String path) {
        ToolSchemas.checkMetaSchema(schema, path, report);
        ServedSchemas.check(schema, path, report);
    }

    /** Kong's choice: {@code name}, else {@code annotations.title}, else {@code <route-name>-<n>}. */
    private String kongName(ToolSpec spec, int position) {
        return spec.name() != null ? spec.name()
                : spec.annotations().title() != null ? spec.annotations().title()
                : route.label() + "-" + position;
    }

    /** The name Kong would serve when it is not the (valid) name Toolgate serves, else null. */
    private String kongName(ToolSpec spec, int position, String served) {
        String kong = kongName(spec, position);
        return kong.equals(served) ? null : kong;
    }

    private String name(ToolSpec spec, int position, String at) {
        String chosen = kongName(spec, position);
        String name = ToolNames.sanitize(chosen);
        if (name.isEmpty()) {
            report.problem(at + ".name", "gives an empty tool name");
        } else if (spec.name() != null && !name.equals(spec.name())) {
            report.warning(at + ".name", "'" + spec.name() + "' is not a valid MCP tool name; serving it as '" + name + "'");
        }
        return name;
    }

    private HttpMethod method(ToolSpec spec, String at) {
        if (spec.method() != null) {
            if (!route.methods().isEmpty() && !route.methods().contains(spec.method())) {
                report.problem(at + ".method", spec.method() + " is not one of the route's methods " + route.methods());
            }
            return HttpMethod.valueOf(spec.method());
        }
        if (route.methods().size() == 1) {
            return HttpMethod.valueOf(route.methods().getFirst());
        }
        report.problem(at + ".method", "is required (the route does not pin down a single method)");
        return HttpMethod.GET;
    }

    private void checkHostAndScheme(ToolSpec spec, String at) {
        // matched as the router matches a request's Host: Kong replays the call through its router, so a tool on
        // a *.example.com route names the one host it is for (Kong requires it there)
        if (spec.host() != null && !Router.hostMatches(route.hosts(), spec.host())) {
            report.problem(at + ".host", "must match one of the route's hosts " + route.hosts());
        }
        if (spec.scheme() != null && !route.protocols().contains(spec.scheme())) {
            report.problem(at + ".scheme", "must be one of the route's protocols " + route.protocols());
        }
    }

    /**
     * An absolute tool path without dot segments: below the longest route path it starts with (which
     * {@code ..} cannot climb above), else below the root.
     */
    private String withoutDotSegments(String path, List<String> routePaths, String at) {
        if (!DotSegments.present(path)) {
            return path;
        }
        String base = "/";
        for (String prefix : routePaths) {
            String directory = prefix.endsWith("/") ? prefix : prefix + "/";
            if (path.startsWith(directory) && directory.length() > base.length()) {
                base = directory;
            }
        }
        return under(base, path.substring(base.length()), at);
    }

    /** {@code relative} below {@code base} (a route path), its dot segments removed. */
    private String under(String base, String relative, String at) {
        DotSegments.Removed removed = DotSegments.removed(relative);
        if (removed.climbedAbove()) {
            String shown = base.length() > 1 && base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
            report.warning(at + ".path", "'..' cannot climb above " + (shown.equals("/") ? "the root" : "the route path "
                    + shown) + "; it is left out");
        }
        return (base.endsWith("/") ? base : base + "/") + removed.path();
    }

    /**
     * Resolves the gateway-side path and applies Kong's proxy path rule: when the path lies under a
     * route path, {@code strip_path} removes that prefix; a path outside the route paths (decK's
     * openapi2mcp output has those) is sent as is, after the service path. A generated tool's path is
     * the OpenAPI operation's: the route does not apply to it ({@link UpstreamPath#appended}).
     */
    private PathTemplate upstreamPath(ToolSpec spec, String at, boolean written) {
        List<String> plain = route.paths().stream().filter(p -> !p.startsWith("~")).toList();
        String gatewayPath;
        if (spec.path() == null) {
            if (plain.size() != 1) {
                report.problem(at + ".path", "is required (the route has " + plain.size() + " plain paths)");
                return PathTemplate.parse("/");
            }
            gatewayPath = plain.getFirst();
        } else if (spec.path().startsWith("/")) {
            gatewayPath = withoutDotSegments(spec.path(), plain, at);
        } else if (plain.isEmpty()) {
            report.problem(at + ".path", "a relative path needs a route with a plain (non-regex) path");
            return PathTemplate.parse("/");
        } else {
            gatewayPath = under(plain.getFirst(), spec.path(), at);
        }
        // Kong replays the call through its router, which removes dot segments: Kong's own how-tos write
        // relative paths as ./v1/current.json, which must reach the API as /v1/current.json
        gatewayPath = Router.normalize(gatewayPath);
        PathTemplate template;
        try {
            template = PathTemplate.parse(gatewayPath);
        } catch (IllegalArgumentException e) {
            report.problem(at + ".path", "is not a valid path template: " + e.getMessage());
            return PathTemplate.parse("/");
        }
        if (service == null) {
            return template;
        }
        if (!written) {
            return PathTemplate.parse(UpstreamPath.appended(service.path(), gatewayPath));
        }
        String matched = null;
        for (String prefix : plain) {
            if (template.literalPrefix().startsWith(prefix) && (matched == null || prefix.length() > matched.length())) {
                matched = prefix;
            }
        }
        String upstream = UpstreamPath.of(service.path(), matched, gatewayPath, route.stripPath(), route.pathHandling());
        return PathTemplate.parse(upstream);
    }
}
