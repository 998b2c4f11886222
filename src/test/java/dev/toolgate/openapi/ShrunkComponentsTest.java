package dev.toolgate.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** A component shrunk to a stub (past a tool's schema budget) never makes a schema refuse what the document allows. */
class ShrunkComponentsTest {

    static final String DOCUMENT = """
            openapi: 3.1.0
            info: {title: x, version: '1'}
            paths: {}
            components:
              schemas:
                Small: {type: object, properties: {a: {type: string}}, required: [a]}
                Big:
                  type: object
                  additionalProperties: false
                  required: [b]
                  properties:
                    b: {type: string, description: a long description that makes the component too large for the budget}
            """;
    static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode served(String schema) throws Exception {
        OpenApiDocument document = OpenApiDocument.parse(DOCUMENT.getBytes(StandardCharsets.UTF_8), "doc.yaml");
        return new SchemaConverter(document).selfContained(JSON.readTree(schema), "here", 80,
                OneWayProperties.Direction.RESPONSE);
    }

    static boolean accepts(JsonNode schema, String value) throws Exception {
        return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(schema)
                .validate(JSON.readTree(value)).isEmpty();
    }

    @Test
    void aValueOfOneOneOfBranchStaysValidWhenTheOtherBranchIsShrunk() throws Exception {
        JsonNode schema = served("{\"oneOf\":[{\"$ref\":\"#/components/schemas/Small\"},{\"$ref\":\"#/components/schemas/Big\"}]}");

        assertThat(schema.toString()).contains("not expanded here");
        assertThat(accepts(schema, "{\"a\":\"x\"}")).as("%s", schema).isTrue();
    }

    @Test
    void aNotOfAShrunkComponentNoLongerRefusesEveryObject() throws Exception {
        JsonNode schema = served("{\"properties\":{\"x\":{\"not\":{\"$ref\":\"#/components/schemas/Big\"}}}}");

        assertThat(accepts(schema, "{\"x\":{\"a\":\"x\"}}")).as("%s", schema).isTrue();
    }
}
