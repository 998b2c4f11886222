package dev.toolgate.policy.sizelimit;

import dev.toolgate.error.GatewayError;
import dev.toolgate.error.GatewayException;
import dev.toolgate.pipeline.Decision;
import dev.toolgate.pipeline.Exchange;
import dev.toolgate.pipeline.ExchangePolicy;
import io.vertx.core.Future;
import io.vertx.core.http.HttpVersion;

/**
 * Kong's {@code request-size-limiting}: a declared {@code Content-Length} over the limit is refused
 * before the body is read (413 {@code Request size limit exceeded}); any body is cut at the limit as it
 * arrives (counted inflated, when it is compressed), with the same answer; with
 * {@code require_content_length}, a body without a valid length is refused (411), over HTTP/1.1 and
 * HTTP/2 alike. Unlike Kong, a request with no body at all (an MCP GET stream, a DELETE) needs no
 * {@code Content-Length}.
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
        if (declared == null && config.requireContentLength()
                && exchange.request().version() == HttpVersion.HTTP_2) {
            return bodyless(exchange);
        }
        return Decision.PROCEED;
    }

    /**
     * HTTP/2 has no Transfer-Encoding: a body without a length is one whose stream goes on after its HEADERS
     * frame, which Vert.x does not expose before the body is read. So the body is read (up to the limit, and
     * read once for everyone after): any byte of it, or more than the limit, is a body without a length.
     */
    private static Future<Decision> bodyless(Exchange exchange) {
        return exchange.body().transform(read -> {
            if (read.succeeded() ? read.result().length() > 0 : read.cause() instanceof GatewayException refused
                    && refused.error() instanceof GatewayError.RequestTooLarge) {
                return Decision.reject(new GatewayError.LengthRequired());
            }
            return read.succeeded() ? Decision.PROCEED : Future.failedFuture(read.cause());
        });
    }
}
