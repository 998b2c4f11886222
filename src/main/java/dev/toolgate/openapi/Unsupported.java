package dev.toolgate.openapi;

/**
 * Why one operation cannot become a tool. {@link ToolGenerator} lists the operation as skipped with
 * this message and goes on with the next one.
 */
final class Unsupported extends RuntimeException {

    Unsupported(String message) {
        // a reason to list, not a failure to trace: no stack trace
        super(message, null, false, false);
    }
}
