package dev.toolgate.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.mcp.Json;
import io.vertx.core.Future;

import java.util.HashMap;
import java.util.Map;

/**
 * What the message policies of one exchange spent letting each of its requests through (its tool's limit), by the
 * request's id, to be given back should the request be refused after all. Confined to the exchange's event loop.
 */
final class Spends {

    /** The spend of an id two requests of one batch carry: nothing is given back for it. */
    private static final Decision.Spent AMBIGUOUS = Future::succeededFuture;

    private Map<String, Decision.Spent> byId;

    /** What letting request {@code id} through spent (nothing too: a later request under the same id must not take its place). */
    void spent(JsonNode id, Decision.Spent spent) {
        if (id != null) {
            if (byId == null) {
                byId = new HashMap<>(2);
            }
            // two requests of one batch under one id: which one a refusal names is unknown, so neither is given back
            // (a refund of the other's spend would let it run uncounted)
            byId.merge(Json.idText(id), spent, (first, second) -> AMBIGUOUS);
        }
    }

    /** Gives back what letting request {@code id} through spent, once. */
    Future<Void> takeBack(JsonNode id) {
        Decision.Spent spent = byId == null || id == null ? null : byId.remove(Json.idText(id));
        return spent == null ? Future.succeededFuture() : spent.takeBack();
    }
}
