package dev.toolgate.policy.oauth2;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.error.GatewayError;

import java.time.Instant;

/** What checking a token found. */
sealed interface Verdict {

    /**
     * The token is valid.
     *
     * @param claims  its claims (a JWT's payload, or the introspection answer)
     * @param expires when it stops being valid
     */
    record Valid(JsonNode claims, Instant expires) implements Verdict {
    }

    /**
     * The token is not valid: 401.
     *
     * @param reason what is wrong, for {@code error_description}; the gateway's own words, never the token's
     */
    record Invalid(String reason) implements Verdict {
    }

    /**
     * Nothing could decide: the authorization server is unreachable and nothing cached applies: 503.
     *
     * @param server whose outage: the issuer as {@code authorization_servers} lists it, or the introspection endpoint
     * @param detail what failed, for the log only
     */
    record Unavailable(String server, String detail) implements Verdict {
    }

    /**
     * The gateway's calls to the authorization server are all taken (the plugin's, or this client
     * address's share: 503 at once), or the refetch limit holds the key set fetch an unknown key id waited
     * for: the client may retry.
     *
     * @param detail            which limit, for the log only
     * @param retryAfterSeconds when the client may retry ({@code Retry-After})
     */
    record Busy(String detail, long retryAfterSeconds) implements Verdict {

        Busy(String detail) {
            this(detail, GatewayError.AuthorizationBusy.RETRY_AFTER_SECONDS);
        }
    }
}
