package dev.toolgate.config;

/**
 * One thing wrong (or worth a warning) in a declarative document, at a path such as
 * {@code services[0].routes[1].plugins[0].config.mode}.
 */
public record ConfigProblem(String path, String message) {

    /** {@code path: message}, the form {@code toolgate validate} prints, one per line. */
    @Override
    public String toString() {
        return path.isEmpty() ? message : path + ": " + message;
    }
}
