package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.mcp.Json;
import dev.toolgate.testing.Configs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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
}
