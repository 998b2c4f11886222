package dev.toolgate.mode.conversion;

/** How the {@code body} argument is sent upstream. */
public enum BodyEncoding {
    /** The tool takes no body. */
    NONE(null),
    /** {@code application/json}: the argument serialized as JSON. */
    JSON("application/json"),
    /** {@code application/x-www-form-urlencoded}: the argument's properties as form fields. */
    FORM("application/x-www-form-urlencoded"),
    /** {@code multipart/form-data}: the argument's properties as parts; file properties are base64 arguments. */
    MULTIPART("multipart/form-data");

    private final String contentType;

    BodyEncoding(String contentType) {
        this.contentType = contentType;
    }

    public String contentType() {
        return contentType;
    }
}
