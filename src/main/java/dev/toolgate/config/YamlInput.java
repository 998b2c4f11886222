package dev.toolgate.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * YAML (and JSON) input the gateway reads from files, URLs and the Admin API, parsed in linear time
 * and bounded: document size in code points, nesting, string length, and the length of one token.
 * SnakeYAML scans a token without whitespace in time quadratic in its length (an 8 MB scalar took
 * 38 s), so a document with a token longer than {@link #MAX_TOKEN_CHARS} is refused before parsing;
 * JSON documents go to Jackson's JSON parser, which is linear. Aliases are not expanded by Jackson's
 * YAML reader (an alias reads as its anchor's name), so nested aliases cannot multiply a document; a
 * configuration and an OpenAPI document refuse them ({@link #readWithoutAliases}), since Kong, decK and
 * OpenAPI tools expand them.
 */
public final class YamlInput {

    /** The longest run of characters without whitespace a YAML document may have. */
    public static final int MAX_TOKEN_CHARS = 64 * 1024;
    /** Deepest nesting of mappings and sequences. */
    public static final int MAX_NESTING = 100;
    /** Longest string value. */
    public static final int MAX_STRING_CHARS = 16 * 1024 * 1024;

    /** A document that may not be parsed; the message says why, without quoting it. */
    public static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message, null, false, false);
        }
    }

    private YamlInput() {
    }

    /** A YAML mapper with these bounds; {@code strictKeys} refuses duplicate keys. */
    public static ObjectMapper mapper(int maxCodePoints, boolean strictKeys) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(!strictKeys);
        options.setCodePointLimit(maxCodePoints);
        options.setNestingDepthLimit(MAX_NESTING);
        options.setMaxAliasesForCollections(100);
        YAMLFactory factory = YAMLFactory.builder().loaderOptions(options)
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING)
                        .maxStringLength(MAX_STRING_CHARS).build())
                .build();
        YAMLMapper mapper = new YAMLMapper(factory);
        if (strictKeys) {
            mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        }
        return mapper;
    }

    /**
     * The document's tree, refusing any alias ({@code *name}) at its line: Jackson reads one as its anchor's
     * name, where Kong and decK read the anchored value, so {@code deny: [*vendors]} would deny a group named
     * {@code vendors} instead of the one the operator anchored, and let the other in.
     */
    public static com.fasterxml.jackson.databind.JsonNode readWithoutAliases(ObjectMapper yaml, byte[] document)
            throws java.io.IOException {
        return readWithoutAliases(yaml, document, "write the anchored value out (Kong reads the value, this gateway "
                + "would read the name)");
    }

    /** Same, the refusal ending with {@code advice}. */
    public static com.fasterxml.jackson.databind.JsonNode readWithoutAliases(ObjectMapper yaml, byte[] document,
                                                                            String advice) throws java.io.IOException {
        try (JsonParser parser = new AliasRefusing(yaml.getFactory().createParser(document), advice)) {
            return yaml.readTree(parser);
        }
    }

    /** A YAML parser that stops at the first alias. */
    private static final class AliasRefusing extends com.fasterxml.jackson.core.util.JsonParserDelegate {

        private final String advice;

        AliasRefusing(JsonParser yaml, String advice) {
            super(yaml);
            this.advice = advice;
        }

        @Override
        public com.fasterxml.jackson.core.JsonToken nextToken() throws java.io.IOException {
            return checked(super.nextToken());
        }

        @Override
        public String nextFieldName() throws java.io.IOException {
            String name = super.nextFieldName();
            checked(currentToken());
            return name;
        }

        private <T> T checked(T read) throws com.fasterxml.jackson.core.JsonParseException {
            if (delegate instanceof com.fasterxml.jackson.dataformat.yaml.YAMLParser yaml && yaml.isCurrentAlias()) {
                throw new com.fasterxml.jackson.core.JsonParseException(this, "a YAML alias (*name) is not supported: "
                        + advice);
            }
            return read;
        }
    }

    /** Refuses a YAML document with a token longer than {@link #MAX_TOKEN_CHARS}; linear in its length. */
    public static void checkTokens(byte[] document) {
        int run = 0;
        int line = 1;
        for (byte b : document) {
            if (b == ' ' || b == '\t' || b == '\n' || b == '\r') {
                run = 0;
                if (b == '\n') {
                    line++;
                }
            } else if (++run > MAX_TOKEN_CHARS) {
                throw new Refused("line " + line + " has more than " + MAX_TOKEN_CHARS + " characters without a "
                        + "space or line break, which YAML parses slowly; write the document as JSON");
            }
        }
    }

    /**
     * A parser's complaint on one line, without the excerpt of the document it usually quotes: a
     * problem message must never echo a file's content (it may be a secret the file was not meant for).
     */
    public static String describe(JsonProcessingException e, boolean json) {
        var at = e.getLocation();
        String where = at == null || at.getLineNr() < 0 ? "" : "line " + at.getLineNr() + ", column " + at.getColumnNr();
        if (e.getCause() instanceof MarkedYAMLException yaml) {
            String mark = !where.isEmpty() || yaml.getProblemMark() == null ? where
                    : "line " + (yaml.getProblemMark().getLine() + 1) + ", column " + (yaml.getProblemMark().getColumn() + 1);
            String problem = yaml.getProblem() == null ? "malformed YAML" : oneLine(yaml.getProblem());
            String context = yaml.getContext() == null ? "" : " (" + oneLine(yaml.getContext()) + ")";
            return prefixed(mark, problem + context);
        }
        if (!json && e.getCause() != null && e.getCause().getMessage() != null
                && e.getCause().getClass().getName().startsWith("org.yaml.snakeyaml")) {
            // the loader's own limits (document size, nesting, aliases) say what was passed, not what was read
            return prefixed(where, oneLine(e.getCause().getMessage()));
        }
        String original = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        if (original.startsWith("Duplicate field")) {
            return prefixed(where, oneLine(original.lines().findFirst().orElse(original)));
        }
        if (!json && original.startsWith("Expected a field name")) {
            // Jackson names the parser's event here (SequenceStartEvent...), which says nothing to a user
            return prefixed(where, "a key must be plain text; complex keys (? [...] or ? {...}) are not supported");
        }
        if (original.contains("constraint") || original.contains("exceeds the maximum")) {
            return prefixed(where, oneLine(original.replaceAll("\\(.*", "").strip()));
        }
        // Jackson's messages quote the token they stopped at ("Unrecognized token 'abc...'"): only what
        // names a single character or a JSON literal is kept
        String first = original.lines().findFirst().orElse("").replaceAll("\\s*at \\[Source.*", "");
        String kept = QUOTED.matcher(first).replaceAll(m -> m.group(1).length() <= 1
                || LITERALS.contains(m.group(1)) ? java.util.regex.Matcher.quoteReplacement(m.group()) : "'…'");
        return prefixed(where, kept.isBlank() ? (json ? "malformed JSON" : "malformed YAML") : oneLine(kept));
    }

    private static final java.util.regex.Pattern QUOTED = java.util.regex.Pattern.compile("'([^']*)'");
    private static final java.util.Set<String> LITERALS = java.util.Set.of("null", "true", "false", "NaN");

    private static String prefixed(String where, String what) {
        return where.isEmpty() ? what : where + ": " + what;
    }

    private static String oneLine(String text) {
        String line = text.replaceAll("\\s*\n\\s*", " ").strip();
        return line.length() > 200 ? line.substring(0, 200) + "…" : line;
    }
}
