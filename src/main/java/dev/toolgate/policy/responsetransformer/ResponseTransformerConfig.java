package dev.toolgate.policy.responsetransformer;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.toolgate.config.ConfigNode;
import dev.toolgate.config.PluginSettings;
import dev.toolgate.policy.NameValueEntry;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The {@code config} of Kong's {@code response-transformer} plugin, with Kong's names and defaults.
 * Rules run in Kong's order: remove → rename → replace → add → append, on headers and on the
 * top-level fields of a JSON answer. A header rule that would set the answer's framing
 * ({@code Content-Length}, {@code Transfer-Encoding}) is warned about and ignored: the gateway frames
 * each answer itself, as Kong's nginx does, and a transformer's value would contradict the body sent.
 *
 * @param remove  names to remove
 * @param rename  {@code old:new} names
 * @param replace {@code name:value}, only where present
 * @param add     {@code name:value}, only where absent
 * @param append  {@code name:value}, beside what is there (a JSON field becomes an array)
 */
public record ResponseTransformerConfig(Operation remove, Operation rename, Operation replace, Operation add,
                                        Operation append) implements PluginSettings {

    /**
     * One operation's rules.
     *
     * @param headers   header rules
     * @param json      JSON field rules
     * @param jsonTypes the JSON type of each {@code json} value, in order: {@code string} (default),
     *                  {@code number} or {@code boolean}; null for {@code remove} and {@code rename}, which have
     *                  none in Kong's schema (the reader refuses it there, so the Admin API does not show it)
     */
    public record Operation(List<String> headers, List<String> json,
                            @JsonInclude(JsonInclude.Include.NON_NULL) List<String> jsonTypes) {

        static final Operation NONE = new Operation(List.of(), List.of(), List.of());
        static final Operation UNTYPED = new Operation(List.of(), List.of(), null);

        public Operation {
            headers = List.copyOf(headers);
            json = List.copyOf(json);
            jsonTypes = jsonTypes == null ? null : List.copyOf(jsonTypes);
        }
    }

    private static final Set<String> FRAMING = Set.of("content-length", "transfer-encoding");

    /** True for a header naming how the answer's body is delimited, which only the gateway may set. */
    static boolean framing(String name) {
        return FRAMING.contains(name.trim().toLowerCase(Locale.ROOT));
    }

    static ResponseTransformerConfig read(ConfigNode node) {
        ResponseTransformerConfig config = new ResponseTransformerConfig(
                node.object("remove").map(n -> operation(n, false, false)).orElse(Operation.UNTYPED),
                node.object("rename").map(n -> operation(n, true, false)).orElse(Operation.UNTYPED),
                node.object("replace").map(n -> operation(n, true, true)).orElse(Operation.NONE),
                node.object("add").map(n -> operation(n, true, true)).orElse(Operation.NONE),
                node.object("append").map(n -> operation(n, true, true)).orElse(Operation.NONE));
        warnFraming(node, "rename", config.rename().headers());
        warnFraming(node, "replace", config.replace().headers());
        warnFraming(node, "add", config.add().headers());
        warnFraming(node, "append", config.append().headers());
        node.finish();
        return config;
    }

    private static Operation operation(ConfigNode node, boolean pairs, boolean typed) {
        List<String> headers = node.texts("headers");
        List<String> json = node.texts("json");
        List<String> types = typed ? node.texts("json_types") : null;
        if (pairs) {
            checkPairs(node, "headers", headers);
            checkPairs(node, "json", json);
            // rename is the one operation of pairs without json_types
            checkHeaderNames(node, headers, !typed);
        }
        for (int i = 0; typed && i < types.size(); i++) {
            if (!List.of("string", "number", "boolean").contains(types.get(i))) {
                node.report().problem(node.path("json_types") + "[" + i + "]", "must be one of boolean, number, string");
            }
        }
        node.finish();
        return new Operation(headers, json, types);
    }

    /** The header a pair sets: its name, and for {@code rename} ({@code old:new}) the new one. */
    static String setHeader(String entry, boolean renaming) {
        int colon = entry.indexOf(':');
        return colon < 0 ? entry : renaming ? entry.substring(colon + 1) : entry.substring(0, colon);
    }

    private static void warnFraming(ConfigNode node, String operation, List<String> headers) {
        for (int i = 0; i < headers.size(); i++) {
            if (framing(setHeader(headers.get(i), operation.equals("rename")))) {
                node.report().warning(node.path(operation) + ".headers[" + i + "]", "the gateway sets the answer's "
                        + "framing (Content-Length, Transfer-Encoding); this rule is ignored");
            }
        }
    }

    /** A header name the answer cannot carry is a problem: sending the answer would fail, every time. */
    private static void checkHeaderNames(ConfigNode node, List<String> headers, boolean renaming) {
        for (int i = 0; i < headers.size(); i++) {
            NameValueEntry entry = new NameValueEntry(headers.get(i));
            if (entry.problem().isEmpty()) {
                String at = node.path("headers") + "[" + i + "]";
                entry.headerProblem(renaming).ifPresent(problem -> node.report().problem(at, problem));
            }
        }
    }

    private static void checkPairs(ConfigNode node, String key, List<String> entries) {
        for (int i = 0; i < entries.size(); i++) {
            String at = node.path(key) + "[" + i + "]";
            // by its position only: the entry may be a credential
            new NameValueEntry(entries.get(i)).problem().ifPresent(problem -> node.report().problem(at, problem));
        }
    }
}
