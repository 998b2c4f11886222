package dev.toolgate.mode.conversion;

import dev.toolgate.http.GzipHead;
import dev.toolgate.mcp.Cursor;
import dev.toolgate.mcp.Json;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The tools one MCP endpoint serves, in order, with every {@code tools/list} page serialized once at
 * load: listing is a copy of prepared bytes, whatever the number of tools. Pages can also be
 * compressed once, after load, for clients that accept gzip.
 */
public final class ToolSet {

    private static final byte[] RESULT_HEAD = "{\"result\":".getBytes(StandardCharsets.UTF_8);
    private static final byte[] PAGE_HEAD = "{\"tools\":[".getBytes(StandardCharsets.UTF_8);
    private static final byte[] NEXT_CURSOR = ",\"nextCursor\":".getBytes(StandardCharsets.UTF_8);

    /** Tools per {@code tools/list} page. */
    public static final int PAGE_SIZE = 500;

    private final List<Tool> tools;
    private final Map<String, Tool> byName = new HashMap<>();
    private final Map<String, Tool> byKongName = new HashMap<>();
    private final String fingerprint;
    private final List<byte[]> pages = new ArrayList<>();
    /** The pages as heads of gzip JSON-RPC responses ({@code {"result":PAGE}); null until compressed. */
    private volatile List<GzipHead> compressed;

    public ToolSet(List<Tool> tools) {
        this.tools = List.copyOf(tools);
        this.tools.forEach(t -> byName.put(t.name(), t));
        this.tools.stream().filter(t -> t.kongName() != null).forEach(t -> byKongName.putIfAbsent(t.kongName(), t));
        // each definition is serialized once: the fingerprint and every page are made of these bytes
        List<byte[]> definitions = this.tools.stream().map(t -> Json.bytes(t.definition())).toList();
        this.fingerprint = fingerprint(definitions);
        for (int offset = 0; offset == 0 || offset < this.tools.size(); offset += PAGE_SIZE) {
            pages.add(page(definitions, offset));
        }
    }

    public static ToolSet empty() {
        return new ToolSet(List.of());
    }

    /**
     * The tool a {@code tools/call} names: by the name {@code tools/list} shows, or else by the name Kong
     * serves it under (a title with spaces, say), so clients configured against Kong keep working.
     */
    public Optional<Tool> find(String name) {
        Tool tool = byName.get(name);
        return Optional.ofNullable(tool != null ? tool : byKongName.get(name));
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
        int index = pageIndex(cursor);
        return index < 0 ? Optional.empty() : Optional.of(pages.get(index));
    }

    /**
     * The page for a cursor, compressed as the head of a JSON-RPC response ({@code {"result":PAGE});
     * empty when the cursor is not valid or the pages are not compressed yet.
     */
    public Optional<GzipHead> compressedPage(String cursor) {
        List<GzipHead> ready = compressed;
        int index = pageIndex(cursor);
        return ready == null || index < 0 ? Optional.empty() : Optional.of(ready.get(index));
    }

    /** Compresses every page; milliseconds per megabyte of tools, so off the event loops. */
    public void compressPages() {
        if (compressed == null) {
            compressed = pages.stream().map(page -> {
                byte[] head = new byte[RESULT_HEAD.length + page.length];
                System.arraycopy(RESULT_HEAD, 0, head, 0, RESULT_HEAD.length);
                System.arraycopy(page, 0, head, RESULT_HEAD.length, page.length);
                return GzipHead.of(head);
            }).toList();
        }
    }

    /** The page a cursor points to, or -1. */
    private int pageIndex(String cursor) {
        if (cursor == null) {
            return 0;
        }
        return Cursor.decode(cursor)
                .filter(c -> c.fingerprint().equals(fingerprint) && c.offset() % PAGE_SIZE == 0
                        && c.offset() / PAGE_SIZE < pages.size())
                .map(c -> c.offset() / PAGE_SIZE)
                .orElse(-1);
    }

    /** {@code {"tools":[...],"nextCursor":"..."}}, byte for byte what serializing that object writes. */
    private byte[] page(List<byte[]> definitions, int offset) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(PAGE_HEAD);
        int end = Math.min(definitions.size(), offset + PAGE_SIZE);
        for (int i = offset; i < end; i++) {
            if (i > offset) {
                out.write(',');
            }
            out.writeBytes(definitions.get(i));
        }
        out.write(']');
        if (end < definitions.size()) {
            out.writeBytes(NEXT_CURSOR);
            out.writeBytes(Json.bytes(new Cursor(fingerprint, end).encode()));
        }
        out.write('}');
        return out.toByteArray();
    }

    private static String fingerprint(List<byte[]> definitions) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            definitions.forEach(digest::update);
            return HexFormat.of().formatHex(digest.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
