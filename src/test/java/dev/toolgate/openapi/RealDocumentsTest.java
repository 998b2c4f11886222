package dev.toolgate.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.toolgate.mcp.ToolNames;
import dev.toolgate.mode.OpenApiSource;
import dev.toolgate.mode.ToolSpec;
import dev.toolgate.testing.Configs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.yaml.snakeyaml.LoaderOptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every real API description in ../shared/fixtures/openapi converts: each operation becomes a tool or
 * is skipped with a reason, names are valid and unique, and every generated argument schema is valid
 * JSON Schema 2020-12 (checked against the 2020-12 meta-schema).
 */
class RealDocumentsTest {

    static final Path FIXTURES = Path.of("..", "shared", "fixtures", "openapi");
    private static final Schema META_SCHEMA = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
            .getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));

    @ParameterizedTest(name = "{0}: {1} operations, {2} skipped")
    @CsvSource({
            "box-platform-api-v3.0.json, 296, 14",
            "discord-api-v10-v3.1.json, 242, 0",
            "github-rest-api-v3.0.json, 1223, 2",
            "oai-v2.0-petstore.json, 3, 0",
            "oai-v3.0-api-with-examples.yaml, 2, 0",
            "oai-v3.0-callback-example.yaml, 1, 0",
            "oai-v3.0-link-example.yaml, 6, 0",
            "oai-v3.0-petstore-expanded.yaml, 4, 0",
            "oai-v3.0-petstore.yaml, 3, 0",
            "oai-v3.0-uspto.yaml, 3, 0",
            "oai-v3.1-non-oauth-scopes.yaml, 1, 0",
            "oai-v3.1-webhook-example.yaml, 0, 0",
            "slack-web-api-v2.0.json, 174, 0",
            "spotify-web-api-v3.0.yaml, 97, 1",
            "stripe-api-v3.0.yaml, 468, 1",
            "swagger-petstore-v2.0.yaml, 20, 0",
            "swagger-petstore-v3.0.yaml, 19, 1",
            "twilio-api-v2010-v3.0.json, 197, 0",
    })
    void everyOperationBecomesAToolOrIsSkippedWithAReason(String file, int operations, int skipped) throws Exception {
        Path path = fixture(file);
        assertThat(countOperations(path)).as("operations in %s (SOURCES.md)", file).isEqualTo(operations);

        ToolGenerator.Generated generated = new ToolGenerator(OpenApiDocument.parse(Files.readAllBytes(path),
                path.toString()), new OperationFilter(List.of(), List.of())).generate();

        assertThat(generated.skipped()).as("skipped operations").hasSize(skipped)
                .allSatisfy(s -> assertThat(s.reason()).isNotBlank());
        assertThat(generated.tools()).hasSize(operations - skipped);
        Set<String> names = new HashSet<>();
        for (ToolSpec tool : generated.tools()) {
            assertThat(ToolNames.isValid(tool.name())).as("valid name %s", tool.name()).isTrue();
            assertThat(names.add(tool.name())).as("unique name %s", tool.name()).isTrue();
            assertThat(tool.description()).isNotBlank();
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"box-platform-api-v3.0.json", "discord-api-v10-v3.1.json", "github-rest-api-v3.0.json",
            "slack-web-api-v2.0.json", "spotify-web-api-v3.0.yaml", "stripe-api-v3.0.yaml",
            "swagger-petstore-v2.0.yaml", "swagger-petstore-v3.0.yaml", "twilio-api-v2010-v3.0.json",
            "oai-v3.0-uspto.yaml", "oai-v3.0-petstore-expanded.yaml"})
    void everyGeneratedInputSchemaIsValidJsonSchema2020(String file) throws Exception {
        Path path = fixture(file);
        var document = OpenApiDocument.parse(Files.readAllBytes(path), path.toString());
        for (ToolSpec tool : new ToolGenerator(document, new OperationFilter(List.of(), List.of())).generate().tools()) {
            for (JsonNode schema : schemasOf(tool)) {
                assertThat(META_SCHEMA.validate(schema)).as("%s: %s", tool.name(), schema).isEmpty();
            }
        }
    }

    @Test
    void discordsEmptyEnumIsDroppedWithAWarningSoAJoinRequestsActionIsAccepted() throws Exception {
        Path path = fixture("discord-api-v10-v3.1.json");
        ToolGenerator.Generated generated = new ToolGenerator(OpenApiDocument.parse(Files.readAllBytes(path),
                path.toString()), new OperationFilter(List.of(), List.of())).generate();
        ToolSpec tool = generated.tools().stream().filter(t -> t.name().equals("action_guild_join_request"))
                .findFirst().orElseThrow();
        JsonNode body = tool.requestBody().path("content").elements().next().get("schema");

        Schema schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(body);
        assertThat(schema.validate(new ObjectMapper().readTree("{\"action\":\"APPROVED\"}"))).as("%s", body).isEmpty();
        assertThat(schema.validate(new ObjectMapper().readTree("{\"action\":\"MAYBE\"}"))).isNotEmpty();
        assertThat(generated.adjusted()).anySatisfy(note -> assertThat(note)
                .contains("/guilds/{guild_id}/requests/{request_id}").contains("enum is []"));
    }

    @Test
    void twiliosDocumentServesEveryOperationThoughItsRangeFiltersShareOnePortableName() {
        Path path = fixture("twilio-api-v2010-v3.0.json");
        Configs.Checked checked = Configs.check("""
                _format_version: "3.0"
                services:
                  - name: twilio
                    url: https://api.twilio.com
                    routes:
                      - name: twilio-mcp
                        paths: [/twilio-mcp]
                        plugins:
                          - name: ai-mcp-proxy
                            config:
                              mode: conversion-listener
                              openapi: {spec: %s}
                """.formatted(path.getFileName()), path.toAbsolutePath().getParent());

        assertThat(checked.problems()).isEmpty();
        assertThat(checked.warnings()).noneMatch(warning -> warning.contains("skipped"));
        assertThat(checked.snapshot().toolSets().values().iterator().next().tools()).hasSize(197);
    }

    @Test
    void theMetaSchemaCheckRejectsAnInvalidSchema() throws Exception {
        assertThat(META_SCHEMA.validate(new ObjectMapper().readTree("{\"type\":\"strng\"}"))).isNotEmpty();
    }

    @Test
    void theDocumentBrokenByDesignFailsWithAClearMessage() {
        Path path = fixture("swagger-petstore-v3.1.yaml");
        // its `$ref: /components/schemas/petdetails#pet_details_id` names a file, as swagger-parser reads it, and
        // its `$id`s would move where swagger-parser reads it from: the `$id` is refused first
        assertThatThrownBy(() -> OpenApiDocument.load(new OpenApiSource(path.getFileName().toString(), List.of(), List.of()),
                new OpenApiDocument.Access(FIXTURES, false)))
                .isInstanceOf(OpenApiException.class)
                .hasMessageContaining("at /components/schemas/PetDetails: a $id");
    }

    @Test
    void anEmptyReferenceFailsWithAHintAboutYamlComments() throws Exception {
        // the same document's other mistake: `$ref: #/components/...` unquoted is an empty reference
        byte[] document = """
                openapi: 3.1.0
                info: {title: x, version: '1'}
                paths:
                  /a:
                    get:
                      responses:
                        '200':
                          description: ok
                          content:
                            application/json:
                              schema:
                                $ref: #/components/schemas/petdetails
                """.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        var parsed = OpenApiDocument.parse(document, "petstore.yaml");
        assertThatThrownBy(() -> new ToolGenerator(parsed, new OperationFilter(List.of(), List.of())).generate())
                .isInstanceOf(OpenApiException.class)
                .hasMessageContaining("$ref is empty")
                .hasMessageContaining("an unquoted # starts a comment");
    }

    static Path fixture(String file) {
        assumeTrue(Files.isDirectory(FIXTURES), "the fixtures folder ../shared/fixtures/openapi is absent");
        return FIXTURES.resolve(file);
    }

    private static List<JsonNode> schemasOf(ToolSpec tool) {
        List<JsonNode> schemas = new java.util.ArrayList<>();
        tool.parameters().forEach(p -> schemas.add(p.schema()));
        if (tool.requestBody() != null) {
            tool.requestBody().path("content").forEach(m -> schemas.add(m.get("schema")));
        }
        if (tool.responses() != null) {
            tool.responses().forEach(r -> r.path("content").forEach(m -> schemas.add(m.get("schema"))));
        }
        return schemas;
    }

    /** Path items × HTTP methods, as SOURCES.md counts them (webhooks not included). */
    private static int countOperations(Path path) throws Exception {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(64 * 1024 * 1024);
        ObjectMapper mapper = path.toString().endsWith(".json") ? new ObjectMapper()
                : new YAMLMapper(YAMLFactory.builder().loaderOptions(options).build());
        int count = 0;
        for (JsonNode item : mapper.readTree(path.toFile()).path("paths")) {
            for (String method : List.of("get", "put", "post", "delete", "options", "head", "patch", "trace")) {
                if (item.has(method)) {
                    count++;
                }
            }
        }
        return count;
    }
}
