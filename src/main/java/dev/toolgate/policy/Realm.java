package dev.toolgate.policy;

import dev.toolgate.config.ConfigNode;
import dev.toolgate.http.BearerChallenge;

/**
 * The {@code realm} of an authentication plugin's {@code WWW-Authenticate} challenge (key-auth, jwt):
 * read from its config, where a control character is a problem (a header cannot carry it, so every 401
 * would fail), and sent as a quoted-string whatever else it holds.
 */
public final class Realm {

    private Realm() {
    }

    /** The {@code realm} field, or null; a problem at its path when it holds a control character. */
    public static String read(ConfigNode node) {
        String realm = node.text("realm", null);
        if (realm != null && realm.chars().anyMatch(c -> c < 0x20 && c != '\t' || c == 0x7f)) {
            node.problem("realm", "may not contain control characters (it is sent in the WWW-Authenticate header)");
        }
        return realm;
    }

    /** {@code scheme}, with {@code realm="..."} when there is one. */
    public static String challenge(String scheme, String realm) {
        return realm == null ? scheme : scheme + " realm=" + BearerChallenge.quoted(realm);
    }
}
