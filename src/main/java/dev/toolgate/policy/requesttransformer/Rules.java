package dev.toolgate.policy.requesttransformer;

import dev.toolgate.pipeline.Exchange;

import java.util.ArrayList;
import java.util.List;

/**
 * The compiled rules of one target (headers, query or body), in Kong's order: remove, rename,
 * replace, add, append. Values are rendered per request; a value that renders empty, or with a
 * line break or control character (a header or query value of the client's fed through a
 * template), is left out rather than sent.
 *
 * @param remove  names to remove
 * @param rename  old name → new name
 * @param replace name → value, where present
 * @param add     name → value, where absent
 * @param append  name → value, always
 */
record Rules(List<String> remove, List<Entry> rename, List<Entry> replace, List<Entry> add, List<Entry> append) {

    /** One {@code name:value} rule. */
    record Entry(String name, Template value) {

        /** The value for this request, or null when it must not be sent. */
        String render(Exchange exchange) {
            String text = value.render(exchange);
            if (text.isEmpty()) {
                return null;
            }
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c < 0x20 && c != '\t' || c == 0x7f) {
                    return null;
                }
            }
            return text;
        }
    }

    static Rules of(List<String> remove, List<String> rename, List<String> replace, List<String> add,
                    List<String> append) {
        return new Rules(List.copyOf(remove), entries(rename), entries(replace), entries(add), entries(append));
    }

    boolean isEmpty() {
        return remove.isEmpty() && rename.isEmpty() && replace.isEmpty() && add.isEmpty() && append.isEmpty();
    }

    private static List<Entry> entries(List<String> pairs) {
        List<Entry> entries = new ArrayList<>(pairs.size());
        for (String pair : pairs) {
            int colon = pair.indexOf(':');
            if (colon <= 0) {
                continue; // reported when the configuration was read
            }
            entries.add(new Entry(pair.substring(0, colon), Template.parse(pair.substring(colon + 1))));
        }
        return List.copyOf(entries);
    }
}
