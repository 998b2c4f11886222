package dev.toolgate.mode.passthrough;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.mcp.Json;
import dev.toolgate.mcp.JsonRpc;
import dev.toolgate.mcp.ModernMeta;
import dev.toolgate.mcp.ProtocolVersion;
import io.vertx.core.Future;

import java.time.InstantSource;

/**
 * Which eras a passthrough route's server speaks ({@code server.upstream_era}): told by the
 * configuration, or found out ({@code auto}) by asking it as a client of each era would, on behalf of
 * the first client that needs the answer. Modern: a {@code server/discover} whose answer is a
 * {@code DiscoverResult} or a recognized modern error (-32020, -32021, -32022, -32602 with HTTP 400,
 * -32601 with 404) says yes, any other 4xx says no. Legacy (asked only of a modern server, since a
 * server that is not modern is legacy): an {@code initialize} that is answered says yes (the probe's
 * session is ended at once). 401, 403, 5xx or no answer say nothing, as for the TypeScript SDK's probe,
 * and the client's request is then forwarded as it is. A finding is kept for {@link #REMEMBER_MILLIS}.
 */
final class UpstreamEras {

    static final long REMEMBER_MILLIS = 300_000;

    private final String configured;
    private final InstantSource clock;
    private volatile Boolean modern;
    private volatile ObjectNode discovered;
    private volatile long modernAt;
    private volatile Boolean legacy;
    private volatile long legacyAt;

    /** @param configured {@code auto}, {@code legacy} or {@code modern} */
    UpstreamEras(String configured, InstantSource clock) {
        this.configured = configured;
        this.clock = clock;
    }

    /** True when modern clients go to the server as they are; false when they are bridged. */
    Future<Boolean> speaksModern(UpstreamLink link) {
        return switch (configured) {
            case "legacy" -> Future.succeededFuture(false);
            case "modern" -> Future.succeededFuture(true);
            default -> modern != null && fresh(modernAt) ? Future.succeededFuture(modern)
                    : discover(link).map(found -> found == null || modern == null || modern);
        };
    }

    /** True when legacy clients go to the server as they are; false when they are bridged. */
    Future<Boolean> speaksLegacy(UpstreamLink link) {
        return switch (configured) {
            case "legacy" -> Future.succeededFuture(true);
            case "modern" -> Future.succeededFuture(false);
            default -> {
                if (legacy != null && fresh(legacyAt)) {
                    yield Future.succeededFuture(legacy);
                }
                yield speaksModern(link).compose(isModern -> !isModern || modern == null
                        ? Future.succeededFuture(true) : initialize(link));
            }
        };
    }

    /**
     * What the gateway knows now, without asking: false only when the server was found (or is
     * configured) to speak 2026-07-28 alone.
     */
    boolean knownLegacy() {
        return switch (configured) {
            case "modern" -> false;
            case "legacy" -> true;
            default -> legacy == null || legacy;
        };
    }

    /** The server's {@code DiscoverResult} (asked once, then remembered), or null when it gave none. */
    Future<ObjectNode> discovered(UpstreamLink link) {
        return discovered != null && fresh(modernAt) ? Future.succeededFuture(discovered)
                : discover(link).map(found -> discovered);
    }

    private boolean fresh(long at) {
        return clock.millis() - at < REMEMBER_MILLIS;
    }

    /** Sends {@code server/discover}; completes with the verdict (null: nothing learned). */
    private Future<Boolean> discover(UpstreamLink link) {
        ObjectNode params = Json.object();
        ObjectNode meta = params.putObject("_meta");
        meta.put(ModernMeta.PROTOCOL_VERSION, ProtocolVersion.FIRST_MODERN);
        meta.putObject(ModernMeta.CLIENT_INFO).put("name", "toolgate-era-probe").put("version", "1");
        meta.putObject(ModernMeta.CLIENT_CAPABILITIES);
        ObjectNode request = JsonRpc.notification("server/discover", params);
        request.put("id", "toolgate-era-probe");
        return UpstreamLink.firstResponse(link.post(request, null, ProtocolVersion.FIRST_MODERN), request.get("id"))
                .map(answer -> {
                    Boolean found = verdict(answer.status(), answer.json());
                    if (found != null) {
                        JsonNode result = answer.json() == null ? null : answer.json().get("result");
                        discovered = found && result instanceof ObjectNode r ? r : null;
                        modern = found;
                        modernAt = clock.millis();
                    }
                    return found;
                })
                .otherwise((Boolean) null);
    }

    /** Sends {@code initialize} to a modern server: does it also serve legacy clients? */
    private Future<Boolean> initialize(UpstreamLink link) {
        ObjectNode params = Json.object();
        params.put("protocolVersion", ProtocolVersion.LATEST);
        params.putObject("capabilities");
        params.putObject("clientInfo").put("name", "toolgate-era-probe").put("version", "1");
        ObjectNode request = JsonRpc.notification("initialize", params);
        request.put("id", "toolgate-era-probe");
        return UpstreamLink.firstResponse(link.post(request, null, null), request.get("id")).map(answer -> {
            int status = answer.status();
            if (status == 401 || status == 403 || status == 407 || status >= 500) {
                return true;
            }
            boolean answered = answer.json() != null && answer.json().path("result").path("protocolVersion").isTextual();
            if (answered && answer.sessionId() != null) {
                link.delete(answer.sessionId(), answer.json().at("/result/protocolVersion").asText());
            }
            legacy = answered;
            legacyAt = clock.millis();
            return answered;
        }).otherwise(true);
    }

    /** What an answer to the modern probe says: true modern, false legacy, null nothing. */
    static Boolean verdict(int status, JsonNode body) {
        if (status == 401 || status == 403 || status == 407 || status >= 500) {
            return null;
        }
        if (status / 100 == 2) {
            return body != null && body.path("result").path("supportedVersions").isArray();
        }
        int code = body == null ? 0 : body.path("error").path("code").asInt(0);
        return code == JsonRpc.HEADER_MISMATCH || code == JsonRpc.MISSING_CLIENT_CAPABILITY
                || code == JsonRpc.UNSUPPORTED_PROTOCOL_VERSION || status == 400 && code == JsonRpc.INVALID_PARAMS
                || status == 404 && code == JsonRpc.METHOD_NOT_FOUND;
    }
}
