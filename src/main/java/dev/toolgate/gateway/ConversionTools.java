package dev.toolgate.gateway;

import dev.toolgate.config.ConfigReport;
import dev.toolgate.config.Plugin;
import dev.toolgate.config.Route;
import dev.toolgate.config.Service;
import dev.toolgate.mode.AiMcpProxyConfig;
import dev.toolgate.mode.OpenApiSource;
import dev.toolgate.mode.ToolSpec;
import dev.toolgate.mode.conversion.Tool;
import dev.toolgate.mode.conversion.ToolCompiler;
import dev.toolgate.mode.conversion.ToolSchemas;
import dev.toolgate.openapi.OpenApiDocument;
import dev.toolgate.openapi.OpenApiException;
import dev.toolgate.openapi.OperationFilter;
import dev.toolgate.openapi.ToolGenerator;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The tools of one conversion plugin: its {@code tools} entries, plus one per operation of its
 * {@code openapi} document. A written tool wins over a generated one of the same name; an operation
 * that cannot be served is skipped with a warning that names it, never failing the whole document.
 */
final class ConversionTools {

    private ConversionTools() {
    }

    static List<Tool> compile(Plugin plugin, AiMcpProxyConfig proxy, Route route, Service service,
                              OpenApiDocument.Access access, ConfigReport report) {
        List<Tool> tools = new ArrayList<>(new ToolCompiler(route, service, proxy, report).compileAll(plugin.source()));
        OpenApiSource source = proxy.openapi();
        if (source == null || source.spec() == null) {
            return tools;
        }
        String at = plugin.source() + ".config.openapi";
        ToolGenerator.Generated generated;
        if (!source.remote()) {
            // watched, also when it cannot be read yet: a fix to it reloads the configuration
            report.reads(source.file(access.baseDirectory()));
        }
        try {
            OpenApiDocument document = OpenApiDocument.load(source, access);
            document.files().forEach(report::reads);
            generated = new ToolGenerator(document, new OperationFilter(source.include(), source.exclude())).generate();
        } catch (OpenApiException e) {
            report.problem(at + ".spec", e.getMessage());
            return tools;
        }
        generated.skipped().forEach(s -> report.warning(at, "skipped " + s));
        generated.adjusted().forEach(note -> report.warning(at, note));
        Set<String> written = new HashSet<>();
        tools.forEach(t -> written.add(t.name()));
        for (ToolSpec spec : generated.tools()) {
            if (written.contains(spec.name())) {
                report.warning(at, "tool '" + spec.name() + "' from config.tools replaces the one generated for "
                        + spec.method() + " " + spec.path());
                continue;
            }
            String badPattern = invalidPattern(spec);
            if (badPattern != null) {
                // a broken document, not an operation Toolgate cannot express: fix the pattern or exclude the operation
                report.problem(at + "(" + spec.name() + ")", spec.method() + " " + spec.path() + ": " + badPattern);
                continue;
            }
            ConfigReport own = new ConfigReport();
            Tool tool = new ToolCompiler(route, service, proxy, own).compile(spec, 0, at + "(" + spec.name() + ")", false);
            own.warnings().forEach(w -> report.warning(w.path(), w.message()));
            if (tool == null) {
                report.warning(at, "skipped " + spec.method() + " " + spec.path() + " (" + spec.name() + "): "
                        + own.problems().getFirst().message());
            } else {
                tools.add(tool);
            }
        }
        return tools;
    }

    private static String invalidPattern(ToolSpec spec) {
        for (var parameter : spec.parameters()) {
            String problem = ToolSchemas.invalidPattern(parameter.schema());
            if (problem != null) {
                return "parameter " + parameter.name() + ": " + problem;
            }
        }
        String body = ToolSchemas.invalidPattern(spec.requestBody());
        return body != null ? "request body: " + body : ToolSchemas.invalidPattern(spec.responses());
    }
}
