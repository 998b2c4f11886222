package dev.toolgate.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Reads services and routes with Kong's field names, defaults and rules. */
final class ServiceReader {

    static final int DEFAULT_TIMEOUT_MS = 60_000;
    static final long MAX_TIMEOUT_MS = 2_147_483_646L;
    private static final List<String> PROTOCOLS = List.of("http", "https");
    private static final List<String> ROUTE_PROTOCOLS = List.of("http", "https", "grpc", "grpcs", "ws", "wss");
    /** Kong's answers to plain HTTP on an HTTPS-only route: 426, or a redirect to HTTPS. */
    private static final List<Integer> HTTPS_REDIRECT_CODES = List.of(426, 301, 302, 307, 308);
    private static final Pattern METHOD = Pattern.compile("[A-Z]+");
    /** An authority {@code java.net.URI} reads no host in: a name of Kong's host characters, then maybe a port. */
    private static final Pattern NAME_AUTHORITY = Pattern.compile("([A-Za-z0-9._-]+)(?::([0-9]{1,5}))?");
    private static final Pattern HOST = Pattern.compile("(\\*\\.)?[A-Za-z0-9._-]+(\\.\\*)?(:[0-9]{1,5})?");

    private final DeclarativeReader reader;
    /** Routes without a name read so far, by what they are: identical ones are told apart by their order. */
    private final Map<String, Integer> unnamedRoutes = new HashMap<>();

    ServiceReader(DeclarativeReader reader) {
        this.reader = reader;
    }

    void readService(ConfigNode node) {
        String name = node.text("name", null);
        String id = EntityIds.read(node, "service", name == null ? node.path() : name);
        if (name == null && !node.has("id")) {
            node.problem("name", "is required (or give the service an id)");
        }
        String url = node.text("url", null);
        String protocol;
        String host;
        Integer port;
        String path;
        if (url != null) {
            for (String part : List.of("protocol", "host", "port", "path")) {
                if (node.has(part)) {
                    node.problem(part, "cannot be combined with url");
                }
                node.ignore(part);
            }
            Target target = parseUrl(node, url);
            protocol = target.protocol();
            host = target.host();
            port = target.port();
            path = target.path();
        } else {
            protocol = node.oneOf("protocol", "http", PROTOCOLS);
            host = node.text("host");
            Long explicitPort = node.integerOrNull("port", 0, 65535);
            port = explicitPort == null ? null : explicitPort.intValue();
            path = node.text("path", null);
            if (path != null && !path.startsWith("/")) {
                node.problem("path", "must start with /");
            }
        }
        if (!reader.context().input().metadataUpstreams() && MetadataAddresses.matches(host)) {
            node.warning(url != null ? "url" : "host", "points at a link-local or cloud metadata address ('" + host
                    + "'): every call to this service reaches it; run with --allow-metadata-upstreams if that is meant");
        }
        int effectivePort = port != null ? port : ("https".equals(protocol) ? 443 : 80);
        int retries = (int) node.integer("retries", 5, 0, 32767);
        int connect = (int) node.integer("connect_timeout", DEFAULT_TIMEOUT_MS, 1, MAX_TIMEOUT_MS);
        int write = (int) node.integer("write_timeout", DEFAULT_TIMEOUT_MS, 1, MAX_TIMEOUT_MS);
        int read = (int) node.integer("read_timeout", DEFAULT_TIMEOUT_MS, 1, MAX_TIMEOUT_MS);
        List<String> tags = node.texts("tags");
        boolean enabled = node.bool("enabled", true);
        boolean tlsVerify = node.bool("tls_verify", true);
        node.ignore("tls_verify_depth", "created_at", "updated_at");
        for (String unsupported : List.of("client_certificate", "ca_certificates")) {
            if (node.has(unsupported)) {
                node.problem(unsupported, "is not supported by Toolgate yet");
            }
            node.ignore(unsupported);
        }
        reader.entities.serviceNames.add(node, "name", name, id);
        reader.entities.services.add(new Service(id, name, protocol, host, effectivePort, path, retries, connect,
                write, read, tags, enabled, tlsVerify, node.path()));
        node.objects("routes").forEach(r -> readRoute(r, id));
        node.objects("plugins").forEach(p -> reader.readPlugin(p, Scope.service(id)));
        node.finish();
    }

