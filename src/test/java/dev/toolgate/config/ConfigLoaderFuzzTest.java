package dev.toolgate.config;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.toolgate.mode.AiMcpProxySchema;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes the configuration reader with any document, YAML or JSON: it reports problems and never
 * throws, and no problem quotes the value a vault reference resolved to.
 */
class ConfigLoaderFuzzTest {

    private static final String SECRET = "fuzz-secret-9q8w7e";
    private static final ConfigLoader LOADER = new ConfigLoader(List.of(new AiMcpProxySchema()),
            Map.of("SECRET", SECRET)::get);

    @FuzzTest(maxDuration = "5s")
    void anyDocumentIsReadOrRefusedWithProblemsThatQuoteNoSecret(byte[] document) {
        ConfigReport report = new ConfigReport();
        LOADER.read(document, new ConfigContext(Path.of("").toAbsolutePath()), report);
        for (ConfigProblem problem : report.problems()) {
            assertThat(problem.message()).isNotNull().doesNotContain(SECRET);
        }
        for (ConfigProblem warning : report.warnings()) {
            assertThat(warning.message()).doesNotContain(SECRET);
        }
    }
}
