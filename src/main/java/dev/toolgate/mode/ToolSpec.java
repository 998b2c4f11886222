package dev.toolgate.mode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import dev.toolgate.cluster.Windows;
import dev.toolgate.config.ConfigNode;
import dev.toolgate.config.Redacted;

import java.util.List;
import java.util.Map;

/**
 * One entry of {@code config.tools}: a REST operation exposed as an MCP tool (conversion modes), or a
 * tool name that ACL rules attach to (passthrough).
 *
 * @param description  what the tool does, shown to the model; required
 * @param name         the tool's MCP name; default {@code annotations.title}, else {@code <route-name>-<n>};
 *                     characters outside {@code [A-Za-z0-9_.-]} become {@code _} ({@code tools/call} also
 *                     accepts the name as Kong serves it, {@code Get users} for {@code Get_users})
 * @param method       HTTP method; default: the route's only method (required when the route has several or none)
 * @param path         request path; must lie under one of the route's paths; a path without a leading
 *                     {@code /} is relative to the route path ({@code ./x} too); {@code .} and {@code ..}
 *                     segments are removed, never climbing above the route path; {@code {name}} marks a
 *                     path parameter; default: the route's only plain path
 * @param host         must match one of the route's hosts when set; the call still goes to the service
 * @param scheme       {@code http} or {@code https}; must be one of the route's protocols when set
 * @param headers      fixed headers added to every call (values may be {@code {vault://env/...}} references
 *                     or decK templates {@code ${{ env "DECK_NAME" }}})
 * @param query        fixed query arguments added to every call (same)
 * @param parameters   OpenAPI parameters; each becomes the argument {@code <in>_<name>}
 * @param requestBody  OpenAPI requestBody; its JSON or form schema becomes the argument {@code body}
 * @param responses    OpenAPI responses; the one 2xx JSON schema becomes the tool's {@code outputSchema}
 * @param annotations  hints and title
 * @param acl          per-tool ACL; replaces {@code default_acl} for this tool
 * @param limit        Toolgate extension: how often one caller may call this tool ({@code second} ...
 *                     {@code year}); replaces the plugin's {@code tool_limits} windows for this tool
 */
public record ToolSpec(String description, String name, String method, String path, String host, String scheme,
                       @JsonSerialize(using = Redacted.class) Map<String, List<String>> headers, @JsonSerialize(using = Redacted.class) Map<String, List<String>> query,
                       List<ParameterSpec> parameters, JsonNode requestBody, JsonNode responses,
                       ToolAnnotations annotations, AclRule acl, Windows limit) {

    public ToolSpec {
        headers = Map.copyOf(headers);
        query = Map.copyOf(query);
        parameters = List.copyOf(parameters);
    }

    /** Kong's five methods, plus HEAD and OPTIONS (Toolgate extension, for generated tools). */
    static final List<String> METHODS = List.of("DELETE", "GET", "PATCH", "POST", "PUT", "HEAD", "OPTIONS");

    static ToolSpec read(ConfigNode node) {
        String description = node.text("description");
        String name = node.text("name", null);
        if (name != null && name.isBlank()) {
            node.problem("name", "must not be empty");
        }
        String method = node.oneOf("method", null, METHODS);
        String path = node.text("path", null);
        String host = node.text("host", null);
        String scheme = node.oneOf("scheme", null, List.of("http", "https"));
        Map<String, List<String>> headers = node.textLists("headers");
        Map<String, List<String>> query = node.textLists("query");
        List<ParameterSpec> parameters = node.objects("parameters").stream().map(ParameterSpec::read).toList();
        JsonNode requestBody = objectOrNull(node, "request_body");
        JsonNode responses = objectOrNull(node, "responses");
        ToolAnnotations annotations = node.object("annotations").map(ToolAnnotations::read).orElse(ToolAnnotations.NONE);
        AclRule acl = node.object("acl").map(n -> AclRule.read(n, false)).orElse(null);
        Windows limit = node.object("limit").map(ToolSpec::limit).orElse(null);
        node.finish();
        return new ToolSpec(description, name, method, path, host, scheme, headers, query, parameters, requestBody,
                responses, annotations, acl, limit);
    }

    private static Windows limit(ConfigNode node) {
        Windows windows = Windows.read(node);
        if (windows == null) {
            node.problem("set at least one of second, minute, hour, day, month, year");
        }
        node.finish();
        return windows;
    }

    private static JsonNode objectOrNull(ConfigNode node, String key) {
        JsonNode value = node.any(key);
        if (value != null && !value.isObject()) {
            node.problem(key, "must be an object (an OpenAPI " + (key.equals("responses") ? "responses" : "requestBody")
                    + " object)");
            return null;
        }
        return value;
    }

    /** Its secrets masked: a message or log line that quotes it must not carry them. */
    @Override
    public String toString() {
        return Redacted.describe(this);
    }
}
