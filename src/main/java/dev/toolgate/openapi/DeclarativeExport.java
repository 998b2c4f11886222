package dev.toolgate.openapi;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.mcp.Json;

import java.util.List;
import java.util.Locale;

/**
 * A Kong declarative document serving an OpenAPI document's operations as MCP tools, as decK's
 * {@code file openapi2mcp} lays it out: one service (the document's first server), one route
 * {@code /<route-name>} that keeps its path ({@code strip_path: false}), one {@code ai-mcp-proxy} plugin with the tools written out.
 *
 * @param document  the parsed document
 * @param generated its tools
 * @param service   service name
 * @param route     route name (its path is {@code /<route>})
 * @param mode      {@code conversion-listener} or {@code conversion-only}
 * @param tags      plugin tags (the tool set names listeners bind to)
 */
public record DeclarativeExport(OpenApiDocument document, ToolGenerator.Generated generated, String service,
                                String route, String mode, List<String> tags) {

    /** A service name from the document title: lower case, words joined by dashes. */
    public static String serviceName(OpenApiDocument document) {
        String title = document.root().path("info").path("title").asText("api");
        String slug = title.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        return slug.isEmpty() ? "api" : slug;
    }

    /** The server URL, or a placeholder when the document names no absolute server (see {@link #serverIsPlaceholder}). */
    public String serviceUrl() {
        String url = ServerUrls.first(document.root().path("servers"), document.location());
        return url.contains("://") ? url : "http://localhost" + (url.equals("/") ? "" : url);
    }

    /** True when the document names no absolute server URL, so the service URL must be edited. */
    public boolean serverIsPlaceholder() {
        return !ServerUrls.first(document.root().path("servers"), document.location()).contains("://");
    }

    public ObjectNode toJson() {
        ObjectNode root = Json.object();
        root.put("_format_version", "3.0");
        ObjectNode svc = root.putArray("services").addObject();
        svc.put("name", service);
        svc.put("url", serviceUrl());
        ObjectNode r = svc.putArray("routes").addObject();
        r.put("name", route);
        r.putArray("paths").add("/" + route);
        // the tools' paths are the document's, relative to the service URL: a route /pet must not strip
        // /pet from /pet/{petId} (Kong's strip_path applies to them, as the call is replayed through the route)
        r.put("strip_path", false);
        ObjectNode plugin = r.putArray("plugins").addObject();
        plugin.put("name", "ai-mcp-proxy");
        if (!tags.isEmpty()) {
            ArrayNode tagList = plugin.putArray("tags");
            tags.forEach(tagList::add);
        }
        ObjectNode config = plugin.putObject("config");
        config.put("mode", mode);
        ArrayNode tools = config.putArray("tools");
        generated.tools().forEach(t -> tools.add(KongToolWriter.tool(t)));
        return root;
    }
}
