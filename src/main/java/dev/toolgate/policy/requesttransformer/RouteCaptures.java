package dev.toolgate.policy.requesttransformer;

import dev.toolgate.config.BoundedText;
import dev.toolgate.http.Router;
import dev.toolgate.pipeline.Exchange;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Kong's {@code uri_captures}: the groups a route's regex path captured, by number or name. */
final class RouteCaptures {

    private static final Map<String, Pattern> COMPILED = new ConcurrentHashMap<>();

    private RouteCaptures() {
    }

    /** The capture, or null when the route has no regex path that matched or no such group. */
    static String of(Exchange exchange, String group) {
        String path = Router.normalize(exchange.request().path());
        for (String routePath : exchange.route().paths()) {
            if (!routePath.startsWith("~")) {
                continue;
            }
            Pattern pattern = COMPILED.computeIfAbsent(routePath, p -> Pattern.compile(p.substring(1)));
            // bounded as the router's match of the same path is: past it, no capture
            Matcher m = BoundedText.lookingAt(pattern, path, Router.MAX_REGEX_READS, () -> { });
            if (m != null) {
                try {
                    return Character.isDigit(group.charAt(0)) ? m.group(Integer.parseInt(group)) : m.group(group);
                } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
                    return null;
                }
            }
        }
        return null;
    }
}
