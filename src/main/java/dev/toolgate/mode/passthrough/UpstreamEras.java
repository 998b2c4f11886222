package dev.toolgate.mode.passthrough;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.error.GatewayError;
import dev.toolgate.error.GatewayException;
import dev.toolgate.mcp.Json;
import dev.toolgate.mcp.JsonRpc;
import dev.toolgate.mcp.ModernMeta;
import dev.toolgate.mcp.ProtocolVersion;
import dev.toolgate.pipeline.Exchange;
import io.vertx.core.Future;

import java.time.InstantSource;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * Which eras a passthrough route's server speaks ({@code server.upstream_era}): told by the
 * configuration, or found out ({@code auto}) by asking it as a client of each era would, on behalf of
 * the first client that needs the answer. Modern: a {@code server/discover} whose answer is a
 * {@code DiscoverResult} or a recognized modern error (-32020, -32021, -32022, -32602 with HTTP 400,
 * -32601 with 404) says yes, any other 2xx, 400, 422, 404, 405 or "method not found" says no. Legacy (asked only of a
 * modern server, since a server that is not modern is legacy): an {@code initialize} that is answered says yes, a
 * 2xx or one of those refusals says no (a session the answer opened is ended at once, whatever the answer said).
 * Any other answer (401, 403, 407 as for the TypeScript SDK's probe; 408, 409, 413, 429: this moment or this caller,
 * whatever JSON-RPC code rides on them; 406, 415: the Accept and Content-Type both eras send; 5xx) or none says nothing
 * and is not remembered: the client's request is then forwarded as it is, and the next one asks again. A 429 is passed
 * on instead: the client is refused as retryable ({@code upstream_rate_limited}, with the server's Retry-After), and
 * its request is not sent to a server that just said it has too many.
 *
 * <p>A finding holds for the path it was made at ({@link Place}), for {@link #REMEMBER_MILLIS}: a prefix
 * route serves every path under it, and what the server says at one (a 404 at {@code /mcp/nowhere}) says
 * nothing of another. One made for a request with a query is not kept (the client chose what else the
 * server was told). At most {@link #PLACES} paths are kept, the one found out longest ago dropped: a client
 * naming many paths costs probes. A bridged legacy session is known by its id ({@link LegacyBridge#issued}), not by
 * a finding, so a dropped finding ends none.
 */
final class UpstreamEras {

    static final long REMEMBER_MILLIS = 300_000;
    static final int PLACES = 64;

    /** What {@code server/discover} found: modern or not, and the server's {@code DiscoverResult} when it gave one. */
    private record Modern(boolean modern, ObjectNode discovered) {
    }

    /** What is known of one path: each finding with when it was made (null: nothing yet). */
    private record Known(Modern modern, long modernAt, Boolean legacy, long legacyAt) {
        static final Known NOTHING = new Known(null, 0, null, 0);

        long lastAt() {
            return Math.max(modernAt, legacyAt);
        }
    }

    private final String configured;
    private final InstantSource clock;
    /** Read on every legacy request of an {@code auto} route, by every event loop: no lock on the way. */
    private final Map<String, Known> places = new ConcurrentHashMap<>();

    /** @param configured {@code auto}, {@code legacy} or {@code modern} */
    UpstreamEras(String configured, InstantSource clock) {
        this.configured = configured;
        this.clock = clock;
    }

    /**
     * Where an exchange's findings are looked up: its path. What its own probe finds is kept there only when the
     * request has no query: the client chose what else the server was told, and could make it answer anything.
     */
    record Place(String path, boolean keeps) {

        static Place of(Exchange exchange) {
            String query = exchange.request().query();
            return new Place(exchange.request().path(), query == null || query.isEmpty());
        }
    }

    /** True when modern clients go to the server as they are; false when they are bridged. */
    Future<Boolean> speaksModern(Place place, UpstreamLink link) {
        return switch (configured) {
            case "legacy" -> Future.succeededFuture(false);
            case "modern" -> Future.succeededFuture(true);
            default -> modern(place, link).map(found -> found == null || found.modern());
        };
    }

    /** True when legacy clients go to the server as they are; false when they are bridged. */
    Future<Boolean> speaksLegacy(Place place, UpstreamLink link) {
        return switch (configured) {
            case "legacy" -> Future.succeededFuture(true);
            case "modern" -> Future.succeededFuture(false);
            default -> {
                Boolean known = speaksLegacyKnown(place);
                if (known != null) {
                    yield Future.succeededFuture(known);
                }
                yield modern(place, link).compose(found -> found == null || !found.modern()
                        ? Future.succeededFuture(true) : initialize(place, link));
            }
        };
    }

    /** What {@link #speaksLegacy} answers without asking the server, or null when it would ask. */
    Boolean speaksLegacyKnown(Place place) {
        return switch (configured) {
            case "legacy" -> true;
            case "modern" -> false;
            default -> {
                Known known = known(place);
                if (known.legacy() != null && fresh(known.legacyAt())) {
                    yield known.legacy();
                }
                // a server found not to speak 2026-07-28 speaks the legacy era: speaksLegacy answers so without asking
                yield known.modern() != null && !known.modern().modern() && fresh(known.modernAt()) ? true : null;
            }
        };
    }

    /**
     * What the gateway knows now of {@code place}, without asking: false only when the server was found
     * there (or is configured) to speak 2026-07-28 alone.
     */
    boolean knownLegacy(Place place) {
        return switch (configured) {
            case "modern" -> false;
            case "legacy" -> true;
            default -> !Boolean.FALSE.equals(known(place).legacy());
        };
    }

    /** The server's {@code DiscoverResult} at {@code place} (asked once, then remembered), or null when it gave none. */
    Future<ObjectNode> discovered(Place place, UpstreamLink link) {
        return modern(place, link).map(found -> found == null ? null : found.discovered());
    }

    private boolean fresh(long at) {
        return clock.millis() - at < REMEMBER_MILLIS;
    }

    private Known known(Place place) {
        return places.getOrDefault(place.path(), Known.NOTHING);
    }

    /** Keeps a finding; past {@link #PLACES} paths, the one whose last finding is oldest is dropped. */
    private void remember(Place place, UnaryOperator<Known> finding) {
        if (!place.keeps()) {
            return;
        }
        places.compute(place.path(), (path, known) -> finding.apply(known == null ? Known.NOTHING : known));
        while (places.size() > PLACES) {
            places.entrySet().stream().min(Comparator.comparingLong(e -> e.getValue().lastAt()))
                    .ifPresent(oldest -> places.remove(oldest.getKey(), oldest.getValue()));
        }
    }

    /** What the modern probe found at {@code place}: remembered, else asked now (null: nothing learned). */
    private Future<Modern> modern(Place place, UpstreamLink link) {
        Known known = known(place);
        return known.modern() != null && fresh(known.modernAt()) ? Future.succeededFuture(known.modern())
                : discover(place, link);
    }

    /** Sends {@code server/discover}; completes with what it found (null: nothing learned). */
    private Future<Modern> discover(Place place, UpstreamLink link) {
        ObjectNode params = Json.object();
        ObjectNode meta = params.putObject("_meta");
        meta.put(ModernMeta.PROTOCOL_VERSION, ProtocolVersion.FIRST_MODERN);
        meta.putObject(ModernMeta.CLIENT_INFO).put("name", "toolgate-era-probe").put("version", "1");
        meta.putObject(ModernMeta.CLIENT_CAPABILITIES);
        ObjectNode request = JsonRpc.notification("server/discover", params);
        request.put("id", "toolgate-era-probe");
        return UpstreamLink.firstResponse(link.post(request, null, ProtocolVersion.FIRST_MODERN), request.get("id"))
                .map(answer -> {
                    refuseIfRateLimited(answer);
                    Boolean verdict = verdict(answer.status(), answer.json());
                    if (verdict == null) {
                        return (Modern) null;
                    }
                    JsonNode result = answer.json() == null ? null : answer.json().get("result");
                    Modern found = new Modern(verdict, verdict && result instanceof ObjectNode r ? r : null);
                    long now = clock.millis();
                    remember(place, k -> new Known(found, now, k.legacy(), k.legacyAt()));
                    return found;
                })
                .recover(RateLimitedProbe::passOn);
    }

    /**
     * Sends {@code initialize} to a modern server: does it also serve legacy clients? Whatever the answer says, a
     * session it names is ended at once: nobody else knows of it, and the server would keep it until its own timeout.
     */
    private Future<Boolean> initialize(Place place, UpstreamLink link) {
        ObjectNode params = Json.object();
        params.put("protocolVersion", ProtocolVersion.LATEST);
        params.putObject("capabilities");
        params.putObject("clientInfo").put("name", "toolgate-era-probe").put("version", "1");
        ObjectNode request = JsonRpc.notification("initialize", params);
        request.put("id", "toolgate-era-probe");
        return link.post(request, null, null).compose(head -> UpstreamLink.firstResponse(Future.succeededFuture(head),
                request.get("id")).andThen(read -> endProbeSession(link, head, read.succeeded() ? read.result() : null)))
                .map(answer -> {
                    refuseIfRateLimited(answer);
                    boolean answered = agreedVersion(answer) != null;
                    if (!answered && !refusesTheEra(answer.status(), answer.json())) {
                        return true;
                    }
                    long now = clock.millis();
                    remember(place, k -> new Known(k.modern(), k.modernAt(), answered, now));
                    return answered;
                }).recover(failure -> RateLimitedProbe.passOn(failure).map(nothing -> true));
    }

    /**
     * A 429 to a probe says nothing of the era, and forwarding the client's request as it is would only add to what
     * the server already finds too much (or, to a server of the other era, get the client an answer about the era
     * instead): the client is refused as retryable, with the server's {@code Retry-After}.
     */
    private void refuseIfRateLimited(UpstreamLink.Answer answer) {
        if (answer.status() == 429) {
            throw new GatewayException(new GatewayError.UpstreamRateLimited(
                    RateLimitedProbe.retryAfterSeconds(answer.headers().get("retry-after"), clock)));
        }
    }

    /** Ends the session the probe's answer {@code head} opened, if any (best effort), in the version agreed or asked. */
    private static void endProbeSession(UpstreamLink link, UpstreamLink.Answer head, UpstreamLink.Answer answer) {
        String opened = head.sessionId();
        if (opened != null) {
            String agreed = answer == null ? null : agreedVersion(answer);
            link.delete(opened, agreed == null ? ProtocolVersion.LATEST : agreed);
        }
    }

    /** The {@code protocolVersion} an answer to the probe's {@code initialize} agreed on, or null when it names none. */
    private static String agreedVersion(UpstreamLink.Answer answer) {
        JsonNode version = answer.json() == null ? null : answer.json().path("result").get("protocolVersion");
        return version != null && version.isTextual() ? version.asText() : null;
    }

    /** What an answer to the modern probe says: true modern, false legacy, null nothing. */
    static Boolean verdict(int status, JsonNode body) {
        if (saysNothing(status)) {
            return null;
        }
        if (status / 100 == 2) {
            return body != null && body.path("result").path("supportedVersions").isArray();
        }
        int code = body == null ? 0 : body.path("error").path("code").asInt(0);
        if (code == JsonRpc.HEADER_MISMATCH || code == JsonRpc.MISSING_CLIENT_CAPABILITY
                || code == JsonRpc.UNSUPPORTED_PROTOCOL_VERSION || status == 400 && code == JsonRpc.INVALID_PARAMS
                || status == 404 && code == JsonRpc.METHOD_NOT_FOUND) {
            return true;
        }
        return refusesTheEra(status, body) ? false : null;
    }

    /**
     * Statuses that say nothing of the era, whatever the body: the caller (401, 403, 407), the server's state (409, a
     * session or stream already open), this moment or the server's own limits (408, 413, 429: a JSON-RPC code riding
     * on them, even a modern one, is the refusal's, not an answer to the probe), the server's health (5xx), or a refusal of the Accept or Content-Type the probe
     * sends (406, 415), which are the ones every client of either era must send, so a server refusing them refuses
     * both eras' clients alike.
     */
    private static boolean saysNothing(int status) {
        return status == 401 || status == 403 || status == 406 || status == 407 || status == 408 || status == 409
                || status == 413 || status == 415 || status == 429 || status >= 500;
    }

    /**
     * Whether a probe's answer is about the era it asked in: a 2xx, or a refusal of the request itself (400, 422 for a
     * body the server could not process, 404, 405, or a JSON-RPC error naming the method unknown). Any other status
     * (those that {@linkplain #saysNothing say nothing}) is about this moment or this caller and would hold a modern server legacy (or the reverse) for every client for {@link #REMEMBER_MILLIS}.
     */
    private static boolean refusesTheEra(int status, JsonNode body) {
        return !saysNothing(status) && (status / 100 == 2 || status == 400 || status == 422 || status == 404
                || status == 405 || body != null && body.path("error").path("code").asInt(0) == JsonRpc.METHOD_NOT_FOUND);
    }
}
