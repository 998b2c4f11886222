package dev.toolgate.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.config.ConfigReport;
import dev.toolgate.mode.conversion.BodyPart;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keywords written beside a {@code $ref}: in OpenAPI 3.1 (JSON Schema 2020-12) they apply with the referenced
 * schema, in OpenAPI 3.0 they are ignored (its description aside).
 */
class ReferenceSiblingsTest {

    static final String DOCUMENT = """
            openapi: %s
            info: {title: t, version: "1"}
            paths:
              /pets:
                post:
                  operationId: addPet
                  requestBody:
                    content:
                      application/json:
                        schema:
                          type: object
                          properties:
                            pet: {$ref: "#/components/schemas/Pet", required: [name], description: the pet}
                            owner: {$ref: "#/components/schemas/Holder/properties/owner", required: [login]}
                            stamp: {$ref: "#/components/schemas/Stamp", readOnly: true}
                          required: [pet, stamp]
                  responses:
                    "204": {description: added}
            components:
              schemas:
                Pet: {type: object, required: [kind], properties: {kind: {type: string}, name: {type: string}}}
                Stamp: {type: string}
                Holder:
                  properties:
                    owner: {type: object, required: [id], properties: {id: {type: integer}, login: {type: string}}}
            """;

    private static JsonNode body(String version) {
        ToolGenerator.Generated generated = SchemaConverterTest.generate(DOCUMENT.formatted(version), "pets.yaml");
        return generated.tools().getFirst().requestBody().at("/content/application~1json/schema");
    }

    @Test
    void inOpenApi31ARequiredBesideAComponentReferenceIsKeptBesideIt() {
        JsonNode body = body("3.1.0");

        assertThat(body.at("/properties/pet").toString())
                .isEqualTo("{\"$ref\":\"#/$defs/Pet\",\"required\":[\"name\"],\"description\":\"the pet\"}");
        assertThat(body.at("/$defs/Pet/required").toString()).isEqualTo("[\"kind\"]");
    }

    @Test
    void inOpenApi31ARequiredBesideAReferenceCopiedInPlaceJoinsItAsAnAllOfPart() {
        JsonNode owner = body("3.1.0").at("/properties/owner");

        assertThat(owner.at("/required").toString()).as("%s", owner).isEqualTo("[\"login\"]");
        assertThat(owner.at("/allOf/0/required").toString()).as("%s", owner).isEqualTo("[\"id\"]");
    }

    @Test
    void inOpenApi31AReadOnlyBesideAReferenceMakesThePropertyNoArgument() {
        JsonNode body = body("3.1.0");

        assertThat(body.at("/properties").has("stamp")).as("%s", body).isFalse();
        assertThat(body.at("/required").toString()).isEqualTo("[\"pet\"]");
    }

    @Test
    void aMultipartBodyThatIsAReferenceWithARequiredBesideItRequiresTheComponentsFieldsAndThatOne() {
        ToolGenerator.Generated generated = SchemaConverterTest.generate("""
                openapi: 3.1.0
                info: {title: t, version: "1"}
                paths:
                  /uploads:
                    post:
                      operationId: upload
                      requestBody:
                        content:
                          multipart/form-data:
                            schema: {$ref: "#/components/schemas/Upload", required: [title]}
                      responses:
                        "204": {description: uploaded}
                components:
                  schemas:
                    Upload:
                      type: object
                      required: [file]
                      properties: {file: {type: string, format: binary}, title: {type: string}}
                """, "uploads.yaml");

        JsonNode body = BodyPart.of(generated.tools().getFirst().requestBody(), "upload", new ConfigReport()).schema();

        assertThat(body.at("/required").toString()).as("%s", body).isEqualTo("[\"title\",\"file\"]");
        assertThat(body.at("/properties/file/contentEncoding").asText()).as("%s", body).isEqualTo("base64");
    }

    @Test
    void inOpenApi30KeywordsBesideAReferenceAreIgnoredButItsDescription() {
        JsonNode body = body("3.0.3");

        assertThat(body.at("/properties/pet").toString()).isEqualTo("{\"$ref\":\"#/$defs/Pet\",\"description\":\"the pet\"}");
        assertThat(body.at("/properties").has("stamp")).isTrue();
        assertThat(body.at("/required").toString()).isEqualTo("[\"pet\",\"stamp\"]");
    }
}
