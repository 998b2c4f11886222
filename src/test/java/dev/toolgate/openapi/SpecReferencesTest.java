package dev.toolgate.openapi;

import com.sun.net.httpserver.HttpServer;
import dev.toolgate.mode.OpenApiSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What a document's {@code $ref}s may make the gateway read while it loads the configuration: files
 * beside the document, and nothing else unless the operator allowed files elsewhere. Never a URL, and
 * nothing at all from a document that was itself fetched from a URL.
 */
class SpecReferencesTest {

    static final String SECRET = "sk-live-not-for-the-document";

    @TempDir
    Path root;
    Path folder;
    HttpServer server;
    final AtomicInteger requests = new AtomicInteger();
    final Map<String, String> served = new ConcurrentHashMap<>();

    @BeforeEach
    void start() throws IOException {
        folder = Files.createDirectories(root.resolve("config"));
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            String body = served.getOrDefault(exchange.getRequestURI().getPath(), "S: {type: string}\n");
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    static String openapi(String ref) {
        return """
                openapi: 3.0.0
                info: {title: x, version: '1'}
                paths:
                  /a:
                    get:
                      operationId: a
                      responses:
                        '200':
                          description: ok
                          content:
                            application/json:
                              schema: {$ref: '%s'}
                """.formatted(ref);
    }

    OpenApiDocument load(String spec) {
        return OpenApiDocument.load(new OpenApiSource(spec, List.of(), List.of()), new OpenApiDocument.Access(folder, false));
    }

    @Test
    void aReferenceToAUrlIsRefusedAndNeverFetched() throws IOException {
        Files.writeString(folder.resolve("spec.yaml"), openapi(url("/metadata.yaml") + "#/S"));

        assertThatThrownBy(() -> load("spec.yaml")).isInstanceOf(OpenApiException.class)
                .hasMessageContaining("points at a URL");
        assertThat(requests).hasValue(0);
    }

    @Test
    void aReferenceToAUrlInAReferencedFileIsRefusedAndNeverFetched() throws IOException {
        Files.writeString(folder.resolve("spec.yaml"), openapi("common.yaml#/S"));
        Files.writeString(folder.resolve("common.yaml"), "S: {$ref: '" + url("/metadata.yaml") + "#/S'}\n");

        assertThatThrownBy(() -> load("spec.yaml")).isInstanceOf(OpenApiException.class)
                .hasMessageContaining("points at a URL");
        assertThat(requests).hasValue(0);
    }

    @Test
    void aReferenceWhoseFileNameHasANulIsRefusedWithAMessage() throws IOException {
        Files.writeString(folder.resolve("spec.json"), """
                {"openapi": "3.0.0", "info": {"title": "x", "version": "1"}, "paths": {"/a": {"get": {"responses":
                  {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "a\\u0000.json#/S"}}}}}}}}}
                """);

        assertThatThrownBy(() -> load("spec.json")).isInstanceOf(OpenApiException.class)
                .hasMessage("$ref 'a\\u0000.json' cannot name a file: Nul character not allowed");
    }

    @Test
    void aConfigurationFolderReachedThroughALinkServesASpecNamedByItsRealPath() throws IOException {
        // /etc/toolgate -> /opt/tg/conf, and the spec named /opt/tg/conf/api.yaml: inside the folder, by its real name
        Files.writeString(folder.resolve("api.yaml"), openapi("common.yaml#/S"));
        Files.writeString(folder.resolve("common.yaml"), "S: {type: string, description: beside}\n");
        Path linked = root.resolve("linked-config");
        try {
            Files.createSymbolicLink(linked, folder);
        } catch (UnsupportedOperationException e) {
            return;
        }

        OpenApiDocument document = OpenApiDocument.load(new OpenApiSource(folder.resolve("api.yaml").toString(), List.of(),
                List.of()), new OpenApiDocument.Access(linked, false));

        assertThat(document.root().toString()).contains("beside");
    }

    @Test
    void filesBesideTheDocumentAreRead() throws IOException {
        Files.writeString(folder.resolve("spec.yaml"), openapi("schemas/common.yaml#/S"));
        Files.createDirectories(folder.resolve("schemas"));
        Files.writeString(folder.resolve("schemas/common.yaml"), "S: {$ref: 'more.yaml#/T'}\n");
        Files.writeString(folder.resolve("schemas/more.yaml"), "T: {type: string, description: beside}\n");

        OpenApiDocument document = load("spec.yaml");

        assertThat(document.root().toString()).contains("beside");
    }

    @Test
    void aDocumentFetchedFromAUrlReadsNoLocalFile() throws IOException {
        Path secret = root.resolve("secret.yaml");
        Files.writeString(secret, "S: {type: string, description: " + SECRET + "}\n");
        served.put("/spec.yaml", openapi(secret.toAbsolutePath() + "#/S"));

        assertThatThrownBy(() -> load(url("/spec.yaml"))).isInstanceOf(OpenApiException.class)
                .hasMessageContaining("self-contained").hasMessageNotContaining(SECRET);
    }

    @Test
    void aDocumentFetchedFromAUrlReadsNoFileOfTheGatewaysWorkingDirectory() throws IOException {
        // a relative reference in a fetched document resolved against the process's working directory
        Path secret = Files.createDirectories(Path.of("target")).resolve("spec-references-secret.yaml");
        Files.writeString(secret, "S: {type: string, description: " + SECRET + "}\n");
        try {
            served.put("/spec.yaml", openapi("target/spec-references-secret.yaml#/S"));

            assertThatThrownBy(() -> load(url("/spec.yaml"))).isInstanceOf(OpenApiException.class)
                    .hasMessageContaining("self-contained").hasMessageNotContaining(SECRET);
        } finally {
            Files.deleteIfExists(secret);
        }
    }

    static String swagger2(String ref) {
        return """
                swagger: "2.0"
                info: {title: x, version: '1'}
                paths:
                  /a:
                    get:
                      operationId: a
                      responses:
                        '200':
                          description: ok
                          schema: {$ref: '%s'}
                definitions:
                  Pet: {type: object, description: a pet}
                """.formatted(ref);
    }

    @Test
    void aSwagger2ReferenceToAFileOfAnyExtensionStaysInTheFolder() throws IOException {
        Files.writeString(root.resolve("secret.txt"), "S: {type: string, description: " + SECRET + "}\n");
        Files.writeString(folder.resolve("spec.yaml"), swagger2(root.resolve("secret.txt").toAbsolutePath() + "#/S"));

        assertThatThrownBy(() -> load("spec.yaml")).isInstanceOf(OpenApiException.class)
                .hasMessageContaining("outside the configuration's folder").hasMessageNotContaining(SECRET);
    }

    @Test
    void aSwagger2ReferenceToAFileUrlIsRefused() throws IOException {
        Files.writeString(root.resolve("secret.txt"), "S: {type: string, description: " + SECRET + "}\n");
        Files.writeString(folder.resolve("spec.yaml"), swagger2(root.resolve("secret.txt").toUri() + "#/S"));

        assertThatThrownBy(() -> load("spec.yaml")).isInstanceOf(OpenApiException.class)
                .hasMessageContaining("points at a URL").hasMessageNotContaining(SECRET);
    }

    @Test
    void aSwagger2ReferenceByComponentNameStillResolves() throws IOException {
        Files.writeString(folder.resolve("spec.yaml"), swagger2("Pet"));

        assertThat(load("spec.yaml").root().path("components").path("schemas").path("Pet").path("description")
                .asText()).isEqualTo("a pet");
    }

    static String openapi31(String schema) {
        return """
                openapi: 3.1.0
                info: {title: x, version: '1'}
                paths:
                  /a:
                    get:
                      operationId: a
                      responses:
                        '200':
                          description: ok
                          content:
                            application/json:
                              schema: {$ref: './common.yaml#/S'}
                  /b:
                    get:
                      operationId: b
                      responses:
                        '200':
                          description: ok
                          content:
                            application/json:
                              schema: %s
                """.formatted(schema);
    }

    @Test
    void anIdThatMovesReferencesToAUrlIsRefusedAndNothingIsFetched() throws IOException {
        Files.writeString(folder.resolve("common.yaml"), "S: {type: string}\n");
        Files.writeString(folder.resolve("spec.yaml"),
                openapi31("{$id: '" + url("/latest/") + "', $ref: 'meta-data/iam/info'}"));

        assertThatThrownBy(() -> load("spec.yaml")).isInstanceOf(OpenApiException.class)
                .hasMessageContaining("$id").hasMessageContaining("/paths/~1b/get/responses/200/content/application~1json/schema");
        assertThat(requests).hasValue(0);
    }

    @Test
    void anIdThatMovesReferencesOutsideTheFolderIsRefusedAndTheFileNeverRead() throws IOException {
        Files.createDirectories(root.resolve("outside"));
        Files.writeString(root.resolve("outside/secret"), "{type: string, description: " + SECRET + "}\n");
        Files.writeString(folder.resolve("common.yaml"), "S: {type: string}\n");
        Files.writeString(folder.resolve("spec.yaml"),
                openapi31("{$id: '" + root.toAbsolutePath() + "/', $ref: 'outside/secret'}"));

        assertThatThrownBy(() -> load("spec.yaml")).isInstanceOf(OpenApiException.class)
                .hasMessageContaining("$id").hasMessageNotContaining(SECRET);
    }

    @Test
    void aReferenceWithASlashButNoDotStaysInTheFolder() throws IOException {
        Files.createDirectories(root.resolve("outside"));
        Files.writeString(root.resolve("outside/Pet"), "{type: string, description: " + SECRET + "}\n");
        Files.createSymbolicLink(folder.resolve("schemas"), root.resolve("outside"));
        Files.writeString(folder.resolve("common.yaml"), "S: {type: string}\n");
        Files.writeString(folder.resolve("spec.yaml"), openapi31("{$ref: 'schemas/Pet'}"));

        assertThatThrownBy(() -> load("spec.yaml")).isInstanceOf(OpenApiException.class)
                .hasMessageContaining("outside the configuration's folder").hasMessageNotContaining(SECRET);
    }

    @Test
    void componentsOfOneNameInTwoFilesKeepTheirOwnDefinitionsInEachTool() throws IOException {
        Files.writeString(folder.resolve("spec.yaml"), """
                openapi: 3.0.3
                info: {title: t, version: "1"}
                paths:
                  /teams:
                    post:
                      operationId: createTeam
                      requestBody:
                        required: true
                        content: {application/json: {schema: {$ref: 'other.yaml#/components/schemas/User'}}}
                      responses: {"204": {description: ok}}
                  /users:
                    post:
                      operationId: createUser
                      requestBody:
                        required: true
                        content: {application/json: {schema: {$ref: 'third.yaml#/components/schemas/User'}}}
                      responses: {"204": {description: ok}}
                  /both:
                    post:
                      operationId: both
                      parameters:
                        - {name: a, in: query, schema: {$ref: 'other.yaml#/components/schemas/Holder'}}
                        - {name: b, in: query, schema: {$ref: 'third.yaml#/components/schemas/Holder'}}
                      responses: {"204": {description: ok}}
                """);
        Files.writeString(folder.resolve("third.yaml"), """
                components:
                  schemas:
                    User: {type: object, required: [login], properties: {login: {type: string}}}
                    Holder: {type: object, properties: {u: {$ref: '#/components/schemas/User'}}}
                """);
        Files.writeString(folder.resolve("other.yaml"), """
                components:
                  schemas:
                    User: {type: object, required: [name], properties: {name: {type: string}}}
                    Holder: {type: object, properties: {u: {$ref: '#/components/schemas/User'}}}
                """);
        var tools = new ToolGenerator(load("spec.yaml"), new OperationFilter(List.of(), List.of())).generate().tools();

        // each file's User is its own, under a name of its own, in the tools and in the components they reach
        assertThat(body(tools.get(0)).toString()).contains("\"name\"").doesNotContain("login");
        assertThat(body(tools.get(1)).toString()).contains("login").doesNotContain("\"name\"");
        String a = tools.get(2).parameters().get(0).schema().toString();
        String b = tools.get(2).parameters().get(1).schema().toString();
        assertThat(a).contains("\"name\"").doesNotContain("login");
        assertThat(b).contains("login").doesNotContain("\"name\"");
    }

    private static com.fasterxml.jackson.databind.JsonNode body(dev.toolgate.mode.ToolSpec tool) {
        return tool.requestBody().at("/content/application~1json/schema");
    }
}
