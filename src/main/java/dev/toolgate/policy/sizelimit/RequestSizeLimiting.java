package dev.toolgate.policy.sizelimit;

import dev.toolgate.error.GatewayError;
import dev.toolgate.pipeline.Decision;
import dev.toolgate.pipeline.Exchange;
import dev.toolgate.pipeline.ExchangePolicy;
import io.vertx.core.Future;

/**
 * Kong's {@code request-size-limiting}: a declared {@code Content-Length} over the limit is refused
 * before the body is read (413 {@code Request size limit exceeded}); any body is cut at the limit as it
 * arrives (counted inflated, when it is compressed), with the same answer; with
 * {@code require_content_length}, a body without a valid length is refused (411). Unlike Kong, a request with no body at all (an MCP GET stream, a
 * DELETE) needs no {@code Content-Length}.
 */
final class RequestSizeLimiting implements ExchangePolicy {

    private final RequestSizeLimitingConfig config;
    private final long limit;

    RequestSizeLimiting(RequestSizeLimitingConfig config) {
        this.config = config;
        this.limit = config.bytes();
    }

    @Override
    public Future<Decision> admit(Exchange exchange) {
        String declared = exchange.header("content-length");
        if (declared != null) {
            long length;
            try {
                length = Long.parseLong(declared.trim());
            } catch (NumberFormatException e) {
                length = -1;
            }
            if (length < 0) {
                return config.requireContentLength() ? Decision.reject(new GatewayError.LengthRequired())
                        : Decision.reject(new GatewayError.InvalidMessage(null, "Content-Length is not a number"));
            }
            if (length > limit) {
                return Decision.reject(new GatewayError.RequestTooLarge());
            }
        } else if (config.requireContentLength() && exchange.header("transfer-encoding") != null) {
            return Decision.reject(new GatewayError.LengthRequired());
        }
        // a declared length counts the bytes as sent: a gzip body inflates past it, and the inflated bytes
        // are what the gateway reads and forwards, so they are counted too
        exchange.limitBody(limit, new GatewayError.RequestTooLarge());
        return Decision.PROCEED;
    }
}
