package dev.toolgate.config;

import java.util.ArrayList;
import java.util.List;

/** Collects every problem and warning of one load, so all of them are reported at once. */
public final class ConfigReport {

    private final List<ConfigProblem> problems = new ArrayList<>();
    private final List<ConfigProblem> warnings = new ArrayList<>();

    /** Records a problem: the document will not be loaded. */
    public void problem(String path, String message) {
        problems.add(new ConfigProblem(path, message));
    }

    /** Records a warning: the document loads, and the operator should know this. */
    public void warning(String path, String message) {
        warnings.add(new ConfigProblem(path, message));
    }

    public List<ConfigProblem> problems() {
        return List.copyOf(problems);
    }

    public List<ConfigProblem> warnings() {
        return List.copyOf(warnings);
    }

    public boolean hasProblems() {
        return !problems.isEmpty();
    }

    /** Throws {@link InvalidConfigException} carrying every problem when there is any. */
    public void throwIfProblems() {
        if (hasProblems()) {
            throw new InvalidConfigException(problems());
        }
    }
}
