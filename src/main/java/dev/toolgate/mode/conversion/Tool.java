package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Schema;

/**
 * A tool ready to serve, compiled at load.
 *
 * @param name            MCP name
 * @param definition      the tool as {@code tools/list} shows it
 * @param inputValidator  compiled {@code inputSchema}
 * @param outputValidator compiled {@code outputSchema}, or null when the tool has none
 * @param wrapsOutput     the upstream's JSON is not an object and is wrapped as {@code {"result": ...}}
 * @param request         how a call becomes an upstream request
 * @param source          where the tool is defined, for messages
 */
public record Tool(String name, ObjectNode definition, Schema inputValidator, Schema outputValidator,
                   boolean wrapsOutput, RequestTemplate request, String source) {
}
