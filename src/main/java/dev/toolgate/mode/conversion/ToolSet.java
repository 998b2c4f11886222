package dev.toolgate.mode.conversion;

import dev.toolgate.http.GzipHead;
import dev.toolgate.mcp.Json;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The tools one MCP endpoint serves, in order, with their {@code tools/list} pages prepared
 * ({@link ToolPages}): for everyone at load, and for each distinct {@link ToolView} (callers whose
 * tool ACLs let them see a part of the list) on first use, kept for the next caller with that view
 * within a byte budget ({@link ViewPages}).
 */
public final class ToolSet {

    /** Tools per {@code tools/list} page. */
    public static final int PAGE_SIZE = ToolPages.PAGE_SIZE;

    private final List<Tool> tools;
    private final Map<String, Tool> byName = new HashMap<>();
    private final Map<String, Tool> byKongName = new HashMap<>();
    private final Map<String, Integer> positions = new HashMap<>();
    private final List<byte[]> definitions;
    private final ToolPages all;
    private final ViewPages views;

    /** A tool set whose callers' views are kept within a budget of its own. */
    public ToolSet(List<Tool> tools) {
        this(tools, new ViewPages(ViewPages.BUDGET));
    }

    /** @param views where the callers' views are kept: shared by every tool set of a configuration, one budget */
    ToolSet(List<Tool> tools, ViewPages views) {
        this.views = views;
        this.tools = List.copyOf(tools);
        for (int i = 0; i < this.tools.size(); i++) {
            byName.put(this.tools.get(i).name(), this.tools.get(i));
            positions.put(this.tools.get(i).name(), i);
        }
        this.tools.stream().filter(t -> t.kongName() != null).forEach(t -> byKongName.putIfAbsent(t.kongName(), t));
        // each definition is serialized once: the fingerprint and every page are made of these bytes
        this.definitions = this.tools.stream().map(t -> Json.bytes(t.definition())).toList();
        this.all = new ToolPages(definitions);
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

    /** The tool's position in the list (what a {@link ToolView} counts), or -1. */
    public int position(String name) {
        Integer position = positions.get(name);
        return position == null ? -1 : position;
    }

    public List<Tool> tools() {
        return Collections.unmodifiableList(tools);
    }

    public int size() {
        return tools.size();
    }

    /** Changes whenever a tool definition changes; names the list version in cursors. */
    public String fingerprint() {
        return all.fingerprint();
    }

    /**
     * The serialized {@code tools/list} result of a view for a cursor (null for the first page);
     * empty when the cursor is malformed, past the end, or from another version or view of the list.
     */
    public Optional<byte[]> page(String cursor, ToolView view) {
        ToolPages pages = pages(view);
        pages.listed();
        return pages.page(cursor);
    }

    /** {@link #page} for everyone. */
    public Optional<byte[]> page(String cursor) {
        return all.page(cursor);
    }

    /**
     * The page for a cursor, compressed as the head of a JSON-RPC response ({@code {"result":PAGE});
     * empty when the cursor is not valid or the view's pages are not compressed yet (which starts it when the view
     * was listed before).
     */
    public Optional<GzipHead> compressedPage(String cursor, ToolView view) {
        ToolPages pages = pages(view);
        Optional<GzipHead> compressed = pages.compressedPage(cursor);
        // a view is compressed when listed again, not on its first list: it may never be, or be put out first
        if (compressed.isEmpty() && !view.all() && pages.listedBefore()) {
            pages.compressLater(views::recount);
        }
        return compressed;
    }

    /** Compresses everyone's pages; milliseconds per megabyte of tools, so off the event loops. */
    public void compressPages() {
        all.compress();
    }

    private ToolPages pages(ToolView view) {
        if (view.all()) {
            return all;
        }
        return views.of(this, view.visible(), this::pagesOf);
    }

    /**
     * The callers' views whose pages are kept, and their bytes (everyone's pages are not counted), of every tool
     * set sharing this one's budget: those of its configuration.
     */
    public ViewPages.Kept keptViews() {
        return views.kept();
    }

    private ToolPages pagesOf(BitSet visible) {
        List<byte[]> shown = new ArrayList<>(visible.cardinality());
        visible.stream().forEach(i -> shown.add(definitions.get(i)));
        return new ToolPages(shown);
    }
}
