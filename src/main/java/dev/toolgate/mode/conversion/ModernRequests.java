package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.error.GatewayError;
import dev.toolgate.error.GatewayException;
import dev.toolgate.mcp.Json;
import dev.toolgate.mcp.JsonRpcMessage;
import dev.toolgate.mcp.ModernMeta;
import dev.toolgate.mcp.ProtocolVersion;
import dev.toolgate.mcp.RequestHeaders;
import dev.toolgate.mode.ModernRequest;
import dev.toolgate.pipeline.Decision;
import dev.toolgate.pipeline.Exchange;
import dev.toolgate.pipeline.MessageEvents;
import dev.toolgate.pipeline.RpcRecord;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static dev.toolgate.mode.conversion.McpResponses.accepted;
import static dev.toolgate.mode.conversion.McpResponses.json;

/**
 * An MCP endpoint's 2026-07-28 (modern, stateless) requests: {@code server/discover},
 * {@code tools/list} and {@code tools/call}, each complete in itself (its revision, client and
 * capabilities in its {@code _meta}), so the gateway keeps nothing between requests and any instance
 * answers any of them. Each request passes the same message policies as a legacy one (tool ACLs,
 * per-tool limits); every result carries {@code resultType} and the gateway's
 * {@code io.modelcontextprotocol/serverInfo}, tool lists their caching hints. A call is cancelled
 * when the client closes the response.
 *
 * @see <a href="https://modelcontextprotocol.io/specification/2026-07-28/basic/transports/streamable-http">Streamable HTTP (2026-07-28)</a>
 */
final class ModernRequests {

    private final McpMethods methods;
    private final ToolCalls calls;
    private final byte[] discover;
    private final byte[] listHead;
    private final ObjectNode serverInfo;
    /** Each tool's header-mirrored parameters by its name, read from its schema once (a snapshot's tools do not change). */
    private final Map<String, Map<String, List<String>>> mirrored = new ConcurrentHashMap<>();

    /**
     * @param ttlMs      a tool list's and server/discover's {@code ttlMs}
     * @param cacheScope their {@code cacheScope} ({@code public} or {@code private})
     */
    ModernRequests(McpServerEndpoint.Settings settings, McpMethods methods, ToolCalls calls, long ttlMs,
                   String cacheScope) {
        this.methods = methods;
        this.calls = calls;
        this.serverInfo = Json.object();
        ObjectNode info = serverInfo.putObject(ModernMeta.SERVER_INFO);
        info.put("name", "toolgate");
        info.put("title", "Toolgate: " + settings.label());
        info.put("version", settings.serverVersion());
        ObjectNode result = Json.object();
        result.put("resultType", "complete");
        // DiscoverResult extends CacheableResult in the published schema: the hints are required there too
        result.put("ttlMs", ttlMs);
        result.put("cacheScope", cacheScope);
        ProtocolVersion.MODERN.forEach(result.putArray("supportedVersions")::add);
        result.putObject("capabilities").putObject("tools");
        result.set("_meta", serverInfo);
        this.discover = Json.bytes(result);
        ObjectNode head = Json.object();
        head.put("resultType", "complete");
        head.put("ttlMs", ttlMs);
        head.put("cacheScope", cacheScope);
        head.set("_meta", serverInfo);
        String text = Json.text(head);
        // the head of every list result: its fields, then a page's fields follow after a comma
        this.listHead = text.substring(0, text.length() - 1).getBytes(StandardCharsets.UTF_8);
    }

    /** Answers a POST whose body is a modern message (or a batch, which the revision does not allow). */
    Future<Void> answer(Exchange exchange, JsonNode body) {
        HttpServerRequest request = exchange.request();
        if (!body.isObject()) {
            throw new GatewayException(new GatewayError.InvalidMessage(null,
                    "a 2026-07-28 POST carries one JSON-RPC message, not a batch"));
        }
        return switch (JsonRpcMessage.classify(body)) {
            case JsonRpcMessage.Invalid invalid ->
                    throw new GatewayException(new GatewayError.InvalidMessage(invalid.id(), invalid.reason()));
            // 2026-07-28 defines no client notification over HTTP (closing the stream cancels): accepted, ignored
            case JsonRpcMessage.Notification ignored -> accepted(request);
            case JsonRpcMessage.Response response -> throw new GatewayException(new GatewayError.InvalidMessage(
                    response.id(), "a 2026-07-28 client sends no JSON-RPC responses (a server's input requests are "
                    + "answered in the retried request's inputResponses)"));
            case JsonRpcMessage.Request r -> request(exchange, ModernRequest.check(request.headers(), r));
        };
    }

