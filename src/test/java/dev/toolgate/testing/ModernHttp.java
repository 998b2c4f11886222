package dev.toolgate.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.mcp.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A raw 2026-07-28 (modern, stateless) client over HTTP: each request carries its revision, client
 * and capabilities in {@code params._meta} and the request-metadata headers ({@code MCP-Protocol-Version},
 * {@code Mcp-Method}, {@code Mcp-Name}), as the spec says a client must. Tests use it to send what a
 * real client would not (a header that disagrees with the body, a missing field).
 */
public final class ModernHttp {

    public static final String VERSION = "2026-07-28";

    private final McpHttp http;
    private final AtomicInteger ids = new AtomicInteger(100);

    public ModernHttp(URI endpoint) {
        this(endpoint, Map.of());
    }

    /** A client that sends {@code headers} (an API key, say) with every request. */
    public ModernHttp(URI endpoint, Map<String, String> headers) {
        this.http = new McpHttp(endpoint, headers);
    }

    /** A request with correct metadata and headers; {@code params} is the params object without {@code _meta}. */
    public McpHttp.Response request(String method, String params) {
        return request(method, params, "{}", Map.of());
    }

    /**
     * A request with correct metadata, the client declaring {@code capabilities}, and {@code extra}
     * headers added (a value of null removes a standard one).
     */
    public McpHttp.Response request(String method, String params, String capabilities, Map<String, String> extra) {
        ObjectNode body = body(method, params, VERSION, capabilities);
        Map<String, String> headers = headers(method, body.get("params"));
        extra.forEach((name, value) -> {
            if (value == null) {
                headers.remove(name);
            } else {
                headers.put(name, value);
            }
        });
        return send(Json.text(body), headers);
    }

    /** A JSON-RPC request body with {@code _meta} ({@code version}, client info, {@code capabilities}) in its params. */
    public ObjectNode body(String method, String params, String version, String capabilities) {
        try {
            ObjectNode body = Json.object();
            body.put("jsonrpc", "2.0");
            body.put("id", ids.incrementAndGet());
            body.put("method", method);
            ObjectNode p = (ObjectNode) Json.MAPPER.readTree(params == null ? "{}" : params);
            ObjectNode meta = p.putObject("_meta");
            meta.put("io.modelcontextprotocol/protocolVersion", version);
            meta.putObject("io.modelcontextprotocol/clientInfo").put("name", "toolgate-tests").put("version", "1");
            meta.set("io.modelcontextprotocol/clientCapabilities", Json.MAPPER.readTree(capabilities));
            body.set("params", p);
            return body;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The headers a correct client sends for a request. */
    public Map<String, String> headers(String method, JsonNode params) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("content-type", "application/json");
        headers.put("accept", McpHttp.ACCEPT_BOTH);
        headers.put("mcp-protocol-version", VERSION);
        headers.put("mcp-method", method);
        JsonNode name = params == null ? null : params.get(method.equals("resources/read") ? "uri" : "name");
        if (name != null && name.isTextual() && (method.equals("tools/call") || method.equals("prompts/get")
                || method.equals("resources/read"))) {
            headers.put("mcp-name", name.asText());
        }
        return headers;
    }

    /** A POST of exactly this body with exactly these headers. */
    public McpHttp.Response send(String body, Map<String, String> headers) {
        return http.send("POST", body, headers);
    }

    /** Any HTTP method with these headers and no body. */
    public McpHttp.Response bodiless(String method, Map<String, String> headers) {
        return http.send(method, null, headers);
    }
}
