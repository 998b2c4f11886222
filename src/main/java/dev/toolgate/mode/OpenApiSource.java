package dev.toolgate.mode;

import dev.toolgate.config.ConfigNode;

import java.nio.file.Path;
import java.util.List;

/**
 * Toolgate extension {@code config.openapi}: generate the plugin's tools from an OpenAPI document at
 * load time (Swagger 2.0, OpenAPI 3.0 or 3.1, YAML or JSON). Tools written in {@code config.tools}
 * are added, and win when a name is taken by both.
 *
 * @param spec    a file path (relative to the config file) or an {@code http(s)://} URL
 * @param include operations to keep; empty keeps all. Each entry is an operationId, {@code tag:NAME}, or
 *                {@code METHOD /path}; {@code *} matches any run of characters
 * @param exclude operations to drop, same forms; applied after {@code include}
 */
public record OpenApiSource(String spec, List<String> include, List<String> exclude) {

    public OpenApiSource {
        include = List.copyOf(include);
        exclude = List.copyOf(exclude);
    }

    static OpenApiSource read(ConfigNode node) {
        String spec = node.text("spec");
        List<String> include = node.texts("include");
        List<String> exclude = node.texts("exclude");
        node.finish();
        return new OpenApiSource(spec, include, exclude);
    }

    /** True when {@code spec} is a URL rather than a file. */
    public boolean remote() {
        return spec.startsWith("http://") || spec.startsWith("https://");
    }

    /** The file the spec names, resolved against the config file's directory. */
    public Path file(Path baseDirectory) {
        Path path = Path.of(spec);
        return path.isAbsolute() ? path : baseDirectory.resolve(path).normalize();
    }
}
