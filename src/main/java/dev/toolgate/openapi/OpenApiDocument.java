package dev.toolgate.openapi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.toolgate.mode.OpenApiSource;
import io.swagger.parser.OpenAPIParser;
import io.swagger.v3.core.util.Json;
import io.swagger.v3.core.util.Json31;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import org.yaml.snakeyaml.LoaderOptions;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * An OpenAPI document as one OpenAPI 3.x JSON tree, whatever it was written as. OpenAPI 3.0 and 3.1
 * documents are read directly as trees; Swagger 2.0 goes through swagger-parser's converter, and so
 * do documents with references to other files (swagger-parser resolves them). Loading blocks: it
 * runs at configuration load, never on an event loop.
 */
public final class OpenApiDocument {

    private static final int MAX_BYTES = 256 * 1024 * 1024;
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final ObjectMapper YAML = yamlMapper();

    private final JsonNode root;
    private final String location;

    private OpenApiDocument(JsonNode root, String location) {
        this.root = root;
        this.location = location;
    }

    /** Loads the document a plugin's {@code config.openapi.spec} names. */
    public static OpenApiDocument load(OpenApiSource source, Path baseDirectory) {
        if (source.remote()) {
            return parse(fetch(source.spec()), source.spec());
        }
        Path file = source.file(baseDirectory);
        try {
            return parse(Files.readAllBytes(file), file.toString());
        } catch (IOException e) {
            throw new OpenApiException("cannot read " + file + ": " + e.getMessage());
        }
    }

    /** Parses a document; {@code location} names it in messages and anchors relative references. */
    public static OpenApiDocument parse(byte[] content, String location) {
        JsonNode tree = tree(content, location);
        String openapi = tree.path("openapi").asText("");
        if (tree.path("swagger").asText("").startsWith("2.")) {
            return new OpenApiDocument(viaSwaggerParser(content, location, false), location);
        }
        if (!openapi.startsWith("3.0") && !openapi.startsWith("3.1")) {
            throw new OpenApiException(location + " is not an OpenAPI 3.0/3.1 or Swagger 2.0 document "
                    + "(no 'openapi: 3.x' or 'swagger: \"2.0\"' field)");
        }
        if (hasExternalReference(tree)) {
            return new OpenApiDocument(viaSwaggerParser(content, location, openapi.startsWith("3.1")), location);
        }
        return new OpenApiDocument(tree, location);
    }

    /** The document root (OpenAPI 3.x). */
    public JsonNode root() {
        return root;
    }

    /** Where it came from. */
    public String location() {
        return location;
    }

    /** True for OpenAPI 3.0 (and converted Swagger 2.0): {@code nullable} is a keyword there. */
    public boolean isOpenApi30() {
        return root.path("openapi").asText("").startsWith("3.0");
    }

    /** The node a local reference ({@code #/...}) points to, or null. */
    public JsonNode resolve(String reference) {
        if (reference == null || !reference.startsWith("#")) {
            return null;
        }
        String pointer = percentDecoded(reference.substring(1));
        if (!pointer.isEmpty() && !pointer.startsWith("/")) {
            return null;
        }
        JsonNode node = root.at(pointer);
        return node.isMissingNode() ? null : node;
    }

    /**
     * The node a chain of {@code $ref}s starting at {@code node} ends at ({@code node} itself when it is
     * no reference). The chain is cut after 16 hops so that a reference cycle cannot loop forever.
     *
     * @param where where the node is, for the message when a reference does not resolve
     */
    JsonNode dereferenced(JsonNode node, String where) {
        JsonNode current = node;
        for (int hops = 0; current.has("$ref") && hops < 16; hops++) {
            String ref = current.get("$ref").asText();
            JsonNode target = resolve(ref);
            if (target == null) {
                throw new OpenApiException(where + ": $ref '" + ref + "' does not resolve in " + location);
            }
            current = target;
        }
        return current;
    }

    private static String percentDecoded(String text) {
        if (text.indexOf('%') < 0) {
            return text;
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%' && i + 2 < text.length() && isHex(text.charAt(i + 1)) && isHex(text.charAt(i + 2))) {
                out.write(Integer.parseInt(text.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static boolean isHex(char c) {
        return Character.digit(c, 16) >= 0;
    }

    private static JsonNode tree(byte[] content, String location) {
        boolean json = looksLikeJson(content);
        try {
            JsonNode tree = (json ? JSON : YAML).readTree(content);
            if (tree == null || !tree.isObject()) {
                throw new OpenApiException(location + " is empty or not a mapping");
            }
            return tree;
        } catch (JsonProcessingException e) {
            var at = e.getLocation();
            throw new OpenApiException(location + " is not valid " + (json ? "JSON" : "YAML")
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")")
                    + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new OpenApiException("cannot parse " + location + ": " + e.getMessage());
        }
    }

    private static JsonNode viaSwaggerParser(byte[] content, String location, boolean openapi31) {
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        boolean local = !location.startsWith("http://") && !location.startsWith("https://");
        SwaggerParseResult result = local && Files.exists(Path.of(location))
                ? new OpenAPIParser().readLocation(Path.of(location).toAbsolutePath().toString(), null, options)
                : new OpenAPIParser().readContents(new String(content, StandardCharsets.UTF_8), null, options);
        if (result.getOpenAPI() == null) {
            throw new OpenApiException(location + " cannot be loaded: " + String.join("; ", result.getMessages()));
        }
        return openapi31 ? Json31.mapper().valueToTree(result.getOpenAPI()) : Json.mapper().valueToTree(result.getOpenAPI());
    }

    /** A reference to another file or URL ({@code common.yaml#/Pet}, {@code https://...}). */
    private static boolean hasExternalReference(JsonNode node) {
        if (node.isObject()) {
            JsonNode ref = node.get("$ref");
            if (ref != null && ref.isTextual() && isExternal(ref.asText())) {
                return true;
            }
        }
        for (JsonNode child : node) {
            if (child.isContainerNode() && hasExternalReference(child)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isExternal(String ref) {
        int hash = ref.indexOf('#');
        String target = (hash < 0 ? ref : ref.substring(0, hash)).toLowerCase(java.util.Locale.ROOT);
        return target.startsWith("http://") || target.startsWith("https://") || target.endsWith(".json")
                || target.endsWith(".yaml") || target.endsWith(".yml");
    }

    private static byte[] fetch(String url) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        try {
            HttpResponse<byte[]> response = client.send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(30)).header("accept", "application/json, application/yaml, */*")
                    .build(), HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                throw new OpenApiException("fetching " + url + " answered HTTP " + response.statusCode());
            }
            if (response.body().length > MAX_BYTES) {
                throw new OpenApiException(url + " is larger than " + MAX_BYTES + " bytes");
            }
            return response.body();
        } catch (IOException e) {
            throw new OpenApiException("cannot fetch " + url + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OpenApiException("interrupted while fetching " + url);
        } catch (IllegalArgumentException e) {
            throw new OpenApiException("'" + url + "' is not a valid URL");
        }
    }

    private static boolean looksLikeJson(byte[] bytes) {
        for (byte b : bytes) {
            if (!Character.isWhitespace(b)) {
                return b == '{';
            }
        }
        return false;
    }

    private static ObjectMapper yamlMapper() {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(MAX_BYTES);
        options.setMaxAliasesForCollections(10_000);
        return new YAMLMapper(YAMLFactory.builder().loaderOptions(options).build());
    }
}
