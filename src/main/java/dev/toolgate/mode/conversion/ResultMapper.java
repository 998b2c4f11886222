package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import dev.toolgate.http.UpstreamException;
import dev.toolgate.http.UpstreamResponse;
import dev.toolgate.mcp.Json;
import dev.toolgate.mcp.MediaTypes;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * Maps an upstream exchange to a {@code CallToolResult}. A 2xx answer becomes content (JSON and text
 * as text, images and audio as such, other bytes as an embedded blob) plus {@code structuredContent}
 * when the tool has an output schema. Everything else, including a timeout or an unreachable
 * upstream, is a result with {@code isError: true} that says what happened, so the model can react;
 * so is a text answer whose bytes are not valid in its charset (UTF-8 unless it names another), as an
 * answer in a content coding the gateway cannot undo is.
 */
final class ResultMapper {

    /** How much of an error body is quoted back. */
    static final int EXCERPT_CHARS = 2048;

    /** How much of one schema error is listed: its place and message quote the value's keys and text. */
    static final int ERROR_CHARS = 300;

    private ResultMapper() {
    }

    static ObjectNode fromResponse(Tool tool, UpstreamResponse response) {
        return fromResponse(tool, response, BoundedPatterns.fresh());
    }

    /** @param patterns what the output schema's patterns may read, shared with the request's other calls */
    static ObjectNode fromResponse(Tool tool, UpstreamResponse response, long[] patterns) {
        if (response.status() < 200 || response.status() > 299) {
            return error("The API answered HTTP " + response.status() + statusText(response) + excerpt(response));
        }
        String type = response.contentType();
        byte[] bytes = response.body().getBytes();
        String mime = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        // an empty answer is no content whatever its type says (some frameworks type every answer)
        if (tool.outputValidator() != null && !isText(mime) && bytes.length > 0) {
            ObjectNode content = mime.startsWith("image/") ? binary("image", mime, bytes)
                    : mime.startsWith("audio/") ? binary("audio", mime, bytes) : blob(mime, bytes);
            return result(content, null, true, "The API answered " + mime + ", but the tool promises JSON output");
        }
        if (mime.startsWith("image/")) {
            return result(binary("image", mime, bytes), null, false);
        }
        if (mime.startsWith("audio/")) {
            return result(binary("audio", mime, bytes), null, false);
        }
        if (!isText(mime) && bytes.length > 0) {
            return result(blob(mime, bytes), null, false);
        }
        Charset charset = charset(type);
        String text;
        try {
            text = decode(bytes, charset);
        } catch (CharacterCodingException e) {
            // replacement characters would pass for the service's own words, and a strict client could not tell
            return fromFailure(new UpstreamException(UpstreamException.Kind.BROKEN, tool.request().target().service(),
                    "sent an answer that is not valid " + charset.name()));
        }
        if (tool.outputValidator() == null) {
            return result(text(text.isEmpty() ? "HTTP " + response.status() + " (no content)" : text), null, false);
        }
        if (text.isEmpty()) {
            return empty(tool, response.status());
        }
        return structured(tool, text, patterns);
    }

    /**
     * An answer without content from a tool with an output schema: {@code {}} when the schema admits it (the
     * operation documents a 2xx answer without content); otherwise an error that still says the API answered
     * 2xx, so the model does not take a DELETE that took effect for one that failed.
     */
    private static ObjectNode empty(Tool tool, int status) {
        ObjectNode nothing = Json.object();
        ObjectNode said = text("HTTP " + status + " (no content)");
        if (tool.outputValidator().validate(nothing).isEmpty()) {
            return result(said, nothing, false);
        }
        return result(said, null, true, "The API answered HTTP " + status
                + " without content, but the tool's output schema promises JSON");
    }

    private static ObjectNode structured(Tool tool, String text, long[] patterns) {
        JsonNode parsed;
        try {
            parsed = Json.parse(text);
        } catch (JsonProcessingException e) {
            return result(text(text), null, true, "The API's answer is not JSON, but the tool promises JSON output: "
                    + e.getOriginalMessage());
        }
        JsonNode structured = tool.wrapsOutput() ? wrap(parsed) : parsed;
        if (structured == null || !structured.isObject()) {
            return result(text(text), null, true, "The API's answer is not a JSON object as the tool's output schema says");
        }
        List<Error> errors = tool.outputValidator().validate(structured, patterns);
        if (!errors.isEmpty()) {
            return result(text(text), null, true, "The API's answer does not match the tool's output schema: "
                    + messages(errors));
        }
        return result(text(text), structured, false);
    }

    static ObjectNode fromFailure(UpstreamException failure) {
        String what = switch (failure.kind()) {
            case TIMEOUT -> "The API did not answer in time: ";
            case CONNECT -> "The API could not be reached: ";
            case TOO_LARGE -> "The API's answer was too large: ";
            case BROKEN -> "The call to the API failed: ";
        };
        return error(what + failure.getMessage());
    }

    static ObjectNode invalidArguments(String tool, List<Error> errors) {
        return invalidArguments(tool, messages(errors));
    }

