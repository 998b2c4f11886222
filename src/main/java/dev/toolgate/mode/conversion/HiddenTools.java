package dev.toolgate.mode.conversion;

import dev.toolgate.error.GatewayError;
import dev.toolgate.pipeline.Decision;
import dev.toolgate.pipeline.McpCall;
import dev.toolgate.pipeline.MessagePolicy;
import io.vertx.core.Future;

import java.util.function.Function;

/**
 * A listener's {@code tools/call} of a tool its list hides from the caller (the owning route's {@code acl} or
 * {@code ip-restriction} refuses the caller outright, {@link OwningRoutes#hideRefused}) answers exactly as a
 * name the endpoint does not serve: otherwise a name probe tells hidden tools from names that do not exist,
 * and learns the internal routes behind them. The name is echoed as sent, even when it is the tool's Kong
 * name (an alias): a made-up name is. Runs before the endpoint's other message policies.
 *
 * @param tools   the endpoint's tools
 * @param owners  the routes that own them
 * @param unknown what a call of a name the endpoint does not serve gets from its policies
 */
public record HiddenTools(ToolSet tools, OwningRoutes owners, Function<McpCall, Decision> unknown)
        implements MessagePolicy {

    /** Without tool ACLs, a name the endpoint does not serve is JSON-RPC's {@code -32602 Unknown tool}. */
    public static Decision unknownTool(McpCall call) {
        return new Decision.Reject(new GatewayError.UnknownTool(call.id(), call.tool()));
    }

    @Override
    public Future<Decision> admit(McpCall call) {
        if (!call.isToolCall() || call.tool() == null) {
            return Decision.PROCEED;
        }
        return tools.find(call.tool())
                .filter(tool -> owners.hides(tool, call.exchange()))
                .map(tool -> {
                    call.record().hiddenFromCaller();
                    return Future.succeededFuture(unknown.apply(call.asSent()));
                })
                .orElse(Decision.PROCEED);
    }
}
