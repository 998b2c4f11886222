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
 * Whether a passthrough route's server speaks the modern era ({@code server.upstream_era}): told by
 * the configuration, or found out ({@code auto}) by sending it a {@code server/discover} as a modern
 * client would, on behalf of the first modern client. A {@code DiscoverResult}, or a recognized modern
 * error (-32020, -32021, -32022, -32602 with HTTP 400, -32601 with 404), says modern; any other 4xx
 * says legacy; 401, 403, 5xx or no answer say nothing (as for the TypeScript SDK's probe) and the
 * client's request is forwarded as it is. A finding is kept for {@link #REMEMBER_MILLIS}.
 */
final class UpstreamEras {

    static final long REMEMBER_MILLIS = 300_000;

    private final String configured;
    private final InstantSource clock;
    private volatile Boolean modern;
    private volatile long foundAt;

    /** @param configured {@code auto}, {@code legacy} or {@code modern} */
    UpstreamEras(String configured, InstantSource clock) {
        this.configured = configured;
        this.clock = clock;
    }

    /** True when modern clients go to the server as they are; false when they are bridged. */
    Future<Boolean> speaksModern(UpstreamLink link) {
        switch (configured) {
            case "legacy" -> {
                return Future.succeededFuture(false);
            }
            case "modern" -> {
                return Future.succeededFuture(true);
            }
            default -> {
                Boolean known = modern;
                if (known != null && clock.millis() - foundAt < REMEMBER_MILLIS) {
                    return Future.succeededFuture(known);
                }
                return probe(link);
            }
        }
    }

    private Future<Boolean> probe(UpstreamLink link) {
        ObjectNode params = Json.object();
        ObjectNode meta = params.putObject("_meta");
        meta.put(ModernMeta.PROTOCOL_VERSION, ProtocolVersion.FIRST_MODERN);
        meta.putObject(ModernMeta.CLIENT_INFO).put("name", "toolgate-era-probe").put("version", "1");
        meta.putObject(ModernMeta.CLIENT_CAPABILITIES);
        ObjectNode discover = JsonRpc.notification("server/discover", params);
        discover.put("id", "toolgate-era-probe");
        return EraBridge.single(link.post(discover, null, ProtocolVersion.FIRST_MODERN), discover.get("id"), link)
                .map(answer -> {
                    Boolean found = verdict(answer.status(), answer.json());
                    if (found != null) {
                        modern = found;
                        foundAt = clock.millis();
                    }
                    return found == null || found;
                })
                .otherwise(true);
    }

    /** What an answer to the probe says: true modern, false legacy, null nothing. */
    static Boolean verdict(int status, JsonNode body) {
        if (status == 401 || status == 403 || status == 407 || status >= 500) {
            return null;
        }
        if (status / 100 == 2) {
            return body != null && body.path("result").path("supportedVersions").isArray();
        }
        int code = body == null ? 0 : body.path("error").path("code").asInt(0);
        boolean recognized = code == JsonRpc.HEADER_MISMATCH || code == JsonRpc.MISSING_CLIENT_CAPABILITY
                || code == JsonRpc.UNSUPPORTED_PROTOCOL_VERSION || status == 400 && code == JsonRpc.INVALID_PARAMS
                || status == 404 && code == JsonRpc.METHOD_NOT_FOUND;
        return recognized;
    }
}
