package dev.toolgate.mode.passthrough;

import dev.toolgate.error.GatewayError;
import dev.toolgate.error.GatewayException;
import io.vertx.core.Future;

import java.time.Instant;
import java.time.InstantSource;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * A protocol-era probe the server refused with 429 ({@link UpstreamEras}): the only failure of a probe its client
 * hears of, since any other (no answer, a broken one) says nothing and the client's request goes as it is.
 */
final class RateLimitedProbe {

    /** The longest wait passed on: a server's Retry-After is the client's to honour, not a reason to stall it a day. */
    static final long MAX_RETRY_AFTER_SECONDS = 3_600;

    private RateLimitedProbe() {
    }

    /** Fails with {@code failure} when it is the server's 429; else completes with null (nothing was learned). */
    static <T> Future<T> passOn(Throwable failure) {
        return failure instanceof GatewayException e && e.error() instanceof GatewayError.UpstreamRateLimited
                ? Future.failedFuture(failure) : Future.succeededFuture();
    }

    /**
     * The seconds a {@code Retry-After} value asks for (RFC 9110 §10.2.3: delay-seconds or an HTTP-date), at most
     * {@link #MAX_RETRY_AFTER_SECONDS}; null when there is none or it cannot be read (no header is then sent on).
     */
    static Long retryAfterSeconds(String value, InstantSource clock) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String text = value.strip();
        if (text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return text.length() > 10 ? MAX_RETRY_AFTER_SECONDS : Math.min(Long.parseLong(text), MAX_RETRY_AFTER_SECONDS);
        }
        try {
            Instant at = ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            long seconds = Math.ceilDiv(at.toEpochMilli() - clock.millis(), 1_000L);
            return Math.clamp(seconds, 0, MAX_RETRY_AFTER_SECONDS);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
