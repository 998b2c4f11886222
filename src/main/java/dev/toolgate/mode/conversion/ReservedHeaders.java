package dev.toolgate.mode.conversion;

import dev.toolgate.config.ConfigReport;
import dev.toolgate.http.ForwardedHeaders;
import dev.toolgate.mode.ToolSpec;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The request headers a tool may not set, neither from an argument nor as a fixed header: they
 * would change where or how a call goes, which the service decides. Arguments may set fewer still:
 * not the identity and forwarding headers the gateway asserts, and no name that cannot be sent.
 */
public final class ReservedHeaders {

    private static final Set<String> NAMES = Set.of("host", "content-length", "transfer-encoding",
            "connection", "keep-alive", "upgrade", "te", "trailer", "proxy-connection", "expect");

    private ReservedHeaders() {
    }

    /** True when {@code name}, in any case, is one of them. */
    static boolean contains(String name) {
        return NAMES.contains(name.toLowerCase(Locale.ROOT));
    }

    /**
     * Why a header parameter named {@code name} cannot be a tool argument, or null when it can. A
     * written tool with one is a configuration problem; an OpenAPI document's operation leaves the
     * parameter out (one odd parameter must not fail a third party's whole document).
     */
    public static String refusal(String name) {
        if (!token(name)) {
            // sending it would fail every call (or be refused by the client library) at the last moment
            return "header '" + name + "' is not a valid header name (letters, digits and !#$%&'*+-.^_`|~ only)";
        }
        if (contains(name)) {
            return "header " + name + " cannot be set by a tool argument";
        }
        if (ForwardedHeaders.gatewaySet(name)) {
            return "header " + name + " cannot be set by a tool argument (the gateway sets it)";
        }
        return null;
    }

    /** RFC 9110's token: what a field name may be. */
    private static boolean token(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** Reports the fixed headers of a tool that are reserved, or whose values could split the request. */
    static void checkFixed(ToolSpec spec, String at, ConfigReport report) {
        for (Map.Entry<String, List<String>> header : spec.headers().entrySet()) {
            if (contains(header.getKey())) {
                report.problem(at + ".headers." + header.getKey(), "cannot be set (the service decides the upstream host and framing)");
            }
            for (String value : header.getValue()) {
                if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
                    report.problem(at + ".headers." + header.getKey(), "must not contain line breaks");
                }
            }
        }
    }
}
