package dev.toolgate.http;

import io.netty.util.NetUtil;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Who the client is, behind the gateway's own load balancers: Kong's {@code trusted_ips},
 * {@code real_ip_header} and {@code real_ip_recursive}. A forwarding header is believed only from a
 * peer in {@code trusted_ips}; anyone else is the client themselves, whatever they send.
 *
 * @param trusted   the trusted proxies (addresses and CIDR blocks)
 * @param header    the header carrying the client's address ({@code X-Real-IP} by default; or
 *                  {@code X-Forwarded-For})
 * @param recursive with a list-valued header, skip trusted addresses from the right and take the
 *                  first untrusted one (Kong's {@code real_ip_recursive: on}); otherwise the last one
 */
public record ClientAddresses(List<IpBlock> trusted, String header, boolean recursive) {

    /** Trust nobody: the client is the connection's peer (Kong's default). */
    public static final ClientAddresses PEER = new ClientAddresses(List.of(), "x-real-ip", false);

    public ClientAddresses {
        trusted = List.copyOf(trusted);
        header = header.toLowerCase(Locale.ROOT);
    }

    /**
     * The client's address for a request from {@code peer} whose {@link #header} says {@code claimed}
     * (null when absent).
     *
     * <p>As nginx's realip reads the header: hops are taken from the right, a hop's port is dropped
     * ({@code 203.0.113.7:51234}, as Azure's gateway writes it), and a hop that is no address
     * ({@code unknown}) ends the search at the address found so far. It is never skipped: the hop to
     * its left was written by whoever sent the request to that proxy, the client itself perhaps.
     */
    public String resolve(String peer, String claimed) {
        if (peer == null || claimed == null || claimed.isBlank() || !isTrusted(peer)) {
            return peer;
        }
        String[] hops = claimed.split(",");
        String found = peer;
        for (int i = hops.length - 1; i >= 0; i--) {
            String hop = hops[i].trim();
            if (hop.isEmpty()) {
                continue;
            }
            String address = withoutPort(hop);
            if (IpBlock.parseAddress(address) == null) {
                return found;
            }
            found = address;
            if (!recursive || !isTrusted(address)) {
                return found;
            }
        }
        return found;
    }

    /**
     * {@code 203.0.113.7:80} without its port, {@code [2001:db8::1]:80} and {@code [2001:db8::1]} as the bare
     * address (as a peer's address reads, and nginx keeps it); anything else as it is.
     */
    private static String withoutPort(String hop) {
        if (hop.startsWith("[")) {
            int end = hop.indexOf(']');
            return end > 0 && (end == hop.length() - 1 || port(hop.substring(end + 1))) ? hop.substring(1, end) : hop;
        }
        int colon = hop.indexOf(':');
        return colon > 0 && colon == hop.lastIndexOf(':') && port(hop.substring(colon)) ? hop.substring(0, colon) : hop;
    }

    /** True for {@code :} and 1 to 5 digits. */
    private static boolean port(String text) {
        return text.length() > 1 && text.length() <= 6 && text.charAt(0) == ':'
                && text.chars().skip(1).allMatch(c -> c >= '0' && c <= '9');
    }

    /** True when {@code address} is a trusted proxy. */
    public boolean isTrusted(String address) {
        if (trusted.isEmpty()) {
            return false;
        }
        InetAddress parsed = IpBlock.parseAddress(address);
        return parsed != null && trusted.stream().anyMatch(b -> b.contains(parsed));
    }

    /** Parses {@code 10.0.0.0/8,192.168.1.7,::1}; throws {@link IllegalArgumentException} naming a bad entry. */
    public static List<IpBlock> parseList(String list) {
        List<IpBlock> blocks = new ArrayList<>();
        for (String entry : list.split(",")) {
            if (!entry.isBlank()) {
                blocks.add(IpBlock.parse(entry.trim()));
            }
        }
        return blocks;
    }

    /**
     * Whom a per-client share or cap counts: an IPv4 address, or an IPv6 address's /64, which one subscriber
     * holds whole (RFC 6177) and can rotate through request by request; an IPv4-mapped IPv6 address is its IPv4
     * address. Anything else (null too) is itself.
     */
    public static String network(String address) {
        byte[] bytes = address == null ? null : NetUtil.createByteArrayFromIpAddressString(address);
        if (bytes == null || bytes.length != 16) {
            return address;
        }
        boolean mapped = true;
        for (int i = 0; i < 12 && mapped; i++) {
            mapped = bytes[i] == (i < 10 ? 0 : (byte) 0xff);
        }
        if (mapped) {
            return (bytes[12] & 0xff) + "." + (bytes[13] & 0xff) + "." + (bytes[14] & 0xff) + "." + (bytes[15] & 0xff);
        }
        return HexFormat.of().formatHex(bytes, 0, 8) + "::/64";
    }
}
