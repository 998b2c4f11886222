package dev.toolgate.mode.conversion;

import dev.toolgate.config.Route;
import dev.toolgate.mode.ToolSpec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fixed headers of a tool that sets none: Kong's default, "extracted from Route". Kong replays a tool
 * call through its router, so the call carries the route's {@code headers} match values and they reach
 * the upstream; an upstream behind {@code headers: {x-tenant: [acme]}} counts on that. Only a header the
 * route matches with one literal value is sent: a request through the route carried that very value, so
 * fixing it changes nothing there and completes a listener's replay; of several values none is chosen (a
 * client of the route that sent {@code beta} must not reach the upstream as {@code acme}; Kong wants
 * {@code tools[].headers} set when the match is not exact). A header matched by a regex has no value to
 * send, and one a tool may not fix (framing, the gateway's identity headers) is not sent.
 */
final class RouteMatchHeaders {

    private RouteMatchHeaders() {
    }

    /** The tool's own {@code headers} when it sets some, else the route's single-valued literal matches. */
    static Map<String, List<String>> of(ToolSpec spec, Route route) {
        if (!spec.headers().isEmpty()) {
            return spec.headers();
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        route.headers().forEach((name, values) -> {
            String value = values.size() == 1 ? values.getFirst() : null;
            if (value != null && !value.startsWith(Route.HEADER_REGEX) && value.indexOf('\r') < 0
                    && value.indexOf('\n') < 0 && ReservedHeaders.fixable(name)) {
                headers.put(name, List.of(value));
            }
        });
        return headers;
    }
}
