package dev.toolgate.http;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code WWW-Authenticate: Bearer} values (RFC 6750 §3): each auth-param a quoted-string with {@code \}
 * and {@code "} escaped (RFC 9110 §5.6.4), so that no value, whatever it holds, can close its string
 * early and add a parameter of its own.
 */
public final class BearerChallenge {

    private BearerChallenge() {
    }

    /** {@code Bearer name="value", ...}: the pairs in order, those whose value is null left out. */
    public static String of(String... namesAndValues) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            String value = namesAndValues[i + 1];
            if (value != null) {
                parts.add(namesAndValues[i] + "=" + quoted(value));
            }
        }
        return parts.isEmpty() ? "Bearer" : "Bearer " + String.join(", ", parts);
    }

    /** {@code value} as a quoted-string: in double quotes, its {@code \\} and {@code "} escaped. */
    public static String quoted(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