    static ObjectNode invalidArguments(String tool, String problem) {
        return error("Invalid arguments for tool " + tool + ": " + problem);
    }

    static ObjectNode error(String message) {
        return result(text(message), null, true);
    }

    /**
     * Each message prefixed with where it applies ({@code query_limit: string found, integer expected}), the first
     * {@link FirstErrors#LISTED} of them (each cut at {@link #ERROR_CHARS}), then a word that there are more when the
     * validation stopped for them.
     */
    private static String messages(List<Error> errors) {
        StringBuilder out = new StringBuilder();
        for (Error e : errors.subList(0, Math.min(errors.size(), FirstErrors.LISTED))) {
            if (!out.isEmpty()) {
                out.append("; ");
            }
            String where = where(e.getInstanceLocation() == null ? "" : e.getInstanceLocation().toString());
            String message = (where.isEmpty() ? "" : where + ": ") + e.getMessage();
            out.append(cut(message));
        }
        if (FirstErrors.more(errors)) {
            out.append("; and more (only the first ").append(FirstErrors.LISTED).append(" are listed)");
        }
        return out.toString();
    }

    /** The message, cut at {@link #ERROR_CHARS} (not inside a surrogate pair) when longer. */
    private static String cut(String message) {
        if (message.length() <= ERROR_CHARS) {
            return message;
        }
        int end = Character.isHighSurrogate(message.charAt(ERROR_CHARS - 1)) ? ERROR_CHARS - 1 : ERROR_CHARS;
        return message.substring(0, end) + "…";
    }

    /**
     * The argument path of an instance location, dotted: {@code /query_ids/2} (or {@code $.query_ids}, as the
     * validator's older versions wrote it) is {@code query_ids.2}.
     */
    private static String where(String location) {
        int from = location.startsWith("$.") ? 2 : location.startsWith("$") ? 1 : 0;
        if (location.startsWith("/", from)) {
            from++;
        }
        return location.substring(from).replace('/', '.');
    }

    private static ObjectNode result(ObjectNode content, JsonNode structured, boolean isError, String... notes) {
        ObjectNode result = Json.object();
        ArrayNode items = result.putArray("content");
        items.add(content);
        for (String note : notes) {
            items.add(text(note));
        }
        if (structured != null) {
            result.set("structuredContent", structured);
        }
        result.put("isError", isError);
        return result;
    }

    private static ObjectNode text(String text) {
        ObjectNode item = Json.object();
        item.put("type", "text");
        item.put("text", text);
        return item;
    }

    private static ObjectNode binary(String kind, String mime, byte[] bytes) {
        ObjectNode item = Json.object();
        item.put("type", kind);
        item.put("data", Base64.getEncoder().encodeToString(bytes));
        item.put("mimeType", mime);
        return item;
    }

    private static ObjectNode blob(String mime, byte[] bytes) {
        ObjectNode item = Json.object();
        item.put("type", "resource");
        ObjectNode resource = item.putObject("resource");
        resource.put("uri", "toolgate://response");
        resource.put("mimeType", mime.isEmpty() ? "application/octet-stream" : mime);
        resource.put("blob", Base64.getEncoder().encodeToString(bytes));
        return item;
    }

    private static ObjectNode wrap(JsonNode value) {
        ObjectNode wrapper = Json.object();
        wrapper.set("result", value);
        return wrapper;
    }

    private static boolean isText(String mime) {
        return mime.isEmpty() || mime.startsWith("text/") || MediaTypes.isJson(mime) || mime.endsWith("+xml")
                || mime.equals("application/xml") || mime.equals("application/x-www-form-urlencoded")
                || mime.equals("application/javascript") || mime.equals("application/yaml");
    }

    /**
     * The text of {@code bytes}, refusing bytes that are not valid in {@code charset} rather than replacing them.
     * The JDK's lenient decoding is the fast one; only a text holding a replacement character (rare: a service's
     * own U+FFFD, or bytes it replaced) is decoded again strictly to tell which.
     */
    private static String decode(byte[] bytes, Charset charset) throws CharacterCodingException {
        String text = new String(bytes, charset);
        if (text.indexOf('\uFFFD') < 0) {
            return text;
        }
        return charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    }

    private static Charset charset(String contentType) {
        if (contentType != null) {
            for (String param : contentType.split(";")) {
                String p = param.trim();
                if (p.regionMatches(true, 0, "charset=", 0, 8)) {
                    try {
                        return Charset.forName(p.substring(8).replace("\"", "").trim());
                    } catch (IllegalArgumentException e) {
                        return StandardCharsets.UTF_8;
                    }
                }
            }
        }
        return StandardCharsets.UTF_8;
    }

    private static String statusText(UpstreamResponse response) {
        String reason = response.statusMessage();
        return reason == null || reason.isEmpty() ? "" : " " + reason;
    }

    private static String excerpt(UpstreamResponse response) {
        if (response.body().length() == 0) {
            return ".";
        }
        String body = new String(response.body().getBytes(), charset(response.contentType()));
        return ": " + (body.length() > EXCERPT_CHARS ? body.substring(0, EXCERPT_CHARS) + "… (truncated)" : body);
    }
}
