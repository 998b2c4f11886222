package dev.toolgate.error;

/** Carries a {@link GatewayError} across code that can only throw. Cheap: no stack trace. */
public final class GatewayException extends RuntimeException {

    private final transient GatewayError error;

    public GatewayException(GatewayError error) {
        super(error.toString(), null, false, false);
        this.error = error;
    }

    public GatewayError error() {
        return error;
    }
}
