package dev.toolgate.gateway;

import dev.toolgate.config.InvalidConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/** Every shipped example loads the way {@code toolgate validate} checks it, without warnings. */
class ExamplesTest {

    private static final Path EXAMPLES = Path.of("examples");

    static List<Path> examples() throws IOException {
        try (Stream<Path> files = Files.list(EXAMPLES)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".yaml")).sorted().toList();
        }
    }

    @Test
    void thereAreExamplesToCheck() throws IOException {
        assertThat(examples()).isNotEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void exampleValidates(Path example) throws IOException {
        byte[] document = Files.readAllBytes(example);

        Snapshot snapshot = null;
        try {
            snapshot = Gateway.check(document, example.toAbsolutePath().getParent(), name -> null);
        } catch (InvalidConfigException e) {
            fail(example + " is invalid:\n" + e.getMessage());
        }
        assertThat(snapshot.warnings()).as("warnings of %s", example).isEmpty();
        assertThat(snapshot.handlers()).as("MCP endpoints of %s", example).isNotEmpty();
    }
}
