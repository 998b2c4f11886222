package dev.toolgate.openapi;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.regex.Pattern;

/**
 * The local files an OpenAPI document is read from. A configuration also arrives through the Admin
 * API, so by default {@code config.openapi.spec} and every file it references must lie inside the
 * config file's folder (symbolic links resolved): a document cannot make the gateway read
 * {@code /etc/passwd} or a neighbour's {@code .env}. Reads are bounded in size.
 */
final class SpecFiles {

    /** How many files one document may pull in through references. */
    static final int MAX_REFERENCED_FILES = 256;
    /** A URI scheme ({@code http:}, {@code file:}, {@code jar:}...): the reference names a URL, not a file. */
    private static final Pattern SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*:");

    private SpecFiles() {
    }

    /**
     * {@code file}, or a refusal when it lies outside the folder and that is not allowed. A name that leaves
     * the folder by its letters ({@code ../x}, {@code /etc/x}), under the folder's name and under its real one,
     * is refused before the file system is asked anything about it; one inside the folder is then followed
     * through symbolic links, which must stay inside too.
     */
    static Path confined(Path file, OpenApiDocument.Access access) {
        if (access.outsideAllowed()) {
            return file;
        }
        Path folder = access.baseDirectory().toAbsolutePath().normalize();
        Path realFolder = real(folder);
        Path named = file.toAbsolutePath().normalize();
        // the folder may be named through a link (/etc/toolgate -> /opt/tg/conf), and a file by either name
        if (!(named.startsWith(folder) || named.startsWith(realFolder)) || !real(named).startsWith(realFolder)) {
            throw new OpenApiException("'" + file + "' is outside the configuration's folder " + folder
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
     *
     * @return every file read
     */
    static Set<Path> checkReferences(JsonNode document, Path location, OpenApiDocument.Access access,
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
                Path file = file(folder, ref);
                if (!seen.add(file)) {
                    continue;
                }
                if (seen.size() > MAX_REFERENCED_FILES) {
                    throw new OpenApiException("references more than " + MAX_REFERENCED_FILES + " files");
                }
                confined(file, access);
                JsonNode referenced = parser.apply(read(file, OpenApiDocument.MAX_BYTES), file.toString());
                pointsOutside(referenced, file.toString());
                refuseIds(referenced, file.toString());
                trees.push(referenced);
                folders.push(file.getParent());
            }
        }
        return Set.copyOf(seen);
    }

    /** The file a reference names, or a refusal when no file can have that name (a NUL in it, say). */
    private static Path file(Path folder, String ref) {
        try {
            return folder.resolve(ref).normalize();
        } catch (InvalidPathException e) {
            throw new OpenApiException("$ref '" + printable(ref) + "' cannot name a file: " + e.getReason());
        }
    }

    private static String printable(String text) {
        StringBuilder out = new StringBuilder();
        text.codePoints().limit(200).forEach(c -> out.append(Character.isISOControl(c)
                ? String.format("\\u%04x", c) : Character.toString(c)));
        return out.toString();
    }

    /**
     * True when a {@code $ref} of the tree points outside the document: at another file, by swagger-parser's
     * reading of references ({@code common.yaml#/S}, {@code ../x.txt#/S}, {@code ./x}, {@code /abs/x},
     * anything with a dot), and not only the {@code .yaml}/{@code .json} ones: swagger-parser reads whatever a
     * reference names, so every one it would read must be checked. {@code #/...} and a bare component name
     * (Swagger 2.0's {@code $ref: Pet}) stay inside.
     *
     * <p>A tree with a {@code $ref} to a URL, whatever its scheme, is refused: swagger-parser would fetch it
     * while loading the configuration (an {@code http://169.254.169.254/} reference is a request from inside
     * the network, and its own client has no size bound), or read a {@code file:} or {@code jar:} URL that the
     * folder check never sees. The operator names the one document to fetch; what it references is not
     * theirs to choose.
     *
     * @param location the document the tree was read from, for the message
     */
    static boolean pointsOutside(JsonNode tree, String location) {
        boolean outside = false;
        Deque<JsonNode> pending = new ArrayDeque<>();
        pending.push(tree);
        while (!pending.isEmpty()) {
            JsonNode node = pending.pop();
            JsonNode ref = node.get("$ref");
            if (ref != null && ref.isTextual()) {
                if (SCHEME.matcher(ref.asText()).lookingAt()) {
                    throw new OpenApiException(location + ": $ref '" + ref.asText() + "' points at a URL, which Toolgate "
                            + "does not fetch; bundle the document into one file, or keep the files it references beside it");
                }
                outside |= isOutside(ref.asText());
            }
            node.forEach(child -> {
                if (child.isContainerNode()) {
                    pending.push(child);
                }
            });
        }
        return outside;
    }

    /**
     * swagger-parser's test for a relative file reference, widened to every character that may start a path
     * and to any {@code /}: swagger-parser keeps {@code schemas/Pet} as a file reference, which must be
     * checked like any other.
     */
    private static boolean isOutside(String ref) {
        return !ref.startsWith("#") && (ref.startsWith(".") || ref.indexOf('#') > 0 || ref.contains("/")
                || ref.contains(".") || ref.contains(":") || ref.contains("\\"));
    }

    /**
     * Refuses a JSON Schema {@code $id} in a tree that swagger-parser resolves. Its OpenAPI 3.1 resolver
     * resolves each {@code $ref} against the {@code $id}s around it, so an {@code $id} moves references past
     * the checks above, which see only the {@code $ref}: {@code {$id: 'http://169.254.169.254/latest/',
     * $ref: 'meta-data/iam/info'}} would be fetched, {@code {$id: '/', $ref: 'etc/passwd'}} read. Every
     * {@code $id} is refused rather than judged: the checks cannot follow a base they do not compute.
     */
    static void refuseIds(JsonNode tree, String location) {
        Deque<JsonNode> pending = new ArrayDeque<>();
        Deque<String> places = new ArrayDeque<>();
        pending.push(tree);
        places.push("");
        while (!pending.isEmpty()) {
            JsonNode node = pending.pop();
            String place = places.pop();
            if (node.path("$id").isTextual()) {
                throw new OpenApiException(location + " at " + (place.isEmpty() ? "/" : place) + ": a $id in a "
                        + "document with references to other files would change where they are read from; remove the "
                        + "$id, or bundle the document into one file");
            }
            if (node.isObject()) {
                node.properties().forEach(e -> push(pending, places, e.getValue(), place + "/" + escaped(e.getKey())));
            } else {
                for (int i = 0; i < node.size(); i++) {
                    push(pending, places, node.get(i), place + "/" + i);
                }
            }
        }
    }

    private static void push(Deque<JsonNode> pending, Deque<String> places, JsonNode child, String place) {
        if (child.isContainerNode()) {
            pending.push(child);
            places.push(place);
        }
    }

    private static String escaped(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }

    /** The file part of every {@code $ref} of the tree that points at another file. */
    private static Set<String> references(JsonNode root) {
        Set<String> files = new HashSet<>();
        Deque<JsonNode> pending = new ArrayDeque<>();
        pending.push(root);
        while (!pending.isEmpty()) {
            JsonNode node = pending.pop();
            JsonNode ref = node.get("$ref");
            if (ref != null && ref.isTextual() && isOutside(ref.asText())) {
                String target = ref.asText();
                int hash = target.indexOf('#');
                files.add(hash < 0 ? target : target.substring(0, hash));
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