    /**
     * A route without a name, as what it matches (its service, paths, methods, hosts, the names of the headers it
     * matches and its protocols, as read, defaults applied): its endpoint's sessions stay its own when another route
     * is removed or moved, or when it is written otherwise (a default spelled out, a setting that matches nothing
     * changed). Header values are left out: they may be a vault's secrets.
     */
    private String unnamed(String serviceId, List<String> paths, List<String> methods, List<String> hosts,
                           Set<String> headerNames, List<String> protocols) {
        String matched = serviceId + " " + paths + " " + methods + " " + hosts + " "
                + new TreeSet<>(headerNames.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList()) + " " + protocols;
        return "unnamed " + matched + " #" + unnamedRoutes.merge(matched, 1, Integer::sum);
    }

    /** Reads a route; {@code parentServiceId} is set for routes nested under a service. */
    void readRoute(ConfigNode node, String parentServiceId) {
        String name = node.text("name", null);
        List<String> paths = node.texts("paths");
        for (int i = 0; i < paths.size(); i++) {
            checkPath(node, i, paths.get(i));
        }
        List<String> methods = node.texts("methods");
        for (int i = 0; i < methods.size(); i++) {
            if (!METHOD.matcher(methods.get(i)).matches()) {
                node.report().problem(node.path("methods") + "[" + i + "]", "must be an upper-case HTTP method");
            }
        }
        List<String> hosts = node.texts("hosts");
        for (int i = 0; i < hosts.size(); i++) {
            if (!HOST.matcher(hosts.get(i)).matches() || hosts.get(i).startsWith("*.") && hosts.get(i).endsWith(".*")) {
                node.report().problem(node.path("hosts") + "[" + i + "]",
                        "must be a host name, with at most one wildcard at its start or end");
            }
        }
        Map<String, List<String>> headers = node.textLists("headers");
        headers.forEach((header, values) -> checkHeaderRegexes(node, header, values));
        // Kong never matches a route for neither to an HTTP request; Toolgate serves nothing else
        List<String> protocols = Protocols.read(node, ROUTE_PROTOCOLS, "Toolgate serves HTTP routes only; add http, "
                + "https, or both");
        int httpsRedirect = (int) node.integer("https_redirect_status_code", 426, 100, 599);
        if (!HTTPS_REDIRECT_CODES.contains(httpsRedirect)) {
            node.problem("https_redirect_status_code", "must be one of 426, 301, 302, 307, 308");
        }
        boolean stripPath = node.bool("strip_path", true);
        boolean preserveHost = node.bool("preserve_host", false);
        String pathHandling = node.oneOf("path_handling", "v0", List.of("v0", "v1"));
        int regexPriority = (int) node.integer("regex_priority", 0, Integer.MIN_VALUE, Integer.MAX_VALUE);
        List<String> tags = node.texts("tags");
        // Kong matches snis against the TLS connection's server name; Toolgate's listeners are plain HTTP (TLS ends
        // in front), so it could not enforce them: a route on snis would take every name's requests
        if (!node.texts("snis").isEmpty()) {
            node.problem("snis", "is not supported by Toolgate: its listeners serve plain HTTP (TLS ends in front "
                    + "of them), so the server name a client's TLS connection asked for is unknown; remove snis, and "
                    + "match the names on hosts");
        }
        node.ignore("request_buffering", "response_buffering",
                "created_at", "updated_at");
        for (String streamOnly : List.of("sources", "destinations", "expression", "priority")) {
            if (node.has(streamOnly)) {
                node.problem(streamOnly, "is not supported by Toolgate (traditional HTTP routes only)");
            }
            node.ignore(streamOnly);
        }
        String serviceId = parentServiceId;
        if (parentServiceId == null) {
            serviceId = References.resolve(node, "service", reader.entities.serviceNames);
        } else if (node.has("service")) {
            node.problem("service", "a route nested under a service belongs to it; remove 'service'");
            node.ignore("service");
        }
        if (paths.isEmpty() && methods.isEmpty() && hosts.isEmpty() && headers.isEmpty()) {
            node.problem("must set at least one of paths, hosts, methods, headers");
        }
        String id = EntityIds.read(node, "route", name != null ? name
                : unnamed(serviceId, paths, methods, hosts, headers.keySet(), protocols));
        reader.entities.routeNames.add(node, "name", name, id);
        reader.entities.routes.add(new Route(id, name, paths, methods, hosts, lowerCaseKeys(headers), protocols,
                httpsRedirect, stripPath, preserveHost, pathHandling, regexPriority, tags, serviceId, node.path(),
                node.has("hosts")));
        node.objects("plugins").forEach(p -> reader.readPlugin(p, Scope.route(id)));
        node.finish();
    }

