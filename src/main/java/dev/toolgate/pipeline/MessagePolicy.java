package dev.toolgate.pipeline;

import io.vertx.core.Future;

/**
 * A policy that runs once per JSON-RPC request of an exchange, after the mode has read it
 * (ai-mcp-proxy's tool ACLs, per-tool limits), in every mode. Event-loop rules as for
 * {@link ExchangePolicy}.
 */
@FunctionalInterface
public interface MessagePolicy {

    /** Decides one request message. */
    Future<Decision> admit(McpCall call);

    /** This policy, then {@code next} for the messages it lets through; either may be null (none). */
    static MessagePolicy then(MessagePolicy first, MessagePolicy next) {
        if (first == null || next == null) {
            return first == null ? next : first;
        }
        return call -> {
            Future<Decision> decided = first.admit(call);
            return decided.isComplete() && decided.succeeded() && decided.result() instanceof Decision.Continue c
                    && c.spent() == Decision.Spent.NOTHING
                    ? next.admit(call)
                    : decided.compose(d -> d instanceof Decision.Continue c ? after(c.spent(), next.admit(call))
                    : Future.succeededFuture(d));
        };
    }

    /**
     * What {@code next} decided, after an earlier policy spent {@code spent}: both spends to take back
     * when it lets the request through; when it refuses, the request is not made, so the earlier spend is
     * taken back now.
     */
    private static Future<Decision> after(Decision.Spent spent, Future<Decision> next) {
        return next.compose(d -> d instanceof Decision.Continue c
                ? Future.succeededFuture(new Decision.Continue(spent.and(c.spent())))
                : spent.takeBack().transform(ignored -> Future.succeededFuture(d)));
    }
}
