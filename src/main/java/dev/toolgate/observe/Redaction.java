package dev.toolgate.observe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.toolgate.config.Redacted;
import dev.toolgate.config.SecretNames;
import dev.toolgate.mcp.Json;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What never reaches a log, a trace or the live page: credentials (the headers and query arguments
 * the gateway's authentication consumed, {@code Authorization}, cookies), anything whose name reads
 * like a secret ({@link SecretNames}), every value that came from a vault reference or decK
 * template, and the names the route's authentication reads keys from (key-auth's {@code key_names},
 * whatever they are called), in headers, the query and payloads alike. Masked values read
 * {@value Redacted#MASK}.
 *
 * @param referenceBySecret the loaded document's resolved secrets (value → its reference)
 * @param credentialNames   lower-case names a credential may be read from on the route (built once per
 *                          route at load): their header, query argument and payload field values are
 *                          masked (any case, as a header's name is)
 */
public record Redaction(Map<String, String> referenceBySecret, Set<String> credentialNames) {

    /** Redaction with no vault secrets (tests, validation). */
    public static final Redaction NONE = new Redaction(Map.of());

    /** The longest payload kept in a log entry; longer ones are cut and say so. */
    public static final int MAX_PAYLOAD_CHARS = 32 * 1024;

    /**
     * The largest message read to mask it for its payload: masking needs the whole tree, parsed on the event
     * loop, and only {@link #MAX_PAYLOAD_CHARS} of it would be shown.
     */
    public static final int MAX_MASKED_PAYLOAD_BYTES = 8 * MAX_PAYLOAD_CHARS;

    /** How deep JSON held in a payload's strings is read to mask it (JSON text inside JSON text...). */
    private static final int MAX_TEXT_DEPTH = 2;
    /** The longest JSON text inside a payload's string that is read to mask it. */
    static final int MAX_MASKED_TEXT = 2 * MAX_PAYLOAD_CHARS;
    /** MCP's progress token's field ({@link #progressHolder}). */
    private static final String PROGRESS_TOKEN = "progressToken";

    public Redaction {
        referenceBySecret = Map.copyOf(referenceBySecret);
        credentialNames = Set.copyOf(credentialNames.stream().map(n -> n.toLowerCase(Locale.ROOT)).toList());
    }

    /** Redaction of vault secrets and secret-sounding names only (no route's credential names). */
    public Redaction(Map<String, String> referenceBySecret) {
        this(referenceBySecret, Set.of());
    }

    /** True when the route's authentication may read a credential from a header or argument of this name. */
    public boolean credentialName(String name) {
        return !credentialNames.isEmpty() && credentialNames.contains(name.toLowerCase(Locale.ROOT));
    }

    /** A free text with every vault secret in it replaced by its reference. */
    public String text(String value) {
        if (value == null || referenceBySecret.isEmpty()) {
            return value;
        }
        String exact = referenceBySecret.get(value);
        if (exact != null) {
            return exact;
        }
        String shown = value;
        for (Map.Entry<String, String> secret : referenceBySecret.entrySet()) {
            if (secret.getKey().length() >= 4 && shown.contains(secret.getKey())) {
                shown = shown.replace(secret.getKey(), secret.getValue());
            }
        }
        return shown;
    }

    /**
     * A raw query string with the values of consumed, credential or secret-named arguments masked ({@code &}-separated,
     * as the upstream query is cut).
     */
    public String query(String raw, Set<String> consumed) {
        if (raw == null || raw.isEmpty()) {
            return raw;
        }
        StringBuilder out = new StringBuilder(raw.length());
        for (String pair : raw.split("&", -1)) {
            if (!out.isEmpty()) {
                out.append('&');
            }
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String decoded = decoded(name);
            if (eq >= 0 && (consumed.contains(decoded) || SecretNames.secretQueryArgument(decoded)
                    || credentialName(decoded))) {
                out.append(name).append('=').append(Redacted.MASK);
            } else {
                out.append(text(pair));
            }
        }
        return out.toString();
    }

    /**
     * An argument's name as the upstream reads it; as sent when it is not valid percent-encoding (any client
     * may send {@code ?%zz}: its exchange is logged all the same, the name judged as written).
     */
    private static String decoded(String name) {
        try {
            return java.net.URLDecoder.decode(name, java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return name;
        }
    }

    /**
     * A JSON-RPC message as a log's {@code payload} shows it: secret-named fields masked wherever they
     * are (a tool argument {@code header_x_api_key}, a {@code client_secret}), and fields named like one
     * of the route's credential names (a client may copy the key it sends in an {@code x-tenant} header
     * into a tool's arguments, and the plugin never read that field), vault secrets replaced, cut at
     * {@link #MAX_PAYLOAD_CHARS}. Bytes that are not valid JSON, or more than {@link #MAX_MASKED_PAYLOAD_BYTES}, are
     * not shown, only counted.
     *
     * @param consumedFields body fields the gateway's authentication consumed (masked too)
     */
    /** What a log shows of a payload over {@link #MAX_MASKED_PAYLOAD_BYTES}: its size alone. */
    public static String tooLarge(int length) {
        return "[" + length + " bytes, too large to mask, not shown]";
    }

    public String payload(byte[] bytes, int offset, int length, Set<String> consumedFields) {
        if (bytes == null || length <= 0) {
            return null;
        }
        if (length > MAX_MASKED_PAYLOAD_BYTES) {
            return tooLarge(length);
        }
        String shown;
        try {
            JsonNode tree = Json.parse(java.util.Arrays.copyOfRange(bytes, offset, offset + length));
            ObjectNode progress = progressHolder(tree);
            JsonNode token = progress == null || !shownProgressToken(consumedFields) ? null : progress.get(PROGRESS_TOKEN);
            mask(tree, consumedFields, 0);
            if (token != null && (token.isTextual() || token.isIntegralNumber())) {
                progress.set(PROGRESS_TOKEN, token.isTextual()
                        ? TextNode.valueOf(text(token.textValue(), consumedFields, 0)) : token);
            }
            shown = Json.text(tree);
        } catch (java.io.IOException | RuntimeException e) {
            // its fields cannot be told apart, so none is shown: a lenient parser upstream of this one (the
            // passthrough tap's) may have read a message whose password this one cannot find to mask
            shown = "[" + length + " bytes that are not valid JSON, not shown]";
        }
        return shown.length() > MAX_PAYLOAD_CHARS ? shown.substring(0, MAX_PAYLOAD_CHARS) + "…(truncated)" : shown;
    }

    /**
     * The object holding the message's MCP {@code progressToken}: {@code params._meta} of a request, or
     * {@code params} of a {@code notifications/progress}; null when it has none. The token names a request's
     * progress (the spec's string or integer, chosen by the client) and is what relates a progress notification
     * to its request in the logs: its name reads like a secret's, its place says it is not one.
     */
    private static ObjectNode progressHolder(JsonNode message) {
        if (!(message instanceof ObjectNode m) || !(m.get("params") instanceof ObjectNode params)) {
            return null;
        }
        if ("notifications/progress".equals(m.path("method").textValue()) && params.has(PROGRESS_TOKEN)) {
            return params;
        }
        return params.get("_meta") instanceof ObjectNode meta && meta.has(PROGRESS_TOKEN) ? meta : null;
    }

    /** A route that names {@code progressToken} among its credentials, or a gateway that consumed one, keeps it masked. */
    private boolean shownProgressToken(Set<String> consumedFields) {
        return !consumedFields.contains(PROGRESS_TOKEN) && !credentialName(PROGRESS_TOKEN);
    }

    /** Masks the node in place; true when anything in it changed. */
    private boolean mask(JsonNode node, Set<String> consumedFields, int depth) {
        boolean changed = false;
        if (node instanceof ObjectNode object) {
            for (var field : object.properties()) {
                JsonNode value = field.getValue();
                if (SecretNames.secret(field.getKey()) || consumedFields.contains(field.getKey())
                        || credentialName(field.getKey())) {
                    if (!value.isContainerNode() || value.isEmpty()) {
                        field.setValue(TextNode.valueOf(Redacted.MASK));
                    } else {
                        maskAll(value);
                    }
                    changed = true;
                } else if (value.isTextual()) {
                    String shown = text(value.textValue(), consumedFields, depth);
                    if (!shown.equals(value.textValue())) {
                        field.setValue(TextNode.valueOf(shown));
                        changed = true;
                    }
                } else {
                    changed |= mask(value, consumedFields, depth);
                }
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                JsonNode item = array.get(i);
                if (item.isTextual()) {
                    String shown = text(item.textValue(), consumedFields, depth);
                    if (!shown.equals(item.textValue())) {
                        array.set(i, TextNode.valueOf(shown));
                        changed = true;
                    }
                } else {
                    changed |= mask(item, consumedFields, depth);
                }
            }
        }
        return changed;
    }

    /**
     * A string inside a payload: a tool result's text content is often JSON itself (a REST answer), and
     * what it holds is masked as the message's own fields are, two levels of such text deep at most;
     * text that is not JSON, or holds nothing to mask, is kept as it was written. JSON text longer than
     * {@link #MAX_MASKED_TEXT} is not shown (reading it again on the event loop to mask it would cost
     * more than the entry is worth, and showing it unmasked could show a secret).
     */
    private String text(String value, Set<String> consumedFields, int depth) {
        String shown = text(value);
        if (depth >= MAX_TEXT_DEPTH || !startsLikeJson(shown)) {
            return shown;
        }
        if (shown.length() > MAX_MASKED_TEXT) {
            return "[JSON text of " + shown.length() + " characters, too long to mask]";
        }
        try {
            JsonNode inner = Json.parse(shown);
            return mask(inner, consumedFields, depth + 1) ? Json.text(inner) : shown;
        } catch (java.io.IOException | RuntimeException e) {
            return shown;
        }
    }

    private static boolean startsLikeJson(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!Character.isWhitespace(c)) {
                return c == '{' || c == '[';
            }
        }
        return false;
    }

    private static void maskAll(JsonNode node) {
        if (node instanceof ObjectNode object) {
            object.properties().forEach(field -> {
                if (field.getValue().isContainerNode()) {
                    maskAll(field.getValue());
                } else {
                    field.setValue(TextNode.valueOf(Redacted.MASK));
                }
            });
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                if (array.get(i).isContainerNode()) {
                    maskAll(array.get(i));
                } else {
                    array.set(i, TextNode.valueOf(Redacted.MASK));
                }
            }
        }
    }

    /** Its secrets masked: a message or log line that quotes it must not carry them. */
    @Override
    public String toString() {
        return Redacted.describe(this);
    }
}
