package dev.toolgate.config;

import java.util.List;
import java.util.stream.Collectors;

/** A declarative document that cannot be loaded, with every problem found in it. */
public final class InvalidConfigException extends RuntimeException {

    private final transient List<ConfigProblem> problems;
    private final transient List<ConfigProblem> warnings;

    public InvalidConfigException(List<ConfigProblem> problems) {
        this(problems, List.of());
    }

    /** With the warnings found before the load was refused: {@code toolgate validate} shows them too. */
    public InvalidConfigException(List<ConfigProblem> problems, List<ConfigProblem> warnings) {
        super(problems.stream().map(ConfigProblem::toString).collect(Collectors.joining("\n")), null, false, false);
        this.problems = List.copyOf(problems);
        this.warnings = List.copyOf(warnings);
    }

    /** Convenience for a single problem at the document root. */
    public static InvalidConfigException of(String path, String message) {
        return new InvalidConfigException(List.of(new ConfigProblem(path, message)));
    }

    public List<ConfigProblem> problems() {
        return problems;
    }

    /** The warnings found before the load was refused (the checks that did not run found none). */
    public List<ConfigProblem> warnings() {
        return warnings;
    }
}
