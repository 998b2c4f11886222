package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import dev.toolgate.http.UpstreamClient;
import dev.toolgate.http.UpstreamException;
import dev.toolgate.mcp.Json;
import dev.toolgate.mode.ParameterSpec;
import io.vertx.core.Future;

import java.util.List;
import java.util.Map;

/**
 * Runs one {@code tools/call}: validate the arguments against the compiled input schema, encode the
 * upstream request, send it, map the answer. Every failure of the call is a tool result with
 * {@code isError: true}; the future itself never fails.
 */
public final class ToolInvoker {

    /** The largest upstream answer a tool call reads. */
    public static final int MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

    private final UpstreamClient client;

    public ToolInvoker(UpstreamClient client) {
        this.client = client;
    }

    /**
     * @param arguments the call's {@code arguments} (an object, or null for none)
     * @param caller    the MCP request's headers and addresses
     * @param cancelled completes when the client cancels or goes away
     */
    Future<ObjectNode> call(Tool tool, ObjectNode arguments, RequestEncoder.Client caller, Future<?> cancelled) {
        ObjectNode args = withCookieArguments(tool, arguments == null ? Json.object() : arguments, caller);
        String numbers = ArgumentNumbers.problem(tool.request().parameters(), args);
        if (numbers != null) {
            return Future.succeededFuture(ResultMapper.invalidArguments(tool.name(), numbers));
        }
        List<Error> errors = tool.inputValidator().get().validate(args);
        if (!errors.isEmpty()) {
            return Future.succeededFuture(ResultMapper.invalidArguments(tool.name(), errors));
        }
        return switch (RequestEncoder.encode(tool.request(), args, caller, MAX_RESPONSE_BYTES)) {
            case RequestEncoder.Encoded.Rejected r -> Future.succeededFuture(ResultMapper.error(r.message()));
            case RequestEncoder.Encoded.Ready ready -> client.send(ready.request(), cancelled)
                    .map(response -> ResultMapper.fromResponse(tool, response))
                    .recover(t -> Future.succeededFuture(ResultMapper.fromFailure(
                            UpstreamException.from(t, ready.request().target()))));
        };
    }

    /**
     * Cookie parameters the caller did not pass are taken from the client's own cookies (Kong's
     * behaviour for session cookies set by an authentication service).
     */
    private static ObjectNode withCookieArguments(Tool tool, ObjectNode args, RequestEncoder.Client caller) {
        Map<String, String> cookies = null;
        ObjectNode result = args;
        for (ParameterSpec p : tool.request().parameters()) {
            if (!"cookie".equals(p.in()) || args.has(p.argument())) {
                continue;
            }
            if (cookies == null) {
                cookies = RequestEncoder.cookies(caller.headers().get("cookie"));
            }
            String value = cookies.get(p.name());
            if (value != null) {
                if (result == args) {
                    result = args.deepCopy();
                }
                result.put(p.argument(), value);
            }
        }
        return result;
    }
}
