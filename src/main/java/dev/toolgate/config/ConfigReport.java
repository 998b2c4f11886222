package dev.toolgate.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Collects every problem and warning of one load, so all of them are reported at once. Once told the
 * document's secrets ({@link #redact}), it writes their references in place of any secret a
 * message would quote (a tool name or path, an OpenAPI URL), so no problem or warning shows one.
 */
public final class ConfigReport {

    /** Shorter values are not hidden: they are no secrets, and hiding them would garble messages. */
    private static final int SHORTEST_SECRET = 4;
    private static final Pattern ONE_VAULT_REFERENCE = Pattern.compile("\\{vault://[^{}]+}");

    private final List<ConfigProblem> problems = new ArrayList<>();
    private final List<ConfigProblem> warnings = new ArrayList<>();
    private List<Map.Entry<String, String>> secrets = List.of();
    private final Set<Path> documents = new LinkedHashSet<>();
    private final Set<String> unresolved = new LinkedHashSet<>();

    /**
     * Records a problem: the document will not be loaded. A value whose vault reference did not resolve
     * has that problem alone: later checks see an empty stand-in, and what they would say of it is not
     * what is wrong.
     */
    public void problem(String path, String message) {
        if (!unresolved.contains(path)) {
            problems.add(new ConfigProblem(path, redacted(message)));
        }
    }

    /**
     * Records that the value at {@code path} is a reference that could not be resolved, or the Admin API's mask
     * ({@link MaskedValues}): no value, which this problem alone is reported of.
     */
    public void unresolved(String path, String message) {
        problems.add(new ConfigProblem(path, redacted(message)));
        unresolved.add(path);
    }

    /** Records a warning: the document loads, and the operator should know this. */
    public void warning(String path, String message) {
        warnings.add(new ConfigProblem(path, redacted(message)));
    }

    /**
     * From now on, a message that would quote a value resolved from a vault reference (or a decK
     * template) says "the value of vault://env/X" instead: problems reach logs, {@code toolgate
     * validate} and the Admin API's 400.
     *
     * @param referenceBySecret resolved value → the reference or template it came from
     */
    public void redact(Map<String, String> referenceBySecret) {
        List<Map.Entry<String, String>> longestFirst = new ArrayList<>(referenceBySecret.entrySet());
        longestFirst.removeIf(e -> e.getKey().length() < SHORTEST_SECRET);
        longestFirst.sort(Comparator.comparingInt((Map.Entry<String, String> e) -> e.getKey().length()).reversed());
        secrets = List.copyOf(longestFirst);
    }

    private String redacted(String message) {
        String text = message;
        for (Map.Entry<String, String> secret : secrets) {
            if (text.contains(secret.getKey())) {
                text = text.replace(secret.getKey(), shown(secret.getValue()));
            }
        }
        return text;
    }

    /** A lone vault reference reads "the value of vault://env/X"; a template or a mix shows as written. */
    private static String shown(String reference) {
        return ONE_VAULT_REFERENCE.matcher(reference).matches()
                ? "the value of " + reference.substring(1, reference.length() - 1) : reference;
    }

    /** Records a local file the configuration reads (an OpenAPI document): the file watcher watches it too. */
    public void reads(Path document) {
        documents.add(document.toAbsolutePath().normalize());
    }

    /** The local files the configuration read, or tried to. */
    public Set<Path> documents() {
        return Set.copyOf(documents);
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

    /** Throws {@link InvalidConfigException} carrying every problem (and the warnings so far) when there is any. */
    public void throwIfProblems() {
        if (hasProblems()) {
            throw new InvalidConfigException(problems(), warnings());
        }
    }
}
