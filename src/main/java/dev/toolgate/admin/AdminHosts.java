package dev.toolgate.admin;

import dev.toolgate.http.Router;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The {@code Host} values the Admin API answers: IP addresses, {@code localhost}, and the names the
 * operator lists. DNS rebinding needs a name the attacker controls that resolves to this listener, so
 * refusing other names keeps a web page in the operator's browser from reading or replacing the
 * configuration; addresses cannot be rebound.
 */
final class AdminHosts {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private final Set<String> names;

    AdminHosts(List<String> names) {
        this.names = names.stream().map(n -> n.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    }

    /** True for a request this listener should answer; a request without Host (HTTP/1.0) is answered. */
    boolean allows(String hostHeader) {
        if (hostHeader == null) {
            return true;
        }
        String host = Router.stripPort(hostHeader.trim().toLowerCase(Locale.ROOT));
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        return host.equals("localhost") || host.startsWith("[") && host.endsWith("]") || IPV4.matcher(host).matches()
                || names.contains(host);
    }
}
