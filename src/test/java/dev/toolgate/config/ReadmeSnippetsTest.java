package dev.toolgate.config;

import dev.toolgate.testing.Configs;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * README's YAML examples load as shown: a user pastes them. A block that starts with a top-level key of a
 * declarative file ({@code _format_version}, {@code services}, ...) is a whole file, and must be one; one that starts with {@code config:} is an {@code ai-mcp-proxy} plugin's settings, checked on
 * a route that pins no method (as most routes are). Other blocks (a scrape config, a part of a list) are not
 * configuration; a block right after a {@code <!-- fragment -->} line is skipped on purpose.
 */
class ReadmeSnippetsTest {

    private static final Path README = Path.of("README.md");
    /** Where a snippet's relative file names (specs/petstore.yaml) resolve, as for the examples. */
    private static final Path FOLDER = Path.of("examples");
    private static final java.util.regex.Pattern WHOLE_FILE = java.util.regex.Pattern.compile(
            "(_format_version|_transform|services|routes|consumers|consumer_groups|plugins|vaults):.*");

    /** One fenced YAML block, with the README line it starts on. */
    private record Snippet(int line, String text) {
    }

    @Test
    void everyWholeFileInTheReadmeLoadsAsShown() throws IOException {
        List<Snippet> files = snippets().stream().filter(s -> WHOLE_FILE.matcher(s.text().lines().findFirst()
                .orElse("")).matches()).toList();

        assertThat(files).hasSizeGreaterThanOrEqualTo(2);
        for (Snippet file : files) {
            assertThat(Configs.check(file.text(), FOLDER).problems()).as("README.md:%d", file.line()).isEmpty();
        }
    }

    @Test
    void everyAiMcpProxyConfigInTheReadmeLoadsOnARouteThatPinsNoMethod() throws IOException {
        List<Snippet> configs = snippets().stream().filter(s -> s.text().startsWith("config:\n")).toList();

        assertThat(configs).hasSizeGreaterThanOrEqualTo(3);
        for (Snippet config : configs) {
            String document = """
                    _format_version: "3.0"
                    services:
                      - name: api
                        url: http://127.0.0.1:9
                        routes:
                          - name: mcp
                            paths: [/mcp]
                            plugins:
                              - name: ai-mcp-proxy
                    """ + config.text().indent(12);
            assertThat(Configs.check(document, FOLDER).problems()).as("README.md:%d", config.line()).isEmpty();
        }
    }

    private static List<Snippet> snippets() throws IOException {
        List<String> lines = Files.readAllLines(README);
        List<Snippet> snippets = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).equals("```yaml")) {
                continue;
            }
            boolean fragment = i > 0 && lines.get(i - 1).strip().equals("<!-- fragment -->");
            StringBuilder text = new StringBuilder();
            int start = i + 1;
            for (i++; i < lines.size() && !lines.get(i).startsWith("```"); i++) {
                text.append(lines.get(i)).append('\n');
            }
            if (!fragment) {
                snippets.add(new Snippet(start, text.toString()));
            }
        }
        return snippets;
    }
}
