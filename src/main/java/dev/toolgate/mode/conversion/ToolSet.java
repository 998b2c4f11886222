package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.config.ConfigLoader;
import dev.toolgate.mcp.Cursor;
import dev.toolgate.mcp.Json;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The tools one MCP endpoint serves, in order, with every {@code tools/list} page serialized once at
 * load: listing is a copy of prepared bytes, whatever the number of tools.
 */
public final class ToolSet {

    /** Tools per {@code tools/list} page. */
    public static final int PAGE_SIZE = 500;

    private final List<Tool> tools;
    private final Map<String, Tool> byName = new HashMap<>();
    private final String fingerprint;
    private final List<byte[]> pages = new ArrayList<>();

    public ToolSet(List<Tool> tools) {
        this.tools = List.copyOf(tools);
        this.tools.forEach(t -> byName.put(t.name(), t));
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        this.tools.forEach(t -> all.writeBytes(Json.bytes(t.definition())));
        this.fingerprint = ConfigLoader.hash(all.toByteArray()).substring(0, 16);
        for (int offset = 0; offset == 0 || offset < this.tools.size(); offset += PAGE_SIZE) {
            pages.add(Json.bytes(page(offset)));
        }
    }

    public static ToolSet empty() {
        return new ToolSet(List.of());
    }

    public Optional<Tool> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    public List<Tool> tools() {
        return Collections.unmodifiableList(tools);
    }

    public int size() {
        return tools.size();
    }

    /** Changes whenever a tool definition changes; names the list version in cursors. */
    public String fingerprint() {
        return fingerprint;
    }

    /**
     * The serialized {@code tools/list} result for a cursor (null for the first page); empty when the
     * cursor is malformed, past the end, or from another version of the list.
     */
    public Optional<byte[]> page(String cursor) {
        if (cursor == null) {
            return Optional.of(pages.getFirst());
        }
        return Cursor.decode(cursor)
                .filter(c -> c.fingerprint().equals(fingerprint) && c.offset() % PAGE_SIZE == 0
                        && c.offset() / PAGE_SIZE < pages.size())
                .map(c -> pages.get(c.offset() / PAGE_SIZE));
    }

    private ObjectNode page(int offset) {
        ObjectNode result = Json.object();
        ArrayNode list = result.putArray("tools");
        int end = Math.min(tools.size(), offset + PAGE_SIZE);
        for (int i = offset; i < end; i++) {
            list.add(tools.get(i).definition());
        }
        if (end < tools.size()) {
            result.put("nextCursor", new Cursor(fingerprint, end).encode());
        }
        return result;
    }
}
