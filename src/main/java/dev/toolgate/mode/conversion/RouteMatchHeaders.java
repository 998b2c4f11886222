package dev.toolgate.mode.conversion;

import dev.toolgate.config.Route;
import dev.toolgate.mode.ToolSpec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fixed headers of a tool that sets none: Kong's default, "extracted from Route". Kong replays a tool
 * call through its router, so the call carries the route's {@code headers} match values and they reach
 * the upstream; an upstream behind {@code headers: {x-tenant: [acme]}} counts on that. Of several values
 * the first is sent (Kong wants {@code tools[].headers} set when the match is not exact); a header matched
 * only by regexes has no value to send, and one a tool may not fix (framing, the gateway's identity
 * headers) is not sent.
 */
final class RouteMatchHeaders {

    private RouteMatchHeaders() {
    }

    /** The tool's own {@code headers} when it sets some, else the route's first literal match values. */
    static Map<String, List<String>> of(ToolSpec spec, Route route) {
        if (!spec.headers().isEmpty()) {
            return spec.headers();
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        route.headers().forEach((name, values) -> values.stream()
                .filter(value -> !value.startsWith(Route.HEADER_REGEX) && value.indexOf('\r') < 0
                        && value.indexOf('\n') < 0)
                .findFirst()
                .filter(value -> ReservedHeaders.fixable(name))
                .ifPresent(value -> headers.put(name, List.of(value))));
        return headers;
    }
}
