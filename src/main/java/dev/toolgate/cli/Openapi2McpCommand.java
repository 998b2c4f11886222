package dev.toolgate.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.toolgate.mcp.Json;
import dev.toolgate.mode.OpenApiSource;
import dev.toolgate.openapi.DeclarativeExport;
import dev.toolgate.openapi.OpenApiDocument;
import dev.toolgate.openapi.OpenApiException;
import dev.toolgate.openapi.OperationFilter;
import dev.toolgate.openapi.ToolGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code toolgate openapi2mcp SPEC}: print a Kong declarative file with the document's operations as tools. */
@Command(name = "openapi2mcp", mixinStandardHelpOptions = true,
        description = {"Print a Kong declarative file (service, route, ai-mcp-proxy plugin with the tools written out)",
                "that serves an OpenAPI document's operations as MCP tools, like 'deck file openapi2mcp'.",
                "Skipped operations are listed on stderr."})
final class Openapi2McpCommand implements Callable<Integer> {

    @Parameters(paramLabel = "SPEC", description = "OpenAPI 3.0/3.1 or Swagger 2.0 document: a file or an http(s) URL.")
    private String spec;

    @Option(names = "--service", paramLabel = "NAME", description = "Service name (default: from info.title).")
    private String service;

    @Option(names = "--route", paramLabel = "NAME", description = "Route name; its path is /NAME (default: <service>-mcp).")
    private String route;

    @Option(names = "--include", paramLabel = "PATTERN", split = ",",
            description = "Keep only matching operations: operationId, tag:NAME or 'METHOD /path'; * is a wildcard.")
    private List<String> include = List.of();

    @Option(names = "--exclude", paramLabel = "PATTERN", split = ",", description = "Drop matching operations (same forms).")
    private List<String> exclude = List.of();

    @Option(names = "--mode", paramLabel = "MODE", defaultValue = "conversion-listener",
            description = "conversion-listener (default) or conversion-only.")
    private String mode;

    @Option(names = "--tag", paramLabel = "TAG", description = "Plugin tag (listeners bind conversion-only tools by tag).")
    private List<String> tags = List.of();

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "yaml", description = "yaml (default) or json.")
    private String format;

    @Override
    public Integer call() throws JsonProcessingException {
        if (!List.of("conversion-listener", "conversion-only").contains(mode) || !List.of("yaml", "json").contains(format)) {
            System.err.println("toolgate: --mode must be conversion-listener or conversion-only; --format yaml or json");
            return ExitCodes.USAGE;
        }
        try {
            OpenApiDocument document = OpenApiDocument.load(new OpenApiSource(spec, include, exclude),
                    // the operator names the document on the command line: any path they can read
                    new OpenApiDocument.Access(Path.of("").toAbsolutePath(), true));
            ToolGenerator.Generated generated = new ToolGenerator(document, new OperationFilter(include, exclude)).generate();
            String serviceName = service != null ? service : DeclarativeExport.serviceName(document);
            DeclarativeExport export = new DeclarativeExport(document, generated, serviceName,
                    route != null ? route : serviceName + "-mcp", mode, tags);
            generated.skipped().forEach(s -> System.err.println("skipped " + s));
            generated.adjusted().forEach(note -> System.err.println("warning: " + note));
            if (export.serverIsPlaceholder()) {
                System.err.println("warning: the document names no absolute server URL; set services[0].url");
            }
            System.out.print(format.equals("json") ? Json.MAPPER.writerWithDefaultPrettyPrinter()
                    .writeValueAsString(export.toJson()) + "\n" : yaml().writeValueAsString(export.toJson()));
            System.err.printf("%d tools, %d operations skipped%n", generated.tools().size(), generated.skipped().size());
            return ExitCodes.OK;
        } catch (OpenApiException e) {
            System.err.println("toolgate: " + e.getMessage());
            return ExitCodes.INVALID_CONFIG;
        }
    }

    private static YAMLMapper yaml() {
        return YAMLMapper.builder().enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
                .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).build();
    }
}
