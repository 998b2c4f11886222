package dev.toolgate.mode.passthrough;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.toolgate.mcp.Json;
import dev.toolgate.observe.McpEvent;

import java.io.IOException;
import java.util.Collection;
import java.util.Set;

/**
 * The tools a passthrough route knows exist: those its configuration names ({@code tools}) and those its
 * MCP server listed in a {@code tools/list} answer that crossed the route. Metrics give a tool a series of
 * its own on such evidence, or on a call that succeeded: MCP's SDKs answer a tool they do not have with a
 * result marked {@code isError}, which a client can provoke with every name it makes up. Bounded, since a
 * server lists what it likes; an answer too large to read on an event loop teaches nothing. The names
 * learned are kept by the tap ({@link dev.toolgate.observe.MessageTap#listedTools}) and outlast a reload.
 */
final class ListedTools {

    /** The most names learned from servers' answers. */
    static final int MOST = 10_000;
    /** The largest {@code tools/list} answer read for its names, in bytes. */
    static final int MAX_READ = 1 << 20;

    private final Set<String> configured;
    private final Set<String> listed;

    /**
     * @param configured the tools the route's configuration names
     * @param listed     where the names its server listed are kept (concurrent; shared across reloads)
     */
    ListedTools(Collection<String> configured, Set<String> listed) {
        this.configured = Set.copyOf(configured);
        this.listed = listed;
    }

    boolean knows(String tool) {
        return tool != null && (configured.contains(tool) || listed.contains(tool));
    }

    /** Learns the tool names of a {@code tools/list} answer (the message's JSON). */
    void learn(byte[] bytes, int offset, int length) {
        if (length > MAX_READ || listed.size() >= MOST) {
            return;
        }
        try (JsonParser parser = Json.MAPPER.createParser(bytes, offset, length)) {
            if (parser.nextToken() == JsonToken.START_OBJECT && field(parser, "result")
                    && parser.nextToken() == JsonToken.START_OBJECT && field(parser, "tools")
                    && parser.nextToken() == JsonToken.START_ARRAY) {
                for (JsonToken t = parser.nextToken(); t != null && t != JsonToken.END_ARRAY; t = parser.nextToken()) {
                    if (t == JsonToken.START_OBJECT) {
                        learnTool(parser);
                    } else {
                        parser.skipChildren(); // not a tool: the ones after it still are
                    }
                }
            }
        } catch (IOException notJson) {
            // an answer that is not JSON names no tool
        }
    }

    /** Moves to the value of the object's field {@code name}, skipping the others; false when it has none. */
    private static boolean field(JsonParser parser, String name) throws IOException {
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            if (name.equals(parser.currentName())) {
                return true;
            }
            parser.nextToken();
            parser.skipChildren();
        }
        return false;
    }

    private void learnTool(JsonParser parser) throws IOException {
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            boolean isName = "name".equals(parser.currentName());
            JsonToken value = parser.nextToken();
            if (isName && value == JsonToken.VALUE_STRING && listed.size() < MOST) {
                String name = parser.getText();
                if (name.length() <= McpEvent.MAX_TEXT) {
                    listed.add(name);
                }
            }
            parser.skipChildren();
        }
    }
}
