package dev.toolgate.policy.ratelimit;

import dev.toolgate.cluster.Counters;
import dev.toolgate.cluster.Period;
import dev.toolgate.cluster.Usage;
import dev.toolgate.digest.Digests;
import dev.toolgate.error.GatewayError;
import dev.toolgate.http.Router;
import dev.toolgate.logging.LogThrottle;
import dev.toolgate.pipeline.Decision;
import dev.toolgate.pipeline.Exchange;
import dev.toolgate.pipeline.ExchangePolicy;
import dev.toolgate.pipeline.Principal;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * Kong's {@code rate-limiting} on one route: each HTTP request is counted against the fixed windows of
 * whom it belongs to ({@code limit_by}); a request that finds a window used up is refused with the
 * plugin's {@code error_code} and {@code Retry-After}, and is not counted. Every answer carries Kong's
 * headers: {@code X-RateLimit-Limit-<Window>} and {@code X-RateLimit-Remaining-<Window>} for each
 * window, and {@code RateLimit-Limit}, {@code -Remaining}, {@code -Reset} for the window closest to
 * running out. Counts are keyed, as Kong keys them, by the plugin's route and service and the
 * identifier, so a global plugin counts a consumer across routes.
 */
final class RateLimiting implements ExchangePolicy {

    private static final Logger LOG = LoggerFactory.getLogger(RateLimiting.class);
    /** Header names by window, made once: every answer carries them. */
    private static final String[] LIMIT = new String[Period.values().length];
    private static final String[] REMAINING = new String[Period.values().length];

    static {
        for (Period period : Period.values()) {
            LIMIT[period.ordinal()] = "X-RateLimit-Limit-" + period.title();
            REMAINING[period.ordinal()] = "X-RateLimit-Remaining-" + period.title();
        }
    }

    private final RateLimitingConfig config;
    private final Counters counters;
    /** Kong's key prefix (the plugin's route and service ids) with the {@code limit_by}, and its fallback to the address. */
    private final String byIdentifier;
    private final String byAddress;
    /** Counters that cannot be reached get a line every 10 s, not one a request. */
    private final LogThrottle unavailableLines = new LogThrottle(Duration.ofSeconds(10), LogThrottle::monotonicMillis);

    /** @param scope Kong's key prefix: the plugin's route and service ids */
    RateLimiting(RateLimitingConfig config, Counters counters, String scope) {
        this.config = config;
        this.counters = counters;
        this.byIdentifier = scope + "|" + config.limitBy() + ":";
        this.byAddress = scope + "|ip:";
    }

    @Override
    public Future<Decision> admit(Exchange exchange) {
        return counters.hit(key(exchange), config.windows()).transform(counted -> {
            if (counted.failed()) {
                return unavailable(counted.cause());
            }
            Usage usage = counted.result();
            if (!config.hideClientHeaders()) {
                headers(exchange.answerHead().headers(), usage);
            }
            if (usage.allowed()) {
                return Decision.PROCEED;
            }
            return Decision.reject(new GatewayError.RateLimited(config.errorCode(), config.errorMessage(),
                    config.hideClientHeaders() ? null : usage.resetSeconds()));
        });
    }

    /** Kong: without the counters, a fault-tolerant plugin lets the request through, headers and all unset. */
    private Future<Decision> unavailable(Throwable cause) {
        if (unavailableLines.due(1) > 0) {
            LOG.error("rate-limiting: failed to get usage ({}); {}", cause.toString(),
                    config.faultTolerant() ? "requests pass uncounted (fault_tolerant)" : "requests are refused");
        }
        return config.faultTolerant() ? Decision.PROCEED : Decision.reject(new GatewayError.LimitsUnavailable());
    }

    static void headers(MultiMap headers, Usage usage) {
        for (Map.Entry<Period, Long> window : usage.windows().limits().entrySet()) {
            headers.set(LIMIT[window.getKey().ordinal()], window.getValue().toString());
            headers.set(REMAINING[window.getKey().ordinal()],
                    usage.remaining().getOrDefault(window.getKey(), 0L).toString());
        }
        Period tightest = usage.tightest();
        headers.set("RateLimit-Limit", usage.windows().limits().get(tightest).toString());
        headers.set("RateLimit-Remaining", usage.remaining().get(tightest).toString());
        headers.set("RateLimit-Reset", Long.toString(usage.resetSeconds()));
    }

    /** Whom the request is counted for (Kong's {@code get_identifier}); the client's address when unknown. */
    private String key(Exchange exchange) {
        Principal caller = exchange.principal();
        String identifier = switch (config.limitBy()) {
            case "consumer" -> caller.consumer() != null ? caller.consumer().id()
                    : caller.credential() != null ? caller.credential().id() : null;
            case "credential" -> caller.credential() != null ? caller.credential().id() : null;
            case "service" -> exchange.route().serviceId();
            case "header" -> headerIdentifier(exchange, caller);
            // the path as the router matched it: /./mcp and /%2e/mcp are /mcp, and must not escape its count
            case "path" -> config.path().equals(Router.normalize(exchange.request().path())) ? config.path() : null;
            case "consumer-group" -> caller.consumerGroups().stream().sorted().findFirst().orElse(null);
            default -> null;
        };
        return identifier != null ? byIdentifier + identifier : byAddress + exchange.clientAddress();
    }

    /**
     * The header as it goes upstream: a client's own X-Consumer-Username or claim header is not whom it counts
     * for. The header a token authenticated the request in counts per token, as Kong, which reads the header
     * the client sent ({@code kong.request.get_header}; its jwt never removes the token), counts per value: by
     * the token as the plugin read it (so {@code bearer T} and {@code Bearer  T} are {@code Bearer T}'s count),
     * never the one a token exchange put in its place, and by its digest (one secret signs many tokens, each
     * with its count in Kong). Another credential header the gateway consumed goes nowhere: key-auth's key is
     * counted per credential (the key is the credential, and stays out of the counters and Redis). Any other
     * value counts by its digest too: a header no plugin reads may still be a secret the upstream reads (an API
     * key of its own), and Kong's raw value in its Redis keys would be readable by whoever lists them.
     */
    private String headerIdentifier(Exchange exchange, Principal caller) {
        String name = config.headerName();
        String lower = name.toLowerCase(Locale.ROOT);
        if (caller.credential() == null || exchange.credentials().assertedHeaders().contains(lower)) {
            return valueDigest(exchange.upstreamHeader(name));
        }
        String token = exchange.credentials().presentedToken(name);
        if (token != null) {
            // a line break no header value holds: a client cannot send a value that names these counts
            return "\ntoken " + Digests.sha256Hex(token);
        }
        if (!exchange.credentials().headers().contains(lower)) {
            return valueDigest(exchange.upstreamHeader(name));
        }
        String sent = exchange.request().getHeader(name);
        return sent == null || "key-auth".equals(caller.credential().plugin())
                ? "\ncredential " + caller.credential().id()
                : "\ntoken " + Digests.sha256Hex(sent);
    }

    /** A header value's count under its SHA-256, never the value; null (the address's count) for none. */
    private static String valueDigest(String value) {
        // a prefix of its own: a value's count is never a token's or a credential's
        return value == null ? null : "\nvalue " + Digests.sha256Hex(value);
    }
}
