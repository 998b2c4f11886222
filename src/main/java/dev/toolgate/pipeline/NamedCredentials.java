package dev.toolgate.pipeline;

import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;

import java.util.List;

/**
 * A policy that reads a credential from request fields of configured names (key-auth's
 * {@code key_names}, jwt's {@code header_names}, {@code uri_param_names} and {@code cookie_names},
 * ai-mcp-oauth2's {@code Authorization}). Logs of its routes mask those names in request headers, the
 * query string and logged payloads' fields whether or not the policy got to read the request (a 401, a
 * request refused before it ran, a key sent in a header and copied into a tool's arguments): a name
 * that is no secret-sounding word, such as {@code tenant}, would otherwise be logged in clear. Nor do
 * they go upstream when the policy does not read the request ({@link #withhold}).
 */
public interface NamedCredentials {

    /** The header, query argument, cookie and body field names a credential may be read from. */
    List<String> credentialNames();

    /**
     * Those of {@link #credentialNames} that name a cookie (jwt's {@code cookie_names}): they travel inside the
     * {@code Cookie} header, so withholding them takes them out of it rather than withholding a header.
     */
    default List<String> cookieNames() {
        return List.of();
    }

    /**
     * Marks those names, where the policy would read them, as consumed without authenticating: for a
     * request the policy lets pass unread. A client's credential goes nowhere upstream whether or not
     * the gateway looked at it (MCP forbids token passthrough).
     */
    Future<Void> withhold(Exchange exchange);

    /**
     * True when this authentication plugin lets the exchange's request pass unread, the plugins before it
     * having found {@code before}: what {@link #skipped} decides, asked without running it (a listener's
     * hiding of tools reads the owning route's chain as its replay would run). False for a plugin that
     * always reads the request.
     */
    boolean skips(Exchange exchange, Principal before);

    /**
     * The decision of an authentication plugin that does not read this request ({@link #skips}), withholding
     * its names, or null when it must read it. Kong forwards what a plugin it skips did not read; here client
     * credentials never go upstream.
     */
    default Future<Decision> skipped(Exchange exchange) {
        return skips(exchange, exchange.principal()) ? withhold(exchange).map(Decision.CONTINUE) : null;
    }

    /**
     * The rule of plugins with {@code run_on_preflight} and {@code anonymous}: a preflight without
     * {@code run_on_preflight}, or, with {@code anonymous} set (authentication plugins are then an "or"), a
     * caller another plugin already identified, is let pass unread.
     */
    static boolean skips(Exchange exchange, Principal before, boolean runOnPreflight, boolean anonymous) {
        boolean preflight = !runOnPreflight && exchange.request().method() == HttpMethod.OPTIONS;
        return preflight || anonymous && before.authenticated();
    }
}
