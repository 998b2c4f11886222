package dev.toolgate.observe;

/**
 * Names of JSON-RPC error codes, as Kong's {@code kong_ai_mcp_error_total} labels them in its {@code type}
 * (for example {@code "Invalid Request"}); codes without a standard name are given as their number.
 */
public final class ErrorTypes {

    private ErrorTypes() {
    }

    /** The standard name of a JSON-RPC error code, or the code as text. */
    public static String name(int code) {
        return switch (code) {
            case -32700 -> "Parse error";
            case -32600 -> "Invalid Request";
            case -32601 -> "Method not found";
            case -32602 -> "Invalid params";
            case -32603 -> "Internal error";
            default -> Integer.toString(code);
        };
    }
}
