package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.config.ConfigReport;
import dev.toolgate.mcp.Json;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What the other 2xx responses of an operation make of the output schema its JSON response gives. */
class OutputSchemaTest {

    private static final String ITEM = "{\"type\": \"object\", \"properties\": {\"id\": {\"type\": \"integer\"}}}";

    private static JsonNode responses(String other) throws Exception {
        return Json.parse("{\"200\": {\"content\": {\"application/json\": {\"schema\": " + ITEM + "}}}, \"202\": "
                + other + "}");
    }

    @Test
    void aTextOnlySuccessLeavesTheToolWithoutASchemaAndSaysWhy() throws Exception {
        ConfigReport report = new ConfigReport();

        OutputSchema schema = OutputSchema.of(responses("{\"content\": {\"text/plain\": {}}}"), "tools[0].responses",
                report);

        assertThat(schema).isNull();
        assertThat(report.warnings()).singleElement().asString().contains("tools[0].responses")
                .contains("the 202 response is not JSON");
    }

    @Test
    void aSuccessThatMayBeJsonKeepsTheSchemaSilently() throws Exception {
        for (String type : new String[] {"*/*", "application/*", "application/problem+json"}) {
            ConfigReport report = new ConfigReport();

            OutputSchema schema = OutputSchema.of(responses("{\"content\": {\"" + type + "\": {}}}"), "r", report);

            assertThat(schema).as(type).isNotNull();
            assertThat(report.warnings()).as(type).isEmpty();
        }
    }

    @Test
    void twoJsonSchemasAreStillAProblemWhateverComesBeforeThem() throws Exception {
        ConfigReport report = new ConfigReport();

        OutputSchema.of(Json.parse("{\"201\": {\"content\": {\"text/plain\": {}}}, \"200\": {\"content\": "
                + "{\"application/json\": {\"schema\": " + ITEM + "}}}, \"203\": {\"content\": {\"application/json\": "
                + "{\"schema\": " + ITEM + "}}}}"), "r", report);

        assertThat(report.problems()).singleElement().asString().contains("only one 2xx response may have a JSON schema");
    }
}
