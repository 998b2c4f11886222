package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.http.GzipHead;
import dev.toolgate.mcp.Json;
import dev.toolgate.testing.Configs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The prepared {@code tools/list} pages: every tool once, in order, linked by cursors of one list version. */
class ToolSetTest {

    @TempDir
    Path baseDirectory;

    private List<Tool> tools(int count, String description) {
        StringBuilder tools = new StringBuilder();
        for (int i = 0; i < count; i++) {
            tools.append("- {name: tool_").append(i).append(", description: '").append(description)
                    .append(" \"quoted\" é'").append(", method: GET, path: /items/").append(i).append("}\n");
        }
        Configs.Checked checked = Configs.check(ToolCompilerTest.document(ToolCompilerTest.ROUTE, tools.toString()),
                baseDirectory);
        assertThat(checked.problems()).isEmpty();
        return checked.snapshot().toolSets().values().iterator().next().tools();
    }

    @Test
    void pagesAreTheSerializedListObjectsAndTheirCursorsLeadThroughEveryToolOnce() throws Exception {
        List<Tool> tools = tools(ToolSet.PAGE_SIZE * 2 + 3, "reads an item");
        ToolSet set = new ToolSet(tools);

        List<String> listed = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            byte[] page = set.page(cursor).orElseThrow();
            JsonNode parsed = Json.parse(page);
            ObjectNode expected = Json.object();
            ArrayNode list = expected.putArray("tools");
            int offset = listed.size();
            for (int i = offset; i < Math.min(tools.size(), offset + ToolSet.PAGE_SIZE); i++) {
                list.add(tools.get(i).definition());
            }
            if (parsed.has("nextCursor")) {
                expected.put("nextCursor", parsed.get("nextCursor").asText());
            }
            assertThat(page).isEqualTo(Json.bytes(expected));
            parsed.get("tools").forEach(t -> listed.add(t.get("name").asText()));
            cursor = parsed.has("nextCursor") ? parsed.get("nextCursor").asText() : null;
            pages++;
        } while (cursor != null);

        assertThat(pages).isEqualTo(3);
        assertThat(listed).containsExactlyElementsOf(tools.stream().map(Tool::name).toList());
    }

    @Test
    void aChangedDefinitionChangesTheFingerprintAndRetiresTheOldCursors() throws Exception {
        ToolSet before = new ToolSet(tools(ToolSet.PAGE_SIZE + 1, "reads an item"));
        ToolSet same = new ToolSet(tools(ToolSet.PAGE_SIZE + 1, "reads an item"));
        ToolSet after = new ToolSet(tools(ToolSet.PAGE_SIZE + 1, "reads one item"));
        String cursor = Json.parse(before.page(null).orElseThrow()).get("nextCursor").asText();

        assertThat(same.fingerprint()).isEqualTo(before.fingerprint());
        assertThat(after.fingerprint()).isNotEqualTo(before.fingerprint()).hasSize(16);
        assertThat(same.page(cursor)).isPresent();
        assertThat(after.page(cursor)).isEmpty();
    }

    @Test
    void anEmptySetListsOnePageWithNoTools() throws Exception {
        byte[] page = ToolSet.empty().page(null).orElseThrow();

        assertThat(Json.parse(page).toString()).isEqualTo("{\"tools\":[]}");
    }

    private static ToolView view(int from, int to) {
        BitSet visible = new BitSet();
        visible.set(from, to);
        return new ToolView(visible);
    }

    @Test
    void aViewIsCompressedWhenListedAgainNotOnItsFirstListAndItsPagesCountOnceBesideTheirGzip() throws Exception {
        ToolSet set = new ToolSet(tools(600, "reads an item"));
        ToolView once = view(0, 300);
        ToolView twice = view(300, 600);

        assertThat(set.compressedPage(null, once)).isEmpty();
        assertThat(set.compressedPage(null, twice)).isEmpty();
        Optional<GzipHead> gzip = set.compressedPage(null, twice);
        while (gzip.isEmpty()) {
            Thread.sleep(5);
            gzip = set.compressedPage(null, twice);
        }

        long raw = set.page(null, once).orElseThrow().length + set.page(null, twice).orElseThrow().length;
        assertThat(set.keptViews().views()).isEqualTo(2);
        assertThat(set.keptViews().bytes()).as("both pages once, and the gzip of the view listed again only")
                .isEqualTo(raw + gzip.orElseThrow().deflatedLength());
    }

    @Test
    void theEndpointsOfOneConfigurationKeepTheirCallersViewsWithinOneBudget() throws Exception {
        StringBuilder tools = new StringBuilder();
        for (int i = 0; i < 4; i++) {
            tools.append("            - {name: tool_").append(i).append(", description: d, method: GET, path: /items/")
                    .append(i).append("}\n");
        }
        Configs.Checked checked = Configs.check("""
                _format_version: "3.0"
                services:
                  - name: shop
                    url: http://api.internal/v1
                    routes:
                      - name: one
                        paths: [/one]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              tools:
                %s      - name: two
                        paths: [/two]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              tools:
                %s""".formatted(tools.toString().indent(4), tools.toString().indent(4)), baseDirectory);
        assertThat(checked.problems()).isEmpty();
        List<ToolSet> sets = List.copyOf(checked.snapshot().toolSets().values());
        assertThat(sets).hasSize(2);

        sets.get(0).page(null, view(0, 2));
        sets.get(1).page(null, view(0, 2));
        sets.get(1).page(null, view(2, 4));

        long raw = sets.get(0).page(null, view(0, 2)).orElseThrow().length
                + sets.get(1).page(null, view(0, 2)).orElseThrow().length
                + sets.get(1).page(null, view(2, 4)).orElseThrow().length;
        assertThat(sets.get(0).keptViews()).isEqualTo(sets.get(1).keptViews())
                .isEqualTo(new ViewPages.Kept(3, raw));
    }
}
