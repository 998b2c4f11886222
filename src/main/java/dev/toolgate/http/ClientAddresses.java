package dev.toolgate.http;

import java.net.InetAddress;
import java.util.ArrayList;
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
     */
    public String resolve(String peer, String claimed) {
        if (peer == null || claimed == null || claimed.isBlank() || !isTrusted(peer)) {
            return peer;
        }
        List<String> hops = new ArrayList<>();
        for (String hop : claimed.split(",")) {
            String address = hop.trim();
            if (!address.isEmpty() && IpBlock.parseAddress(address) != null) {
                hops.add(address);
            }
        }
        if (hops.isEmpty()) {
            return peer;
        }
        if (!recursive) {
            return hops.getLast();
        }
        for (int i = hops.size() - 1; i >= 0; i--) {
            if (!isTrusted(hops.get(i))) {
                return hops.get(i);
            }
        }
        return hops.getFirst();
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
}
