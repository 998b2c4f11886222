package dev.toolgate.config;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Host names and literal addresses where clouds serve instance metadata (credentials included), and
 * link-local addresses in general: a service pointing there turns every tool call into a request to
 * the metadata service. Names are compared as written; the gateway resolves nothing at load.
 */
final class MetadataAddresses {

    private static final Pattern IPV4_LINK_LOCAL = Pattern.compile("169\\.254\\.\\d{1,3}\\.\\d{1,3}");
    private static final Set<String> KNOWN = Set.of(
            "metadata.google.internal", "metadata", "metadata.azure.internal", "instance-data",
            "instance-data.ec2.internal", "100.100.100.200", "fd00:ec2::254", "[fd00:ec2::254]");

    private MetadataAddresses() {
    }

    /** True for a host that is link-local (169.254.0.0/16, fe80::/10) or a known metadata endpoint. */
    static boolean matches(String host) {
        if (host == null) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT);
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        String bare = h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
        return KNOWN.contains(h) || KNOWN.contains(bare) || IPV4_LINK_LOCAL.matcher(bare).matches()
                || bare.matches("fe[89ab][0-9a-f]?:.*");
    }
}
