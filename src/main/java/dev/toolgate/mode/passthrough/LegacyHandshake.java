package dev.toolgate.mode.passthrough;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.http.UpstreamException;
import dev.toolgate.mcp.Json;
import dev.toolgate.mcp.JsonRpc;
import dev.toolgate.mcp.ModernMeta;
import dev.toolgate.mcp.ProtocolVersion;
import dev.toolgate.mode.passthrough.LegacySessions.Opened;
import io.vertx.core.Future;

import java.util.function.Function;

/**
 * How the era bridge opens a legacy session for a modern client ({@link LegacySessions}): {@code initialize} with
 * the client's capabilities and info, then {@code notifications/initialized}; a session the server opened but that
 * could not be made ready is ended there at once.
 */
final class LegacyHandshake {

    /**
     * Most characters of the server's refusal passed on (as the conversion modes bound an API's error text):
     * the client and the log need its gist, not the up to 8 MiB a JSON answer may be.
     */
    static final int EXCERPT_CHARS = 2048;

    private LegacyHandshake() {
    }

    /** The modern client's capabilities that a legacy server is told of in {@code initialize}. */
    static ObjectNode forwarded(ModernMeta meta) {
        ObjectNode capabilities = Json.object();
        for (String capability : new String[] {"sampling", "elicitation", "roots", "experimental"}) {
            if (meta.clientCapabilities().has(capability)) {
                capabilities.set(capability, meta.clientCapabilities().get(capability));
            }
        }
        return capabilities;
    }

    /**
     * Opens a session through {@code link} for the client {@code meta} describes.
     *
     * @param opening what is done with the session once the server answered its {@code initialize}, before it is
     *                told the session is initialized (after which it may send requests of its own at once)
     */
    static Future<Opened> initialize(UpstreamLink link, ModernMeta meta, Function<Opened, Future<Void>> opening) {
        ObjectNode params = Json.object();
        params.put("protocolVersion", ProtocolVersion.LATEST);
        params.set("capabilities", forwarded(meta));
        if (meta.clientInfo() != null) {
            params.set("clientInfo", meta.clientInfo());
        } else {
            params.putObject("clientInfo").put("name", "toolgate-era-bridge").put("version", "1");
        }
        ObjectNode request = JsonRpc.notification("initialize", params);
        request.put("id", "toolgate-initialize");
        return UpstreamLink.firstResponse(link.post(request, null, null), request.get("id")).compose(answer -> {
            JsonNode result = answer.json() == null ? null : answer.json().get("result");
            if (!(result instanceof ObjectNode initialized) || !result.path("protocolVersion").isTextual()) {
                return Future.failedFuture(new UpstreamException(UpstreamException.Kind.BROKEN,
                        "the server did not accept initialize: " + (answer.json() == null ? "HTTP " + answer.status()
                                : excerpt(Json.text(answer.json().path("error"))))));
            }
            Opened opened = new Opened(answer.sessionId(), result.get("protocolVersion").asText(), initialized);
            return opening.apply(opened).compose(watched -> link.tell(
                            JsonRpc.notification("notifications/initialized", null), opened.id(), opened.version()))
                    .map(ignored -> opened).onFailure(failure -> {
                        // kept by nobody: ended now, else the server holds it until its own timeout
                        if (opened.id() != null) {
                            link.delete(opened.id(), opened.version());
                        }
                    });
        });
    }

    private static String excerpt(String text) {
        if (text.length() <= EXCERPT_CHARS) {
            return text;
        }
        // never half of a surrogate pair: the client's JSON would carry a lone one
        int end = Character.isHighSurrogate(text.charAt(EXCERPT_CHARS - 1)) ? EXCERPT_CHARS - 1 : EXCERPT_CHARS;
        return text.substring(0, end) + "… (truncated)";
    }
}
