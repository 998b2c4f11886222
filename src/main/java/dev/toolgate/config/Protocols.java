package dev.toolgate.config;

import java.util.List;

/**
 * Kong's {@code protocols} of a route or a plugin, read where Toolgate serves HTTP alone: each value must be
 * one Kong has, and a list naming neither http nor https is refused, since Kong would never apply the entity
 * to the requests Toolgate serves.
 */
final class Protocols {

    private static final List<String> HTTP_ONES = List.of("http", "https");

    private Protocols() {
    }

    /**
     * @param known   the values Kong accepts here
     * @param neither why a list without http and https is refused (the problem's message, after the fact)
     * @return the list read, or {@code [http, https]} when absent
     */
    static List<String> read(ConfigNode node, List<String> known, String neither) {
        List<String> protocols = node.has("protocols") ? node.texts("protocols") : HTTP_ONES;
        for (int i = 0; i < protocols.size(); i++) {
            if (!known.contains(protocols.get(i))) {
                node.report().problem(node.path("protocols") + "[" + i + "]", "must be one of " + String.join(", ", known));
            }
        }
        if (protocols.stream().noneMatch(HTTP_ONES::contains)) {
            node.problem("protocols", "names neither http nor https: " + neither);
        }
        return protocols;
    }
}
