package dev.toolgate.openapi;

/** An OpenAPI document that cannot be used, with the reason in words a user can act on. */
public final class OpenApiException extends RuntimeException {

    public OpenApiException(String message) {
        super(message, null, false, false);
    }
}
