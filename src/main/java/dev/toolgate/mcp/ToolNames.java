package dev.toolgate.mcp;

import java.util.regex.Pattern;

/**
 * MCP's tool-name rule: 1 to 64 characters of {@code [A-Za-z0-9_.-]} (the 2025-11-25 guidance allows
 * 128; 64 satisfies every published conformance check).
 */
public final class ToolNames {

    /** The longest name we emit. */
    public static final int MAX_LENGTH = 64;
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_.-]{1," + MAX_LENGTH + "}");
    private static final Pattern INVALID_CHARS = Pattern.compile("[^A-Za-z0-9_.-]");

    private ToolNames() {
    }

    /** True when {@code name} obeys the rule. */
    public static boolean isValid(String name) {
        return name != null && VALID.matcher(name).matches();
    }

    /**
     * The closest valid name: every other character becomes {@code _}, and the result is cut to
     * {@link #MAX_LENGTH}. Returns an empty string for an empty input.
     */
    public static String sanitize(String text) {
        String replaced = INVALID_CHARS.matcher(text.strip()).replaceAll("_");
        return replaced.length() > MAX_LENGTH ? replaced.substring(0, MAX_LENGTH) : replaced;
    }
}
