package dev.toolgate.policy;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One entry of a transformer's {@code name:value} list ({@code add.headers: ["X-Team:shop"]}), as a problem
 * speaks of it: by its name and its position, never by its text. A malformed entry is often a credential
 * written the wrong way ({@code Authorization=Bearer ...}), and a problem reaches the log and the answer to
 * {@code POST /config}.
 *
 * @param text the entry as written
 */
public record NameValueEntry(String text) {

    /**
     * A leading header, argument or field name (RFC 9110 token characters) followed by something else. An
     * entry that is one token throughout is not quoted: it may as well be a bare value (a pasted API key) as
     * a name without its value.
     */
    private static final Pattern LEADING_NAME = Pattern.compile("([A-Za-z0-9!#$%&'*+.^_`|~-]{1,64})[^A-Za-z0-9!#$%&'*+.^_`|~-]");

    /** What is wrong with the entry, naming at most its name; empty when it is {@code name:value}. */
    public Optional<String> problem() {
        int colon = text.indexOf(':');
        if (colon > 0) {
            return Optional.empty();
        }
        if (colon == 0) {
            return Optional.of("has no name before its ':'; write name:value");
        }
        Matcher name = LEADING_NAME.matcher(text);
        return Optional.of(name.lookingAt() ? "\"" + name.group(1) + "\" has no value; write name:value"
                : "has no ':' between a name and a value; write name:value");
    }
}
