package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.mcp.Json;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * {@code multipart/form-data} bodies (RFC 7578). File fields arrive as base64 arguments and leave as
 * binary parts named after the field; other fields are text parts (objects and arrays as JSON unless
 * the field is an array of files, which repeats the part).
 */
final class MultipartBody {

    private static final Pattern LINE_BREAKS = Pattern.compile("\r?\n");

    private MultipartBody() {
    }

    static Buffer encode(JsonNode fields, Map<String, FieldEncoding> encodings, MultiMap headers) {
        String boundary = "toolgate-" + Long.toHexString(ThreadLocalRandom.current().nextLong())
                + Long.toHexString(ThreadLocalRandom.current().nextLong());
        Buffer body = Buffer.buffer();
        int parts = 0;
        for (var field : fields.properties()) {
            parts += field.getValue().isArray() ? field.getValue().size() : 1;
        }
        if (parts > RequestEncoder.MAX_PARTS) {
            throw new RequestEncoder.Rejection("the arguments make a multipart body of " + parts + " parts; at most "
                    + RequestEncoder.MAX_PARTS + " are sent");
        }
        fields.properties().forEach(field -> {
            FieldEncoding encoding = encodings.getOrDefault(field.getKey(), FieldEncoding.DEFAULT);
            JsonNode value = field.getValue();
            if (value.isNull()) {
                return;
            }
            if (encoding.file() && value.isArray()) {
                value.forEach(item -> filePart(body, boundary, field.getKey(), item, encoding));
            } else if (encoding.file()) {
                filePart(body, boundary, field.getKey(), value, encoding);
            } else {
                String text = value.isContainerNode() ? Json.text(value) : ParameterStyles.scalar(value);
                String type = encoding.contentType() != null ? encoding.contentType()
                        : value.isContainerNode() ? "application/json" : null;
                part(body, boundary, field.getKey(), null, type, text.getBytes(StandardCharsets.UTF_8));
            }
        });
        body.appendString("--" + boundary + "--\r\n");
        headers.set("content-type", "multipart/form-data; boundary=" + boundary);
        return body;
    }

    private static void filePart(Buffer body, String boundary, String name, JsonNode value, FieldEncoding encoding) {
        byte[] bytes;
        try {
            // strict: the MIME decoder skips every character outside the alphabet, so a data: URL or plain
            // text would upload as other bytes and the call report success; line breaks (MIME's 76-column
            // lines) and surrounding whitespace are all that is let pass
            bytes = Base64.getDecoder().decode(LINE_BREAKS.matcher(value.asText().strip()).replaceAll(""));
        } catch (IllegalArgumentException e) {
            throw RequestEncoder.Rejection.invalid("body." + name + ": a file field must be base64 (the file's bytes "
                    + "encoded, without a data: URL prefix)");
        }
        String type = encoding.contentType() != null ? encoding.contentType().split(",")[0].trim() : "application/octet-stream";
        part(body, boundary, name, name, type, bytes);
    }

    private static void part(Buffer body, String boundary, String name, String filename, String type, byte[] content) {
        // every part adds its own headers: many small items would make a body far larger than the argument
        if ((long) body.length() + content.length + name.length() + boundary.length() + 256 > RequestEncoder.MAX_BODY_BYTES) {
            throw new RequestEncoder.Rejection("the arguments make the multipart body larger than "
                    + RequestEncoder.MAX_BODY_BYTES + " bytes");
        }
        body.appendString("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + quoted(name) + "\"");
        if (filename != null) {
            body.appendString("; filename=\"" + quoted(filename) + "\"");
        }
        body.appendString("\r\n");
        if (type != null) {
            body.appendString("Content-Type: " + type + "\r\n");
        }
        body.appendString("\r\n").appendBytes(content).appendString("\r\n");
    }

    /** Quoted-string content: backslash and quote escaped, line breaks (which would end the header) removed. */
    private static String quoted(String text) {
        return text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\r", "").replace("\n", "");
    }
}
