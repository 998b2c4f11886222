package dev.toolgate.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.mcp.Json;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ServerUrlsTest {

    static JsonNode servers(String json) throws IOException {
        return Json.parse(json);
    }

    @Test
    void aRelativeServerOfAFetchedDocumentResolvesAgainstItsUrl() throws IOException {
        assertThat(ServerUrls.first(servers("[{\"url\": \"/v1/\"}]"), "https://api.example.com/docs/openapi.yaml"))
                .isEqualTo("https://api.example.com/v1");
    }

    @Test
    void aRelativeServerThatIsNoUriIsKeptAsWritten() throws IOException {
        // a variable without a default stays a placeholder: the document still loads
        assertThat(ServerUrls.first(servers("[{\"url\": \"/{base}/v1\"}]"), "https://api.example.com/openapi.yaml"))
                .isEqualTo("/{base}/v1");
    }

    @Test
    void aFetchedDocumentWhoseServerIsNoUriGivesItsTools() {
        byte[] document = """
                openapi: 3.0.0
                info: {title: x, version: '1'}
                servers: [{url: '/{base}/v1'}]
                paths:
                  /a:
                    get:
                      operationId: a
                      responses: {'200': {description: ok}}
                """.getBytes(StandardCharsets.UTF_8);
        OpenApiDocument parsed = OpenApiDocument.parse(document, "https://api.example.com/openapi.yaml");
        assertThat(new ToolGenerator(parsed, new OperationFilter(List.of(), List.of())).generate().tools()).hasSize(1);
    }

    @Test
    void anOperationSkippedForItsOwnServerNamesTheServersWithoutTheCredentialsOfTheSpecUrl() {
        String secret = "glpat-7f3a9c2e1b";
        byte[] document = """
                openapi: 3.0.0
                info: {title: x, version: '1'}
                servers: [{url: /v1}]
                paths:
                  /a:
                    get:
                      operationId: a
                      servers: [{url: /v2}]
                      responses: {'200': {description: ok}}
                """.getBytes(StandardCharsets.UTF_8);
        OpenApiDocument parsed = OpenApiDocument.parse(document, "https://ci:" + secret + "@gitlab.internal/x/openapi.yaml");
        List<ToolGenerator.Skipped> skipped = new ToolGenerator(parsed, new OperationFilter(List.of(), List.of()))
                .generate().skipped();
        assertThat(skipped).hasSize(1);
        assertThat(skipped.getFirst().reason())
                .contains("uses its own server https://gitlab.internal/v2 (the document's is https://gitlab.internal/v1)")
                .doesNotContain(secret, "ci:");
    }
}
