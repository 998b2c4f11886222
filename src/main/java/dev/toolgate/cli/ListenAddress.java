package dev.toolgate.cli;

import picocli.CommandLine;

import java.net.InetAddress;
import java.util.List;

/**
 * A {@code HOST:PORT} listen address; {@code [::1]:8000} for IPv6, port 0 for a free port.
 *
 * @param host address to bind
 * @param port port to bind
 */
record ListenAddress(String host, int port) {

    /**
     * True when a listener here and one at {@code other} would take the same socket: the same port (not 0)
     * on the same address, or on a wildcard ({@code 0.0.0.0}, {@code ::}), which takes that port on every
     * address. Vert.x does not refuse the second of two servers on one {@code host:port}: it serves both
     * from the first one's socket, by turns. Names are compared as written (no lookup), but for
     * {@code localhost}, which is both loopback addresses ({@code 127.0.0.1}, {@code ::1}): beside one of
     * them on its port, one listener fails to bind, or a client of {@code localhost} reaches either.
     */
    boolean overlaps(ListenAddress other) {
        if (port == 0 || port != other.port) {
            return false;
        }
        List<InetAddress> mine = addresses(host);
        List<InetAddress> theirs = addresses(other.host);
        if (mine.stream().anyMatch(InetAddress::isAnyLocalAddress)
                || theirs.stream().anyMatch(InetAddress::isAnyLocalAddress)) {
            return true;
        }
        if (mine.isEmpty() || theirs.isEmpty()) {
            return host.equalsIgnoreCase(other.host);
        }
        return mine.stream().anyMatch(theirs::contains);
    }

    /** The addresses a host stands for: a literal's own, localhost's two loopback ones, none for another name. */
    private static List<InetAddress> addresses(String host) {
        if (host.equalsIgnoreCase("localhost") || host.equalsIgnoreCase("localhost.")) {
            return List.of(InetAddress.ofLiteral("127.0.0.1"), InetAddress.ofLiteral("::1"));
        }
        InetAddress literal = literal(host);
        return literal == null ? List.of() : List.of(literal);
    }

    /** The address a literal host names ({@code ::1} and {@code 0:0:0:0:0:0:0:1} alike), or null for a name. */
    private static InetAddress literal(String host) {
        try {
            return InetAddress.ofLiteral(host);
        } catch (IllegalArgumentException name) {
            return null;
        }
    }

    @Override
    public String toString() {
        return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
    }

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

    /** The proxy listener's address unless told otherwise. */
    static final String PROXY_DEFAULT = "0.0.0.0:8000";
    /** The admin listener's address unless told otherwise. */
    static final String ADMIN_DEFAULT = "127.0.0.1:8001";

    /**
     * picocli adapter for the proxy listener: empty is its default, as an empty {@code TOOLGATE_STATUS_LISTEN}
     * is that listener's default (none); picocli hands an environment variable set to "" over as "".
     */
    static final class ProxyOrDefault implements CommandLine.ITypeConverter<ListenAddress> {
        @Override
        public ListenAddress convert(String value) {
            return new Converter().convert(value.isBlank() ? PROXY_DEFAULT : value);
        }
    }

    /** picocli adapter for the admin listener: empty is its default, as for {@link ProxyOrDefault}. */
    static final class AdminOrDefault implements CommandLine.ITypeConverter<ListenAddress> {
        @Override
        public ListenAddress convert(String value) {
            return new Converter().convert(value.isBlank() ? ADMIN_DEFAULT : value);
        }
    }

    /**
     * picocli adapter for a listener that may be off: empty is none, as an empty {@code TOOLGATE_TRUSTED_IPS}
     * is no trusted proxy (a manifest's {@code value: ""} turns it off instead of stopping the start).
     */
    static final class OrNone implements CommandLine.ITypeConverter<ListenAddress> {
        @Override
        public ListenAddress convert(String value) {
            return value.isBlank() ? null : new Converter().convert(value);
        }
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