    private Future<Void> request(Exchange exchange, ModernRequest modern) {
        JsonRpcMessage.Request r = modern.request();
        return switch (r.method()) {
            // server/discover is admitted as a legacy initialize is: a caller the default ACL refuses gets 403 here too
            case "server/discover", "tools/list", "tools/call" -> calls.admit(exchange, r).compose(admitted ->
                    admitted.proceeds() ? admitted(exchange, r, admitted.record())
                            : instead(exchange, admitted.decision(), r));
            default -> throw new GatewayException(new GatewayError.UnknownMethod(r.id(), r.method()));
        };
    }

    /**
     * Answers a request the policies let through. A refusal from here on (a tool not served, a bad cursor,
     * arguments not an object) is answered by the error net, which tells no one: the record is finished with it
     * first, or it would read as a success and a made-up name as a metric label.
     */
    private Future<Void> admitted(Exchange exchange, JsonRpcMessage.Request r, RpcRecord record) {
        Future<Void> answer;
        try {
            answer = switch (r.method()) {
                case "server/discover" -> answered(exchange, record, McpMethods.result(r.id(), discover));
                case "tools/list" -> answered(exchange, record, McpMethods.result(r.id(), list(exchange, r)));
                default -> call(exchange, r, record);
            };
        } catch (GatewayException refused) {
            answer = Future.failedFuture(refused);
        }
        return answer.recover(failure -> {
            if (failure instanceof GatewayException refused) {
                MessageEvents.refused(record, refused.error());
            }
            return Future.failedFuture(failure);
        });
    }

    /** A request the message policies answered: a refusal (the catalog's status), or a tool result. */
    private Future<Void> instead(Exchange exchange, Decision decision, JsonRpcMessage.Request r) {
        if (decision instanceof Decision.ToolResult tool) {
            return json(exchange.request(), McpMethods.result(r.id(), Json.bytes(complete(tool.result().deepCopy()))),
                    null);
        }
        return McpResponses.refused(exchange, ((Decision.Reject) decision).error());
    }

    /** The caller's page, behind the head with {@code resultType}, the caching hints and {@code serverInfo}. */
    private byte[] list(Exchange exchange, JsonRpcMessage.Request r) {
        byte[] page = methods.page(r, calls.view(exchange));
        boolean empty = page.length <= 2;
        byte[] out = new byte[listHead.length + (empty ? 1 : page.length)];
        System.arraycopy(listHead, 0, out, 0, listHead.length);
        if (empty) {
            out[out.length - 1] = '}';
        } else {
            out[listHead.length] = ',';
            System.arraycopy(page, 1, out, listHead.length + 1, page.length - 1);
        }
        return out;
    }

    /**
     * Makes a call the policies let through, once its {@code Mcp-Param-*} headers are found to match. They are checked
     * after the ACLs (a refused tool's mirrored arguments are not the caller's to learn), so a mismatch gives back what
     * the tool's limit spent: the call was not made. A mirrored integer beyond what the revision lets a header carry is
     * an invalid argument, as any other, whatever the headers say.
     */
    private Future<Void> call(Exchange exchange, JsonRpcMessage.Request r, RpcRecord record) {
        JsonNode name = r.params() == null ? null : r.params().get("name");
        Tool tool = methods.tool(name != null && name.isTextual() ? name.asText() : null).orElse(null);
        Map<String, List<String>> declared = tool == null ? Map.of() : mirrored.computeIfAbsent(tool.name(),
                n -> RequestHeaders.declared(tool.definition().get("inputSchema")));
        JsonNode arguments = r.params() == null ? null : r.params().get("arguments");
        String unsafe = RequestHeaders.unsafeInteger(declared, arguments);
        if (unsafe != null) {
            ObjectNode refused = ResultMapper.invalidArguments(tool.name(), unsafe);
            return answered(exchange, record, McpMethods.result(r.id(), Json.bytes(complete(refused))));
        }
        String mismatch = RequestHeaders.paramMismatch(exchange.request()::getHeader, declared, arguments);
        if (mismatch != null) {
            return exchange.takeBack(r.id()).transform(ignored -> Future.failedFuture(
                    new GatewayException(new GatewayError.HeaderMismatch(r.id(), mismatch))));
        }
        Future<Void> disconnected = ToolCalls.disconnection(exchange.request());
        return methods.invoke(r, exchange, record, disconnected, null)
                .compose(result -> LargeResults.answer(r.id(), complete(result), disconnected))
                .compose(answer -> answered(exchange, record, answer));
    }

    /** Sends the answer to a request the policies let through, and finishes its record with it. */
    private static Future<Void> answered(Exchange exchange, RpcRecord record, Buffer answer) {
        MessageEvents.answered(record, answer);
        return json(exchange.request(), answer, null);
    }

    /** A tool result as 2026-07-28 sends it: {@code resultType} and the gateway's {@code serverInfo} added. */
    private ObjectNode complete(ObjectNode result) {
        result.put("resultType", "complete");
        JsonNode meta = result.get("_meta");
        if (meta instanceof ObjectNode own) {
            own.setAll(serverInfo);
        } else {
            result.set("_meta", serverInfo.deepCopy());
        }
        return result;
    }
}
