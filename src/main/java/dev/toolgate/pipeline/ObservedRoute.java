package dev.toolgate.pipeline;

import dev.toolgate.observe.Origin;
import dev.toolgate.observe.Redaction;
import dev.toolgate.observe.TrafficSink;

import java.util.List;

/**
 * What an MCP route's exchanges report to: the route's facts for labels and logs, the sinks every
 * route has (the live page, the {@code /status} counts) and how secrets are masked. The route's own
 * log plugins come from its {@link PolicyChain}, chosen per caller. The authority and client address its
 * exchanges repeat are kept as one instance each ({@link Recurring}).
 */
public record ObservedRoute(Origin.RouteFacts facts, List<TrafficSink> global, Redaction redaction,
                            Recurring authority, Recurring clientIp) {

    public ObservedRoute {
        global = List.copyOf(global);
    }

    public ObservedRoute(Origin.RouteFacts facts, List<TrafficSink> global, Redaction redaction) {
        this(facts, global, redaction, new Recurring(), new Recurring());
    }
}
