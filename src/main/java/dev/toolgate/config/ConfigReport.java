package dev.toolgate.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Collects every problem and warning of one load, so all of them are reported at once. Once told the
 * document's secrets ({@link #hideSecrets}), it writes their references in place of any secret a
 * message would quote (a tool name or path, an OpenAPI URL), so no problem or warning shows one.
 */
public final class ConfigReport {

    /** Shorter values are not hidden: they are no secrets, and hiding them would garble messages. */
    private static final int SHORTEST_SECRET = 4;

    private final List<ConfigProblem> problems = new ArrayList<>();
    private final List<ConfigProblem> warnings = new ArrayList<>();
    private Map<String, String> referenceBySecret = Map.of();

    /** Records a problem: the document will not be loaded. */
    public void problem(String path, String message) {
        problems.add(new ConfigProblem(path, hidden(message)));
    }

    /** Records a warning: the document loads, and the operator should know this. */
    public void warning(String path, String message) {
        warnings.add(new ConfigProblem(path, hidden(message)));
    }

    /** From now on, messages show the reference (or template) of each secret instead of its value. */
    public void hideSecrets(Map<String, String> referenceBySecret) {
        this.referenceBySecret = Map.copyOf(referenceBySecret);
    }

    private String hidden(String message) {
        String text = message;
        for (Map.Entry<String, String> secret : referenceBySecret.entrySet()) {
            if (secret.getKey().length() >= SHORTEST_SECRET && text.contains(secret.getKey())) {
                text = text.replace(secret.getKey(), secret.getValue());
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
