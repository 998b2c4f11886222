package dev.toolgate.pipeline;

import dev.toolgate.observe.Generation;
import dev.toolgate.observe.Origin;
import dev.toolgate.observe.Redaction;
import dev.toolgate.observe.TrafficSink;

import java.util.List;

/**
 * What an MCP route's exchanges report to: the route's facts for labels and logs, the sinks every
 * route has (the live page, the {@code /status} counts), how secrets are masked, and the service's
 * path (the {@code upstream_uri} Kong's router sets before any plugin refuses). The route's own log
 * plugins come from its {@link PolicyChain}, chosen per caller.
 *
 * @param servicePath the route's service's path, or null
 * @param generation  the snapshot's log plugins' parts, kept open while its exchanges run
 */
public record ObservedRoute(Origin.RouteFacts facts, List<TrafficSink> global, Redaction redaction,
                            String servicePath, Generation generation) {

    public ObservedRoute {
        global = List.copyOf(global);
    }
}
