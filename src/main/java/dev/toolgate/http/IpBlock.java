package dev.toolgate.http;

import java.net.InetAddress;

/**
 * An IPv4 or IPv6 address block, {@code 10.0.0.0/8} or a single address ({@code /32}, {@code /128}).
 * Parsing never resolves names: only literal addresses are accepted.
 *
 * @param network the block's first address bytes (masked)
 * @param prefix  how many leading bits must match
 */
public record IpBlock(byte[] network, int prefix) {

    /** Parses {@code address} or {@code address/prefix}; throws {@link IllegalArgumentException} with the reason. */
    public static IpBlock parse(String text) {
        int slash = text.indexOf('/');
        InetAddress address = parseAddress(slash < 0 ? text : text.substring(0, slash));
        if (address == null) {
            throw new IllegalArgumentException("'" + text + "' is not an IP address or CIDR block");
        }
        byte[] bytes = address.getAddress();
        int bits = bytes.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(text.substring(slash + 1));
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException("'" + text + "' has a prefix length outside 0-" + bits);
            }
        }
        return new IpBlock(mask(bytes, prefix), prefix);
    }

    /**
     * A literal IPv4 or IPv6 address (brackets allowed), or null; never a DNS lookup. An IPv4 address
     * has its four parts: the JDK also reads {@code inet_aton}'s short forms ({@code 192.168.1} is
     * 192.168.0.1, {@code 10.1} is 10.0.0.1), so an operator's {@code deny: [192.168.1/24]} would deny
     * 192.168.0.0/24 and leave the network meant open. Kong refuses them; so does this.
     */
    public static InetAddress parseAddress(String text) {
        String literal = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        if (literal.indexOf(':') < 0 && literal.chars().filter(c -> c == '.').count() != 3) {
            return null;
        }
        try {
            return InetAddress.ofLiteral(literal);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** True when the address lies in this block (an IPv4-mapped IPv6 address counts as IPv4). */
    public boolean contains(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (bytes.length == 16 && network.length == 4 && isV4Mapped(bytes)) {
            bytes = java.util.Arrays.copyOfRange(bytes, 12, 16);
        }
        return bytes.length == network.length && java.util.Arrays.equals(mask(bytes, prefix), network);
    }

    private static boolean isV4Mapped(byte[] bytes) {
        for (int i = 0; i < 10; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
    }

    private static byte[] mask(byte[] bytes, int prefix) {
        byte[] masked = bytes.clone();
        for (int i = 0; i < masked.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - i * 8));
            masked[i] = (byte) (masked[i] & (0xff << (8 - keep)));
        }
        return masked;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof IpBlock b && b.prefix == prefix && java.util.Arrays.equals(b.network, network);
    }

    @Override
    public int hashCode() {
        return 31 * java.util.Arrays.hashCode(network) + prefix;
    }

    /** {@code 10.0.0.0/8}; also how the Admin API shows it. */
    @com.fasterxml.jackson.annotation.JsonValue
    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + prefix;
        } catch (java.net.UnknownHostException e) {
            return "?/" + prefix;
        }
    }
}
