package dev.toolgate.cli;

import picocli.CommandLine;

/**
 * A {@code HOST:PORT} listen address; {@code [::1]:8000} for IPv6, port 0 for a free port.
 *
 * @param host address to bind
 * @param port port to bind
 */
record ListenAddress(String host, int port) {

    static ListenAddress parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("'" + text + "' is not HOST:PORT (for example 127.0.0.1:8000)");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains("[") || host.contains("]")) {
            // '[::1:8000' would otherwise bind the host '[::1' and fail as the gateway starts, not here
            throw new IllegalArgumentException("'" + text + "' is not HOST:PORT (for example [::1]:8000)");
        }
        if (host.isEmpty()) {
            host = "0.0.0.0";
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' has no valid port");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("'" + text + "': the port must be between 0 and 65535");
        }
        return new ListenAddress(host, port);
    }

    /** picocli adapter. */
    static final class Converter implements CommandLine.ITypeConverter<ListenAddress> {
        @Override
        public ListenAddress convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
