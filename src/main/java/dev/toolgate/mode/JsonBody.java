package dev.toolgate.mode;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.error.GatewayError;
import dev.toolgate.error.GatewayException;
import dev.toolgate.mcp.Json;
import io.vertx.core.buffer.Buffer;

import java.io.IOException;

/** An MCP POST body read as JSON, by every endpoint alike. */
public final class JsonBody {

    private JsonBody() {
    }

    /**
     * The body's JSON value.
     *
     * @throws GatewayException {@code MalformedJson} (-32700) for an empty body, one that is not JSON
     *                          (saying where the parser stopped) or one whose objects repeat a key
     */
    public static JsonNode parse(Buffer body) {
        try {
            JsonNode node = Json.parseClientMessage(body.getBytes());
            if (node == null || node.isMissingNode()) {
                throw new GatewayException(new GatewayError.MalformedJson("the body is empty"));
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new GatewayException(new GatewayError.MalformedJson(Json.problem(e)));
        } catch (IOException e) {
            throw new GatewayException(new GatewayError.MalformedJson(e.getMessage()));
        }
    }
}
