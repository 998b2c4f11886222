package dev.toolgate.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.toolgate.digest.Digests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Reads a declarative document (YAML or JSON): parse → resolve decK templates and vault references → read and validate
 * every entity. Problems go to the report; nothing is thrown for bad content, so callers can add the
 * problems found while provisioning and report them all at once.
 */
public final class ConfigLoader {

    /** Generated declarative files (openapi2mcp output for large APIs) run to tens of megabytes. */
    private static final int MAX_DOCUMENT_CODE_POINTS = 64 * 1024 * 1024;

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final ObjectMapper YAML = YamlInput.mapper(MAX_DOCUMENT_CODE_POINTS, true);

    private final Map<String, PluginSchema> schemas = new LinkedHashMap<>();
    private final UnaryOperator<String> environment;

    /**
     * @param schemas     the plugins Toolgate implements
     * @param environment environment lookup for {@code {vault://env/...}} references and decK templates
     */
    public ConfigLoader(List<PluginSchema> schemas, UnaryOperator<String> environment) {
        schemas.forEach(s -> this.schemas.put(s.name(), s));
        this.environment = environment;
    }

    /** Reads a file's bytes; an unreadable file is a problem, not a crash. */
    public static byte[] readFile(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw InvalidConfigException.of("", "cannot read " + file + ": no such file");
        } catch (java.nio.file.AccessDeniedException e) {
            throw InvalidConfigException.of("", "cannot read " + file + ": permission denied");
        } catch (IOException e) {
            throw InvalidConfigException.of("", "cannot read " + file + ": " + e.getMessage());
        }
    }

    /** Reads a document; returns null when it could not even be parsed (the report says why). */
    public DeclarativeConfig read(byte[] bytes, ConfigContext context, ConfigReport report) {
        JsonNode tree = parse(bytes, report);
        if (tree == null) {
            return null;
        }
        // what the file says, before anything is resolved into it: a mask is refused as written
        MaskedValues.refuse(tree, report);
        // decK renders its templates before Kong ever sees the file, so they go first
        DeckTemplates templates = new DeckTemplates(environment);
        templates.resolve(tree, report);
        VaultReferences vault = new VaultReferences(environment);
        vault.resolve(tree, report);
        Map<String, String> secrets = new HashMap<>(templates.templateBySecret());
        secrets.putAll(vault.referenceBySecret());
        report.redact(secrets);
        return new DeclarativeReader(schemas, context).read(ConfigNode.root(tree, report), secrets, hash(bytes));
    }

    /** Content hash of a document: 32 hex characters of its SHA-256. */
    public static String hash(byte[] bytes) {
        return HexFormat.of().formatHex(Digests.sha256(bytes), 0, 16);
    }

    private static JsonNode parse(byte[] bytes, ConfigReport report) {
        boolean json = looksLikeJson(bytes);
        try {
            if (!json) {
                YamlInput.checkTokens(bytes);
            }
            JsonNode tree = json ? JSON.readTree(bytes) : YamlInput.readWithoutAliases(YAML, bytes);
            if (tree == null || tree.isMissingNode() || tree.isNull()) {
                report.problem("", "the document is empty");
                return null;
            }
            if (!tree.isObject()) {
                report.problem("", "the document must be a mapping with _format_version, services, routes, ...");
                return null;
            }
            return tree;
        } catch (YamlInput.Refused e) {
            report.problem("", "not valid YAML: " + e.getMessage());
            return null;
        } catch (JsonProcessingException e) {
            report.problem("", "not valid " + (json ? "JSON" : "YAML") + ": " + YamlInput.describe(e, json));
            return null;
        } catch (IOException e) {
            report.problem("", "cannot parse the document");
            return null;
        }
    }

    private static boolean looksLikeJson(byte[] bytes) {
        for (byte b : bytes) {
            if (!Character.isWhitespace(b)) {
                return b == '{' || b == '[';
            }
        }
        return false;
    }
}
