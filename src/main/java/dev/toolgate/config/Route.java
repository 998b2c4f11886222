package dev.toolgate.config;

import com.fasterxml.jackson.annotation.JsonIgnore;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A Kong Route: which requests it matches and the service they go to. A request matches when every
 * criterion that is set matches: one of {@code paths} (prefix, or a regex when it starts with
 * {@code ~}), one of {@code methods}, one of {@code hosts} (wildcards {@code *.x.com} / {@code x.*}),
 * and every {@code headers} entry.
 *
 * @param id            UUID; derived when absent
 * @param name          optional unique name; generated tool names use it ({@code <route-name>-<n>})
 * @param paths         path prefixes or {@code ~regex} patterns
 * @param methods       HTTP methods, upper case
 * @param hosts         host names, optionally with one leading or trailing wildcard
 * @param headers       header name → accepted values (any one must match any line of the header,
 *                      case-insensitively; a value written {@code ~*regex} is a regex found in the line)
 * @param protocols     Kong's protocols list; default {@code [http, https]}; without http, HTTPS requests only
 * @param httpsRedirectStatusCode what a plain HTTP request to an HTTPS-only route gets: 426 (default), or
 *                      301, 302, 307 or 308, a redirect to the same host and path over HTTPS
 * @param stripPath     remove the matched path prefix before calling the service; default true
 * @param preserveHost  send the client's Host header upstream instead of the service host; default false
 * @param pathHandling  Kong's {@code v0} (default) or {@code v1} rule for joining service and request paths
 * @param regexPriority order among regex paths, higher first; default 0
 * @param tags          free-form labels
 * @param serviceId     the service's id, or null for a route without a service (a listener's route)
 * @param source        where the entity is in the file
 * @param hostsListed   the file wrote a {@code hosts} list, even an empty one: Kong ranks a route whose
 *                      {@code hosts} is a list with no wildcard as plain-hosts-only, {@code []} included
 *                      (transform.lua get_priority tests the field's type), though {@code []} matches any host
 */
public record Route(String id, String name, List<String> paths, List<String> methods, List<String> hosts,
                    Map<String, List<String>> headers, List<String> protocols, int httpsRedirectStatusCode,
                    boolean stripPath, boolean preserveHost,
                    String pathHandling, int regexPriority, List<String> tags, @JsonIgnore String serviceId,
                    @JsonIgnore String source, @JsonIgnore boolean hostsListed) {

    /** How a {@code headers} value says it is a regex, as in Kong. */
    public static final String HEADER_REGEX = "~*";

    public Route {
        paths = List.copyOf(paths);
        methods = List.copyOf(methods);
        hosts = List.copyOf(hosts);
        headers = Map.copyOf(headers);
        protocols = List.copyOf(protocols);
        tags = List.copyOf(tags);
        hostsListed |= !hosts.isEmpty();
    }

    /** A route whose {@code hosts}, when empty, was not written (absent or null). */
    public Route(String id, String name, List<String> paths, List<String> methods, List<String> hosts,
                 Map<String, List<String>> headers, List<String> protocols, int httpsRedirectStatusCode,
                 boolean stripPath, boolean preserveHost, String pathHandling, int regexPriority, List<String> tags,
                 String serviceId, String source) {
        this(id, name, paths, methods, hosts, headers, protocols, httpsRedirectStatusCode, stripPath, preserveHost,
                pathHandling, regexPriority, tags, serviceId, source, false);
    }

    /** Kong's HTTPS-only route: its protocols leave out http, so a plain HTTP request is refused or redirected. */
    public boolean httpsOnly() {
        return !protocols.contains("http");
    }

    /**
     * A {@code headers} value's regex ({@code ~*} dropped), case-insensitive as Kong's; throws
     * {@code PatternSyntaxException} when it is not valid.
     */
    public static Pattern headerRegex(String value) {
        return Pattern.compile(value.substring(HEADER_REGEX.length()), Pattern.CASE_INSENSITIVE);
    }

    /** The name when set, else the id: what messages and generated tool names use. */
    public String label() {
        return name != null ? name : id;
    }

    /** Its secrets masked: a message or log line that quotes it must not carry them. */
    @Override
    public String toString() {
        return Redacted.describe(this);
    }
}
