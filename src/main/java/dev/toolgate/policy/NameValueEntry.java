package dev.toolgate.policy;

import dev.toolgate.http.HttpToken;

import java.util.Optional;

/**
 * One entry of a transformer's {@code name:value} list ({@code add.headers: ["X-Team:shop"]}), as a problem
 * speaks of it: by its position (the problem's path), never by its text. A malformed entry is often a
 * credential written the wrong way ({@code Authorization=Bearer ...}, a pasted key), no part of which can
 * be told safe to quote, and a problem reaches the log and the answer to {@code POST /config}.
 *
 * @param text the entry as written
 */
public record NameValueEntry(String text) {

    /** What is wrong with the entry, quoting none of it; empty when it is {@code name:value}. */
    public Optional<String> problem() {
        int colon = text.indexOf(':');
        if (colon > 0) {
            return Optional.empty();
        }
        if (colon == 0) {
            return Optional.of("has no name before its ':'; write name:value");
        }
        return Optional.of("has no ':' between a name and a value; write name:value");
    }

    /**
     * What is wrong with the header name of a well-formed entry (for a rename, {@code old:new}, the new one),
     * quoting none of it; empty when it is a header name. Kong refuses such a name at load too. Found only when
     * an answer is sent, it fails every request of the route ({@code "X-Frame-Options : DENY"}: the space).
     */
    public Optional<String> headerProblem(boolean renaming) {
        int colon = text.indexOf(':');
        String name = renaming ? text.substring(colon + 1) : text.substring(0, colon);
        return HttpToken.is(name) ? Optional.empty() : Optional.of((renaming ? "renames to" : "names")
                + " something that is not a header name (letters, digits and " + HttpToken.SYMBOLS
                + ", no space before the ':')");
    }
}