    private static void checkPath(ConfigNode node, int index, String path) {
        String at = node.path("paths") + "[" + index + "]";
        if (path.startsWith("~")) {
            try {
                Pattern.compile(path.substring(1));
            } catch (PatternSyntaxException e) {
                node.report().problem(at, "is not a valid regex: " + e.getDescription());
            }
        } else if (!path.startsWith("/")) {
            node.report().problem(at, "must start with / (a prefix) or ~ (a regex)");
        }
    }

    /** A {@code ~*} value is a regex, as in Kong: one that does not compile would never match, so it is refused. */
    private static void checkHeaderRegexes(ConfigNode node, String name, List<String> values) {
        for (int i = 0; i < values.size(); i++) {
            if (values.get(i).startsWith(Route.HEADER_REGEX)) {
                try {
                    Route.headerRegex(values.get(i));
                } catch (PatternSyntaxException e) {
                    node.report().problem(node.path("headers") + "." + name + "[" + i + "]",
                            "is not a valid regex after ~*: " + e.getDescription());
                }
            }
        }
    }

    private static Map<String, List<String>> lowerCaseKeys(Map<String, List<String>> headers) {
        Map<String, List<String>> result = new java.util.LinkedHashMap<>();
        headers.forEach((k, v) -> result.put(k.toLowerCase(Locale.ROOT), v));
        return result;
    }

    /**
     * The name and port of an authority {@code java.net.URI} reads no host in, as Kong reads them: a name with
     * {@code _} (Docker Compose's {@code mcp_server}) is no RFC 3986 host name, but Kong's hosts may have it.
     * Null when there is a host already, or the authority is not a name and a port.
     */
    private static Matcher nameAuthority(URI uri) {
        if (uri.getHost() != null || uri.getRawAuthority() == null) {
            return null;
        }
        Matcher named = NAME_AUTHORITY.matcher(uri.getRawAuthority());
        return named.matches() && (named.group(2) == null || Integer.parseInt(named.group(2)) <= 65535) ? named : null;
    }

    private record Target(String protocol, String host, Integer port, String path) {
    }

    private static Target parseUrl(ConfigNode node, String url) {
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
            if (scheme == null || !PROTOCOLS.contains(scheme)) {
                node.problem("url", "must be an http:// or https:// URL");
                return new Target("http", null, null, null);
            }
            String host = uri.getHost();
            Integer port = uri.getPort() < 0 ? null : uri.getPort();
            Matcher named = nameAuthority(uri);
            if (named != null) {
                host = named.group(1);
                port = named.group(2) == null ? null : Integer.valueOf(named.group(2));
            }
            if (host == null) {
                node.problem("url", "must name a host");
            } else if (port != null && port > 65535) {
                // java.net.URI takes any number of digits; every call would fail to connect
                node.problem("url", "has a port past 65535");
            }
            if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
                node.problem("url", "must not have a query or fragment");
            }
            String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? null : uri.getRawPath();
            return new Target(scheme, host, port, path);
        } catch (URISyntaxException e) {
            node.problem("url", "is not a valid URL: " + e.getReason());
            return new Target("http", null, null, null);
        }
    }
}
