package dev.toolgate.policy.requesttransformer;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import dev.toolgate.config.RouteRegex;
import dev.toolgate.http.Router;
import dev.toolgate.pipeline.Exchange;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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
            // the router's engine, so the captures are those of the match that chose the route
            Pattern pattern = COMPILED.computeIfAbsent(routePath, RouteRegex::path);
            Matcher m = pattern.matcher(path);
            if (m.lookingAt()) {
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
