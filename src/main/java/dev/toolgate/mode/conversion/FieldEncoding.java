package dev.toolgate.mode.conversion;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * How one property of a form or multipart body is written, from the OpenAPI {@code encoding} object.
 *
 * @param contentType the part's content type (multipart), or {@code application/json} to send the value as JSON
 * @param style       {@code form} or {@code deepObject}; null when the document says nothing
 * @param explode     OpenAPI's explode flag (meaningful when {@code style} is set)
 * @param file        a file: the argument is base64 and the part carries the decoded bytes
 */
public record FieldEncoding(String contentType, String style, boolean explode, boolean file) {

    static final FieldEncoding DEFAULT = new FieldEncoding(null, null, true, false);

    /** True when a form body sends {@code value}'s keys as fields of their own ({@code a=1&b=2} for {@code {a:1,b:2}}). */
    boolean explodesIntoFields(JsonNode value) {
        return value.isObject() && !"application/json".equals(contentType) && "form".equals(style) && explode;
    }
}
