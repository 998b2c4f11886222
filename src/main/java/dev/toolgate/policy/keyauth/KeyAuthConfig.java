package dev.toolgate.policy.keyauth;

import dev.toolgate.config.ConfigNode;
import dev.toolgate.config.PluginSettings;
import dev.toolgate.policy.Realm;

import java.util.List;

/**
 * The {@code config} of Kong's {@code key-auth} plugin, with Kong's names and defaults.
 *
 * @param keyNames        where to look for the key: header, query argument and body field names;
 *                        default {@code [apikey]}
 * @param keyInHeader     look in request headers; default true
 * @param keyInQuery      look in the query string; default true
 * @param keyInBody       look in the request body's top-level fields (JSON or form); default false
 * @param hideCredentials Kong's switch to strip the key before proxying. Toolgate always strips it,
 *                        from requests key-auth lets pass unread too: the MCP specification forbids
 *                        passing a client's credential through, so {@code false} is accepted and
 *                        has no effect; default false
 * @param anonymous       consumer id or username to use when authentication fails, instead of
 *                        answering 401 (also what makes several authentication plugins an "or");
 *                        default none
 * @param runOnPreflight  authenticate {@code OPTIONS} preflight requests too; when false they pass;
 *                        default true
 * @param realm           the realm in {@code WWW-Authenticate: Key realm="..."} on a 401; default none
 *                        ({@code WWW-Authenticate: Key})
 */
public record KeyAuthConfig(List<String> keyNames, boolean keyInHeader, boolean keyInQuery, boolean keyInBody,
                            boolean hideCredentials, String anonymous, boolean runOnPreflight, String realm)
        implements PluginSettings {

    public KeyAuthConfig {
        keyNames = List.copyOf(keyNames);
    }

    static KeyAuthConfig read(ConfigNode node) {
        List<String> names = node.has("key_names") ? node.texts("key_names") : List.of("apikey");
        if (node.has("key_names") && names.isEmpty()) {
            node.problem("key_names", "needs at least one name");
        }
        for (int i = 0; i < names.size(); i++) {
            if (!names.get(i).matches("[A-Za-z0-9_-]+")) {
                node.report().problem(node.path("key_names") + "[" + i + "]",
                        "may only contain letters, digits, _ and - (Kong's header name rule)");
            }
        }
        boolean header = node.bool("key_in_header", true);
        boolean query = node.bool("key_in_query", true);
        boolean body = node.bool("key_in_body", false);
        if (!header && !query && !body) {
            node.problem("key_in_header", "key_in_header, key_in_query and key_in_body are all false: no key could ever be found");
        }
        KeyAuthConfig config = new KeyAuthConfig(names, header, query, body, node.bool("hide_credentials", false),
                node.text("anonymous", null), node.bool("run_on_preflight", true), Realm.read(node));
        node.finish();
        return config;
    }
}
