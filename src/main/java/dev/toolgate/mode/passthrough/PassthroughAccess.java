package dev.toolgate.mode.passthrough;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.toolgate.error.GatewayError;
import dev.toolgate.mcp.McpEnvelope;
import dev.toolgate.mode.acl.ToolAccess;
import dev.toolgate.pipeline.Decision;
import dev.toolgate.pipeline.Exchange;
import dev.toolgate.pipeline.McpCall;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A passthrough route's tool ACLs on one exchange: every request message of the body is decided
 * before anything is forwarded (the first refusal answers the exchange; a body that is not JSON-RPC
 * is refused, never forwarded unchecked), and the ids of the
 * caller's {@code tools/list} requests are noted so their answers can be filtered.
 */
final class PassthroughAccess {

    /**
     * What the ACLs made of a request body.
     *
     * @param refused the refusal to answer with, or null when the body may go upstream
     * @param listIds the ids (JSON text) of its {@code tools/list} requests
     */
    record Admitted(GatewayError refused, Set<String> listIds, PassthroughAccess access) {

        /** How the upstream's answer is rewritten for this caller. */
        Relay.Rewrites rewrites(Exchange exchange) {
            if (listIds.isEmpty()) {
                return Relay.Rewrites.NONE;
            }
            Predicate<String> shows = access.access.shows(exchange);
            return (sse, type) -> sse ? ToolListRewrite.sse(listIds, shows, PassthroughProxy.MAX_OBSERVED_BYTES)
                    : ToolListRewrite.json(listIds, shows, PassthroughProxy.MAX_OBSERVED_BYTES);
        }
    }

    private final ToolAccess access;

    PassthroughAccess(ToolAccess access) {
        this.access = access;
    }

    Future<Admitted> admit(Exchange exchange, Buffer body) {
        List<McpEnvelope> messages;
        try {
            messages = body.length() == 0 ? List.of() : McpEnvelope.readAll(body.getBytes(), 0, body.length());
        } catch (JsonProcessingException e) {
            // fail closed: a body the ACLs cannot read is not forwarded unchecked, since a lenient server
            // (one that takes NaN, say) could still read a tool call in it
            return Future.succeededFuture(new Admitted(new GatewayError.MalformedJson(e.getOriginalMessage()),
                    Set.of(), this));
        } catch (IOException e) {
            return Future.succeededFuture(new Admitted(new GatewayError.InvalidMessage(null, e.getMessage()),
                    Set.of(), this));
        }
        Set<String> listIds = new HashSet<>();
        Future<Decision> decided = Decision.PROCEED;
        for (McpEnvelope message : messages) {
            if (!message.isRequest()) {
                continue;
            }
            if ("tools/list".equals(message.method())) {
                listIds.add(message.idText());
            }
            McpCall call = new McpCall(exchange, message.id(), message.method(),
                    "tools/call".equals(message.method()) ? message.tool() : null);
            decided = decided.compose(d -> d instanceof Decision.Continue ? access.admit(call).map(decision -> {
                if (call.isToolCall() && call.tool() != null) {
                    exchange.observation().record(message.idText()).acl(decision instanceof Decision.Continue);
                }
                return decision;
            }) : Future.succeededFuture(d));
        }
        return decided.map(d -> new Admitted(d instanceof Decision.Reject r ? r.error() : null, listIds, this));
    }
}
