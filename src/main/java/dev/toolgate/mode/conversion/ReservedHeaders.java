package dev.toolgate.mode.conversion;

import dev.toolgate.config.ConfigReport;
import dev.toolgate.http.ForwardedHeaders;
import dev.toolgate.http.HttpToken;
import dev.toolgate.mode.ToolSpec;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The request headers a tool may not set, neither from an argument nor as a fixed header: those that
 * would change where or how a call goes (the service decides), proxy credentials (the gateway never
 * sends a client's, and a tool must not invent them), the identity and forwarding headers the gateway
 * asserts, the method, URL, scheme, host and client-address overrides (from an argument), and names that cannot
 * be sent. A name with underscores is read as the same name with dashes.
 */
public final class ReservedHeaders {

    /** Hop-by-hop credentials for a proxy in between: {@link ForwardedHeaders} never passes a client's on. */
    private static final Set<String> PROXY_CREDENTIALS = Set.of("proxy-authorization");

    /** Why a tool may not set a header (from an argument; a fixed header may set some of them). */
    private enum Reason { UNSENDABLE, FRAMING, PROXY_CREDENTIALS, FORWARDING, IDENTITY, REROUTING }

    private ReservedHeaders() {
    }

    private static Reason reason(String name) {
        if (!HttpToken.is(name)) {
            return Reason.UNSENDABLE;
        }
        // read with _ as -, as ForwardedHeaders reads it: a CGI/WSGI server takes X_Consumer_Username for
        // X-Consumer-Username, so an argument or fixed header of that name would speak for the consumer
        String lower = ForwardedHeaders.folded(name);
        // the service decides the host, as the gateway decides the framing
        if (lower.equals("host") || ForwardedHeaders.framing(lower)) {
            return Reason.FRAMING;
        }
        if (PROXY_CREDENTIALS.contains(lower)) {
            return Reason.PROXY_CREDENTIALS;
        }
        if (ForwardedHeaders.identity(lower)) {
            return Reason.IDENTITY;
        }
        // before rerouting, which covers every X-Forwarded-*: those the gateway sets say so
        if (ForwardedHeaders.gatewaySet(lower)) {
            return Reason.FORWARDING;
        }
        return ForwardedHeaders.rerouting(lower) ? Reason.REROUTING : null;
    }

    /**
     * Why a header parameter named {@code name} cannot be a tool argument, or null when it can. A
     * written tool with one is a configuration problem; an OpenAPI document's operation leaves the
     * parameter out (one odd parameter must not fail a third party's whole document).
     */
    public static String refusal(String name) {
        Reason reason = reason(name);
        if (reason == null) {
            return null;
        }
        return switch (reason) {
            // sending it would fail every call (or be refused by the client library) at the last moment
            case UNSENDABLE -> "header '" + name + "' is not a valid header name (letters, digits and " + HttpToken.SYMBOLS
                    + " only)";
            case FRAMING -> "header " + name + " cannot be set by a tool argument";
            case PROXY_CREDENTIALS -> "header " + name + " cannot be set by a tool argument (the gateway never forwards "
                    + "proxy credentials)";
            case FORWARDING, IDENTITY -> "header " + name + " cannot be set by a tool argument (the gateway sets it)";
            case REROUTING -> "header " + name + " cannot be set by a tool argument (it would change the method, path, "
                    + "scheme, host or client address the service sees; a fixed header may set it)";
        };
    }

    /** Whether a fixed header of this name is sent (checkFixed refuses it otherwise). */
    static boolean fixable(String name) {
        Reason reason = reason(name);
        return reason == null || reason == Reason.PROXY_CREDENTIALS || reason == Reason.FORWARDING
                || reason == Reason.REROUTING;
    }

    /**
     * Reports the fixed headers of a tool that it may not set, or whose values could split the request.
     * A fixed header is sent after the gateway's own headers and replaces them. The operator writes it, so
     * forwarding headers ({@code X-Forwarded-Proto: https} behind a TLS terminator) and proxy credentials
     * are the operator's to send, as Kong sends them; an identity header is not: every caller would reach
     * the upstream as the consumer the configuration names, whoever authenticated.
     */
    static void checkFixed(ToolSpec spec, String at, ConfigReport report) {
        for (Map.Entry<String, List<String>> header : spec.headers().entrySet()) {
            String name = header.getKey();
            Reason reason = reason(name);
            String refused = reason == null ? null : switch (reason) {
                case UNSENDABLE -> "is not a valid header name (letters, digits and " + HttpToken.SYMBOLS
                        + " only): rename or remove it";
                case FRAMING -> "cannot be set (the service decides the upstream host and framing)";
                case PROXY_CREDENTIALS, FORWARDING, REROUTING -> null;
                case IDENTITY -> "cannot be set (the gateway asserts the authenticated consumer): remove it; "
                        + "to tell the upstream who calls, authenticate on the route";
            };
            if (refused != null) {
                report.problem(at + ".headers." + name, refused);
            }
            for (String value : header.getValue()) {
                if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
                    report.problem(at + ".headers." + name, "must not contain line breaks");
                }
            }
        }
    }
}
