package dev.toolgate.mode.conversion;

import dev.toolgate.pipeline.Exchange;

/** What each caller may see of an endpoint's tools (its tool ACLs applied to the caller). */
@FunctionalInterface
public interface ToolViews {

    /** Every caller sees every tool: an endpoint without tool ACLs. */
    ToolViews ALL = exchange -> ToolView.ALL;

    /** The view of the exchange's caller. */
    ToolView of(Exchange exchange);
}
