package dev.toolgate.config;

import java.util.List;
import java.util.stream.Collectors;

/** A declarative document that cannot be loaded, with every problem found in it. */
public final class InvalidConfigException extends RuntimeException {

    private final transient List<ConfigProblem> problems;

    public InvalidConfigException(List<ConfigProblem> problems) {
        super(problems.stream().map(ConfigProblem::toString).collect(Collectors.joining("\n")), null, false, false);
        this.problems = List.copyOf(problems);
    }

    /** Convenience for a single problem at the document root. */
    public static InvalidConfigException of(String path, String message) {
        return new InvalidConfigException(List.of(new ConfigProblem(path, message)));
    }

    public List<ConfigProblem> problems() {
        return problems;
    }
}
