package dev.toolgate.openapi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.toolgate.config.Redacted;
import dev.toolgate.config.YamlInput;
import dev.toolgate.mode.OpenApiSource;
import io.swagger.parser.OpenAPIParser;
import io.swagger.v3.core.util.Json;
import io.swagger.v3.core.util.Json31;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * An OpenAPI document as one OpenAPI 3.x JSON tree, whatever it was written as. OpenAPI 3.0 and 3.1
 * documents are read directly as trees; Swagger 2.0 goes through swagger-parser's converter, and so
 * do documents with references to other files (swagger-parser resolves them). Loading blocks: it
 * runs at configuration load, never on an event loop.
 */
public final class OpenApiDocument {

    /** The largest document read (GitHub's, among the largest public ones, is 13 MB). */
    static final int MAX_BYTES = 64 * 1024 * 1024;
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final ObjectMapper YAML = YamlInput.mapper(MAX_BYTES, false);

    static {
        SwaggerParserLimits.apply(MAX_BYTES);
    }

    /**
     * Where a document may be read from.
     *
     * @param baseDirectory   relative paths resolve here (the config file's folder)
     * @param outsideAllowed  files outside {@code baseDirectory} may be read (the operator said so)
     */
    public record Access(Path baseDirectory, boolean outsideAllowed) {
    }

    private final JsonNode root;
    private final String location;
    /** The other local files it was read from (those its references name). */
    private Set<Path> files = Set.of();

    private OpenApiDocument(JsonNode root, String location) {
        this.root = root;
        this.location = location;
    }

    /** Loads the document a plugin's {@code config.openapi.spec} names. */
    public static OpenApiDocument load(OpenApiSource source, Access access) {
        if (source.remote()) {
            return parse(SpecFetch.fetch(source.spec(), MAX_BYTES), source.spec());
        }
        Path file = SpecFiles.confined(source.file(access.baseDirectory()), access);
        byte[] content = SpecFiles.read(file, MAX_BYTES);
        OpenApiDocument document = parse(content, file.toString(), access);
        return document;
    }

    /** Parses a document; {@code location} names it in messages and anchors relative references. */
    public static OpenApiDocument parse(byte[] content, String location) {
        return parse(content, location, null);
    }

    /** Same; the files {@code location}'s references name must be allowed by {@code access} (null: any). */
    static OpenApiDocument parse(byte[] content, String location, Access access) {
        JsonNode tree = tree(content, location);
        // one walk of the whole tree: GitHub's document takes ~30 ms of a start for each
        boolean external = SpecFiles.pointsOutside(tree, location);
        if (external) {
            if (isUrl(location)) {
                // swagger-parser reads them from files, resolved against the gateway's working directory (or
                // absolute): what a fetched document names is on the gateway's disk, which it has no say about
                throw new OpenApiException(shown(location) + " references other files; a document fetched from a URL must be "
                        + "self-contained (bundle it into one document, or save its files beside the configuration)");
            }
            SpecFiles.refuseIds(tree, shown(location));
        }
        Set<Path> referenced = Set.of();
        if (external) {
            // with any file allowed, each is still read within bounds first: swagger-parser never meets one
            // that is missing or that it would choke on
            Access allowed = access != null ? access : new Access(Path.of(location).toAbsolutePath().getParent(), true);
            referenced = SpecFiles.checkReferences(tree, Path.of(location), allowed, OpenApiDocument::tree);
        }
        OpenApiDocument document = new OpenApiDocument(converted(tree, location, external), location);
        document.files = referenced;
        return document;
    }

    private static JsonNode converted(JsonNode tree, String location, boolean external) {
        String openapi = tree.path("openapi").asText("");
        if (tree.path("swagger").asText("").startsWith("2.")) {
            return viaSwaggerParser(tree, location, false, external);
        }
        if (!openapi.startsWith("3.0") && !openapi.startsWith("3.1")) {
            throw new OpenApiException(shown(location) + " is not an OpenAPI 3.0/3.1 or Swagger 2.0 document "
                    + "(no 'openapi: 3.x' or 'swagger: \"2.0\"' field)");
        }
        return external ? viaSwaggerParser(tree, location, openapi.startsWith("3.1"), true) : tree;
    }

    /** The other local files the document was read from: those its references name, and theirs. */
    public Set<Path> files() {
        return files;
    }

    /** The document root (OpenAPI 3.x). */
    public JsonNode root() {
        return root;
    }

    /** Where it came from. */
    public String location() {
        return location;
    }

    /** Where it came from, as messages name it: credentials written in a URL masked, as the Admin API shows it. */
    public String shown() {
        return shown(location);
    }

    private static String shown(String location) {
        return Redacted.url(location);
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
                throw new OpenApiException(where + ": $ref '" + ref + "' does not resolve in " + shown());
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

    /** Parses with the bounds of {@link YamlInput}; a message gives the position, never the content. */
    static JsonNode tree(byte[] content, String location) {
        boolean json = looksLikeJson(content);
        try {
            if (!json) {
                YamlInput.checkTokens(content);
            }
            // an alias would read as its anchor's name where other OpenAPI tools read the anchored value: refused
            JsonNode tree = json ? JSON.readTree(content) : YamlInput.readWithoutAliases(YAML, content,
                    "write the anchored value out, or use a $ref to a component");
            if (tree == null || !tree.isObject()) {
                throw new OpenApiException(shown(location) + " is empty or not a mapping");
            }
            return tree;
        } catch (YamlInput.Refused e) {
            throw new OpenApiException(shown(location) + " is not valid YAML: " + e.getMessage());
        } catch (JsonProcessingException e) {
            throw new OpenApiException(shown(location) + " is not valid " + (json ? "JSON" : "YAML") + ": "
                    + YamlInput.describe(e, json));
        } catch (IOException e) {
            throw new OpenApiException("cannot parse " + shown(location));
        }
    }

    /**
     * Converts (Swagger 2.0) or resolves external references with swagger-parser. A document without
     * external references is handed over as the JSON of the tree already read within bounds, so that
     * swagger-parser's own YAML loader (which expands aliases) never sees it; one with references is
     * read from its location, with swagger-parser's loader bounded ({@link SwaggerParserLimits}) and
     * every referenced file already checked ({@link SpecFiles#checkReferences}).
     */
    private static JsonNode viaSwaggerParser(JsonNode tree, String location, boolean openapi31, boolean external) {
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        boolean local = !isUrl(location);
        SwaggerParseResult result = local && external && Files.exists(Path.of(location))
                ? new OpenAPIParser().readLocation(Path.of(location).toAbsolutePath().toString(), null, options)
                : new OpenAPIParser().readContents(jsonText(tree), null, options);
        if (result.getOpenAPI() == null) {
            throw new OpenApiException(shown(location) + " cannot be loaded: " + String.join("; ", result.getMessages()));
        }
        return openapi31 ? Json31.mapper().valueToTree(result.getOpenAPI()) : Json.mapper().valueToTree(result.getOpenAPI());
    }

    private static String jsonText(JsonNode tree) {
        try {
            return JSON.writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new OpenApiException("cannot convert the document: " + e.getOriginalMessage());
        }
    }

    private static boolean isUrl(String location) {
        return location.startsWith("http://") || location.startsWith("https://");
    }

    private static boolean looksLikeJson(byte[] bytes) {
        for (byte b : bytes) {
            if (!Character.isWhitespace(b)) {
                return b == '{';
            }
        }
        return false;
    }
}
