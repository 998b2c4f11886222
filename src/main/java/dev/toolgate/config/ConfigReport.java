package dev.toolgate.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** Collects every problem and warning of one load, so all of them are reported at once. */
public final class ConfigReport {

    private final List<ConfigProblem> problems = new ArrayList<>();
    private final List<ConfigProblem> warnings = new ArrayList<>();
    private List<Map.Entry<String, String>> secrets = List.of();

    /** Records a problem: the document will not be loaded. */
    public void problem(String path, String message) {
        problems.add(new ConfigProblem(path, redacted(message)));
    }

    /** Records a warning: the document loads, and the operator should know this. */
    public void warning(String path, String message) {
        warnings.add(new ConfigProblem(path, redacted(message)));
    }

    /**
     * From now on, a message that would quote a value resolved from a vault reference says "the value of
     * vault://env/X" instead: problems reach logs, {@code toolgate validate} and the Admin API's 400.
     *
     * @param referenceBySecret resolved value → the reference it came from
     */
    public void redact(Map<String, String> referenceBySecret) {
        List<Map.Entry<String, String>> longestFirst = new ArrayList<>(referenceBySecret.entrySet());
        longestFirst.removeIf(e -> e.getKey().isEmpty());
        longestFirst.sort(Comparator.comparingInt((Map.Entry<String, String> e) -> e.getKey().length()).reversed());
        secrets = List.copyOf(longestFirst);
    }

    private String redacted(String message) {
        String text = message;
        for (Map.Entry<String, String> secret : secrets) {
            if (text.contains(secret.getKey())) {
                String reference = secret.getValue().replaceAll("^\\{|}$", "");
                text = text.replace(secret.getKey(), "the value of " + reference);
            }
        }
        return text;
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
