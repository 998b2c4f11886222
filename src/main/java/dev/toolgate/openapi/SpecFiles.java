package dev.toolgate.openapi;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * The local files an OpenAPI document is read from. A configuration also arrives through the Admin
 * API, so by default {@code config.openapi.spec} and every file it references must lie inside the
 * config file's folder (symbolic links resolved): a document cannot make the gateway read
 * {@code /etc/passwd} or a neighbour's {@code .env}. Reads are bounded in size.
 */
final class SpecFiles {

    /** How many files one document may pull in through references. */
    static final int MAX_REFERENCED_FILES = 256;

    private SpecFiles() {
    }

    /** {@code file}, or a refusal when it lies outside the folder and that is not allowed. */
    static Path confined(Path file, OpenApiDocument.Access access) {
        if (access.outsideAllowed()) {
            return file;
        }
        Path base = real(access.baseDirectory().toAbsolutePath().normalize());
        Path target = real(file.toAbsolutePath().normalize());
        if (!target.startsWith(base)) {
            throw new OpenApiException("'" + file + "' is outside the configuration's folder " + base
                    + "; put the document beside the configuration, or run with --allow-spec-outside-config-dir");
        }
        return file;
    }

    /** The file's bytes, up to {@code maxBytes}. */
    static byte[] read(Path file, int maxBytes) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] content = in.readNBytes(maxBytes + 1);
            if (content.length > maxBytes) {
                throw new OpenApiException(file + " is larger than " + maxBytes + " bytes");
            }
            return content;
        } catch (NoSuchFileException e) {
            throw new OpenApiException("cannot read " + file + ": no such file");
        } catch (IOException e) {
            throw new OpenApiException("cannot read " + file + ": " + e.getClass().getSimpleName());
        }
    }

    /**
     * Checks every file the document references, and the files those reference, before swagger-parser
     * reads them: each must be allowed by {@code access}, and parse within the same bounds as the
     * document itself (so swagger-parser never meets a file it would choke on).
     */
    static void checkReferences(JsonNode document, Path location, OpenApiDocument.Access access,
                                BiFunction<byte[], String, JsonNode> parser) {
        Set<Path> seen = new HashSet<>();
        Deque<JsonNode> trees = new ArrayDeque<>();
        Deque<Path> folders = new ArrayDeque<>();
        trees.push(document);
        folders.push(location.toAbsolutePath().getParent());
        while (!trees.isEmpty()) {
            JsonNode tree = trees.pop();
            Path folder = folders.pop();
            for (String ref : references(tree)) {
                Path file = folder.resolve(ref).normalize();
                if (!seen.add(file)) {
                    continue;
                }
                if (seen.size() > MAX_REFERENCED_FILES) {
                    throw new OpenApiException("references more than " + MAX_REFERENCED_FILES + " files");
                }
                confined(file, access);
                trees.push(parser.apply(read(file, OpenApiDocument.MAX_BYTES), file.toString()));
                folders.push(file.getParent());
            }
        }
    }

    /** The file part of every external, non-URL {@code $ref} in the tree. */
    private static Set<String> references(JsonNode root) {
        Set<String> files = new HashSet<>();
        Deque<JsonNode> pending = new ArrayDeque<>();
        pending.push(root);
        while (!pending.isEmpty()) {
            JsonNode node = pending.pop();
            JsonNode ref = node.get("$ref");
            // any reference with a file part, whatever its extension: swagger-parser would read it
            if (ref != null && ref.isTextual() && !ref.asText().startsWith("#")) {
                String target = ref.asText();
                int hash = target.indexOf('#');
                String file = hash < 0 ? target : target.substring(0, hash);
                if (!file.startsWith("http://") && !file.startsWith("https://") && !file.isEmpty()) {
                    files.add(file);
                }
            }
            node.forEach(child -> {
                if (child.isContainerNode()) {
                    pending.push(child);
                }
            });
        }
        return files;
    }

    private static Path real(Path path) {
        try {
            return path.toRealPath();
        } catch (IOException e) {
            return path;
        }
    }
}
