package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.mcp.Json;
import dev.toolgate.mode.ParameterSpec;

import java.util.Map;

/**
 * A tool call's arguments as its upstream request is made from them: the client's, under the names the tool
 * offers, with the cookie parameters the client's own cookies fill. The client's object is never changed (it is
 * the request's, which the call's log reads); where something is added or renamed, a copy of its top level is,
 * since nothing below it is ever written: a call of megabytes is not copied whole on the event loop.
 */
final class CallArguments {

    private CallArguments() {
    }

    /** The arguments the call sends: {@code arguments} (null for none) renamed and completed. */
    static ObjectNode of(Tool tool, ObjectNode arguments, RequestEncoder.Client caller) {
        return withCookies(tool, withKongNames(tool, arguments == null ? Json.object() : arguments), caller);
    }

    /**
     * Arguments under Kong's name for a parameter ({@code query_filter[status]}) that the tool offers under a portable
     * one ({@code query_filter_status_}: {@link ParameterSpec#argument}), taken as the portable one: a client set up
     * against Kong still sends what it meant, not an argument nothing reads (a filter left out of a bulk update).
     */
    static ObjectNode withKongNames(Tool tool, ObjectNode args) {
        ObjectNode result = args;
        for (ParameterSpec p : tool.request().parameters()) {
            String argument = p.argument();
            String kong = p.kongArgument();
            if (!argument.equals(kong) && args.has(kong) && !args.has(argument)) {
                if (result == args) {
                    result = topLevelCopy(args);
                }
                result.set(argument, result.remove(kong));
            }
        }
        return result;
    }

    /**
     * Cookie parameters the caller did not pass are taken from the client's own cookies (Kong's
     * behaviour for session cookies set by an authentication service), as they stand after
     * authentication: a token cookie {@code jwt} consumed must not come back as an argument. A listener's client
     * holds cookies for the listener's site (its sign-on session), not for the tool's: they fill a call it
     * serves only where client headers may go there, by both the listener and the tool set.
     */
    static ObjectNode withCookies(Tool tool, ObjectNode args, RequestEncoder.Client caller) {
        if (tool.request().replayed() && !tool.request().forwardClientHeaders()) {
            return args;
        }
        Map<String, String> cookies = null;
        ObjectNode result = args;
        for (ParameterSpec p : tool.request().parameters()) {
            if (!"cookie".equals(p.in()) || args.has(p.argument())) {
                continue;
            }
            if (cookies == null) {
                cookies = EncodedHeaders.cookies(caller.cookieHeader());
            }
            String value = cookies.get(p.name());
            if (value != null) {
                if (result == args) {
                    result = topLevelCopy(args);
                }
                result.put(p.argument(), value);
            }
        }
        return result;
    }

    /** A new object holding the same members: renaming or adding one leaves {@code args} as it was. */
    private static ObjectNode topLevelCopy(ObjectNode args) {
        ObjectNode copy = Json.object();
        copy.setAll(args);
        return copy;
    }
}
