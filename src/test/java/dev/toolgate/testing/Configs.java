package dev.toolgate.testing;

import dev.toolgate.config.ConfigContext;
import dev.toolgate.config.ConfigLoader;
import dev.toolgate.config.ConfigProblem;
import dev.toolgate.config.ConfigReport;
import dev.toolgate.config.DeclarativeConfig;
import dev.toolgate.config.InvalidConfigException;
import dev.toolgate.gateway.Gateway;
import dev.toolgate.gateway.Snapshot;
import dev.toolgate.mode.AiMcpProxySchema;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Runs declarative documents through the real loader (with the plugins Toolgate implements) and
 * returns what a user would see: problems and warnings as {@code path: message} strings.
 */
public final class Configs {

    private Configs() {
    }

    /**
     * What {@link ConfigLoader#read} made of a document.
     *
     * @param config   the document, or null when it could not be parsed
     * @param problems every problem, as {@code path: message}
     * @param warnings every warning, as {@code path: message}
     */
    public record Loaded(DeclarativeConfig config, List<String> problems, List<String> warnings) {
    }

    /**
     * What {@link Gateway#check} made of a document.
     *
     * @param snapshot the provisioned snapshot, or null when the document has problems
     * @param problems every problem, as {@code path: message} (empty when valid)
     * @param warnings the warnings of a valid document
     */
    public record Checked(Snapshot snapshot, List<String> problems, List<String> warnings) {
    }

    /** Reads a document with an empty environment. */
    public static Loaded load(String document) {
        return load(document, Map.of());
    }

    /** Reads a document; {@code environment} is what {vault://env/...} references see. */
    public static Loaded load(String document, Map<String, String> environment) {
        ConfigReport report = new ConfigReport();
        DeclarativeConfig config = new ConfigLoader(List.of(new AiMcpProxySchema()), environment::get)
                .read(document.getBytes(StandardCharsets.UTF_8), new ConfigContext(Path.of("").toAbsolutePath()),
                        report);
        return new Loaded(config, strings(report.problems()), strings(report.warnings()));
    }

    /** Fully validates a document (tool compilation included), as {@code toolgate validate} does. */
    public static Checked check(String document, Path baseDirectory) {
        return check(document, baseDirectory, Map.of());
    }

    /** Fully validates a document with the given environment. */
    public static Checked check(String document, Path baseDirectory, Map<String, String> environment) {
        try {
            Snapshot snapshot = Gateway.check(document.getBytes(StandardCharsets.UTF_8), baseDirectory,
                    environment::get);
            return new Checked(snapshot, List.of(), strings(snapshot.warnings()));
        } catch (InvalidConfigException e) {
            return new Checked(null, strings(e.problems()), List.of());
        }
    }

    private static List<String> strings(List<ConfigProblem> problems) {
        return problems.stream().map(ConfigProblem::toString).toList();
    }
}
