package dev.toolgate.openapi;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.mcp.Json;
import dev.toolgate.mode.ParameterSpec;
import dev.toolgate.mode.ToolAnnotations;
import dev.toolgate.mode.ToolSpec;

/**
 * Writes tool definitions in Kong's {@code ai-mcp-proxy} {@code tools[]} form, leaving out what is
 * unset or at its default, so that reading the output back gives the same definitions.
 */
public final class KongToolWriter {

    private KongToolWriter() {
    }

    public static ObjectNode tool(ToolSpec spec) {
        ObjectNode tool = Json.object();
        tool.put("description", spec.description());
        tool.put("name", spec.name());
        tool.put("method", spec.method());
        tool.put("path", spec.path());
        if (!spec.parameters().isEmpty()) {
            ArrayNode parameters = tool.putArray("parameters");
            spec.parameters().forEach(p -> parameters.add(parameter(p)));
        }
        if (spec.requestBody() != null) {
            tool.set("request_body", spec.requestBody());
        }
        if (spec.responses() != null) {
            tool.set("responses", spec.responses());
        }
        ObjectNode annotations = annotations(spec.annotations());
        if (!annotations.isEmpty()) {
            tool.set("annotations", annotations);
        }
        return tool;
    }

    private static ObjectNode parameter(ParameterSpec p) {
        ObjectNode parameter = Json.object();
        parameter.put("name", p.name());
        parameter.put("in", p.in());
        parameter.put("required", p.required());
        if (p.description() != null) {
            parameter.put("description", p.description());
        }
        if (p.contentType() != null) {
            parameter.putObject("content").putObject(p.contentType()).set("schema", p.schema());
            return parameter;
        }
        parameter.set("schema", p.schema());
        if (!p.style().equals(ParameterSpec.defaultStyle(p.in()))) {
            parameter.put("style", p.style());
        }
        if (p.explode() != "form".equals(p.style())) {
            parameter.put("explode", p.explode());
        }
        return parameter;
    }

    private static ObjectNode annotations(ToolAnnotations a) {
        ObjectNode out = Json.object();
        if (a.title() != null) {
            out.put("title", a.title());
        }
        if (a.readOnlyHint() != null) {
            out.put("read_only_hint", a.readOnlyHint());
        }
        if (a.destructiveHint() != null) {
            out.put("destructive_hint", a.destructiveHint());
        }
        if (a.idempotentHint() != null) {
            out.put("idempotent_hint", a.idempotentHint());
        }
        if (a.openWorldHint() != null) {
            out.put("open_world_hint", a.openWorldHint());
        }
        return out;
    }
}
