package dev.toolgate.mode.passthrough;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.http.UpstreamQuery;
import dev.toolgate.mcp.Json;
import dev.toolgate.mcp.MediaTypes;
import io.vertx.core.buffer.Buffer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * A request body without the credential fields the gateway read from it ({@code key_in_body}):
 * removed from a JSON object's top level or from a form, so they never reach the upstream.
 */
final class ConsumedFields {

    private ConsumedFields() {
    }

    static Buffer without(Buffer body, Set<String> consumed, String contentType) {
        if (consumed.isEmpty() || body.length() == 0) {
            return body;
        }
        if (MediaTypes.is(contentType, "application/x-www-form-urlencoded")) {
            String kept = UpstreamQuery.without(body.toString(StandardCharsets.UTF_8), consumed);
            return kept == null ? Buffer.buffer() : Buffer.buffer(kept);
        }
        try {
            JsonNode tree = Json.parse(body.getBytes());
            if (tree instanceof ObjectNode object) {
                object.remove(consumed);
                return Buffer.buffer(Json.bytes(object));
            }
        } catch (IOException e) {
            // not JSON: the key could not have been read from it
        }
        return body;
    }
}
