package dev.toolgate.mcp;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.io.UncheckedIOException;

/**
 * The one JSON mapper of the wire layer. Protocol messages are read as trees so that fields we do
 * not know pass through untouched; numbers keep their exact form (big decimals stay decimals).
 */
public final class Json {

    /** Lenient reader and compact writer for protocol messages. */
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();

    /**
     * The reader of a client's message: {@link #MAPPER}'s, and an object that repeats a key is a parse
     * error. Parsers disagree on which copy counts (Jackson and JavaScript take the last, others the
     * first), so a gateway that decided on one copy and forwarded both could authorize one tool while
     * the server runs another.
     */
    private static final ObjectReader CLIENT = MAPPER.reader().with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    /** Keys longer than this are cut when a parse error names them: the message never echoes much of the body. */
    private static final int MAX_KEY_SHOWN = 64;

    private Json() {
    }

    /** A new empty JSON object. */
    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /**
     * Parses bytes into a tree; throws {@link JsonProcessingException} with the position on bad input.
     * The bytes must be UTF-8 (RFC 8259 §8.1), strictly: Jackson itself decodes overlong forms
     * ({@code C0 AE} as a dot) and detects UTF-16, either of which would let a message say something
     * other than what a byte-level filter in front of the gateway saw.
     */
    public static JsonNode parse(byte[] bytes) throws IOException {
        checkUtf8(bytes);
        try {
            return MAPPER.readTree(bytes);
        } catch (NumberFormatException e) {
            throw tooLargeNumber(e);
        }
    }

    /**
     * Parses a client's message as {@link #parse(byte[])} does, and refuses an object that repeats a key
     * (RFC 8259 §4 leaves what it means to each parser). Answers from upstreams go through
     * {@link #parse(byte[])}: the gateway tolerates what a server sends.
     */
    public static JsonNode parseClientMessage(byte[] bytes) throws IOException {
        checkUtf8(bytes);
        try {
            return CLIENT.readTree(bytes);
        } catch (NumberFormatException e) {
            throw tooLargeNumber(e);
        }
    }

    /** Parses text into a tree; throws {@link JsonProcessingException} on bad input. */
    public static JsonNode parse(String text) throws JsonProcessingException {
        try {
            return MAPPER.readTree(text);
        } catch (NumberFormatException e) {
            throw tooLargeNumber(e);
        }
    }

    private static final java.util.regex.Pattern ENABLE_HINT = java.util.regex.Pattern.compile(": enable `[^`]+` to allow");
    private static final java.util.regex.Pattern BOUND_AS = java.util.regex.Pattern.compile(
            " \\(bound as `[^`]+`\\): not allowed as per `[^`]+`");
    private static final java.util.regex.Pattern SOURCE = java.util.regex.Pattern.compile("Source: REDACTED \\(`[^`]+` disabled\\); ");
    private static final java.util.regex.Pattern COMMENTS = java.util.regex.Pattern.compile(
            " \\(not recognized as one since Feature '[A-Z_]+' not enabled for parser\\)");

    /**
     * What a parse failure says to the client who sent the JSON: the parser's message without its
     * advice to the gateway's programmers (which parser features would have allowed the input, which
     * class the value was bound as).
     */
    public static String problem(JsonProcessingException e) {
        String text = e.getOriginalMessage() == null ? "not JSON" : e.getOriginalMessage();
        if (text.startsWith(DUPLICATE) && text.endsWith("'")) {
            return duplicateKey(text.substring(DUPLICATE.length(), text.length() - 1));
        }
        text = ENABLE_HINT.matcher(text).replaceAll(", which JSON does not allow");
        text = BOUND_AS.matcher(text).replaceAll(": a body holds one JSON value");
        text = SOURCE.matcher(text).replaceAll("");
        return COMMENTS.matcher(text).replaceAll(" (JSON has no comments)");
    }

    /** How Jackson's {@code STRICT_DUPLICATE_DETECTION} starts its message ({@code Duplicate field 'name'}). */
    private static final String DUPLICATE = "Duplicate field '";

    /** {@code duplicate key "name" in the message}, a long key cut (it is the client's text). */
    private static String duplicateKey(String key) {
        if (key.length() <= MAX_KEY_SHOWN) {
            return "duplicate key " + text(key) + " in the message";
        }
        int cut = Character.isHighSurrogate(key.charAt(MAX_KEY_SHOWN - 1)) ? MAX_KEY_SHOWN - 1 : MAX_KEY_SHOWN;
        return "duplicate key " + text(key.substring(0, cut)) + "... in the message";
    }

    /** {@code 1E999999999999999999} is valid JSON, but no BigDecimal holds it: a parse error, not a crash. */
    private static JsonProcessingException tooLargeNumber(NumberFormatException e) {
        return new JsonParseException(null, "a number is out of range (its exponent is too large)");
    }

    private static void checkUtf8(byte[] bytes) throws JsonProcessingException {
        checkUtf8(bytes, 0, bytes.length);
    }

    /**
     * Refuses bytes that are not UTF-8 (MCP's encoding): a client's message in UTF-16 or UTF-32, which
     * Jackson would detect and read, is refused as on every endpoint rather than read by some.
     */
    public static void checkUtf8(byte[] bytes, int offset, int length) throws JsonProcessingException {
        boolean ascii = true;
        for (int i = offset; i < offset + length; i++) {
            byte b = bytes[i];
            if (b == 0) {
                throw new JsonParseException(null, "the body is not UTF-8 JSON (it has NUL bytes; UTF-16?)");
            }
            ascii &= b >= 0;
        }
        if (ascii) {
            return;
        }
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes, offset, length));
        } catch (CharacterCodingException e) {
            throw new JsonParseException(null, "the body is not valid UTF-8 (malformed or overlong byte sequence)");
        }
    }

    /** Serializes a tree (or any value) to compact UTF-8 bytes. */
    public static byte[] bytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Serializes a tree (or any value) to a compact string. */
    public static String text(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A JSON-RPC id as compact JSON text ({@code 42}, {@code "abc"}), as {@link JsonNode#toString()} writes
     * it; the ids of every observed message go through here, so the common ones skip the serializer.
     */
    public static String idText(JsonNode id) {
        if (id.isInt() || id.isLong()) {
            return id.asText();
        }
        if (id.isTextual() && plain(id.textValue())) {
            return '"' + id.textValue() + '"';
        }
        return id.toString();
    }

    /** True when a string's JSON form is the string quoted: printable ASCII, no quote or backslash. */
    private static boolean plain(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code value} nests objects or arrays deeper than {@code levels} (reading no deeper than that). */
    public static boolean deeperThan(JsonNode value, int levels) {
        if (!value.isContainerNode()) {
            return false;
        }
        if (levels == 0) {
            return true;
        }
        for (JsonNode item : value) {
            if (deeperThan(item, levels - 1)) {
                return true;
            }
        }
        return false;
    }
}
