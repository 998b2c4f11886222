package dev.toolgate.http;

/**
 * Kong's rule for the path a request gets upstream (Kong's {@code get_upstream_uri_v0} and its
 * {@code path_handling: v1} branch): with {@code strip_path} the matched route prefix is replaced by
 * the service path; without it the whole request path follows the service path.
 *
 * <pre>
 * service  route  request   v0 strip  v0 keep     v1 strip  v1 keep
 * /s       /fv0   /fv0req   /s/req    /s/fv0req   /sreq     /sfv1req
 * /s       /fv0/  /fv0/req  /s/req    /s/fv0/req  /s/req    /s/fv0/req
 * /s/      /fv0   /fv0req   /s/req    /s/fv0req   /s/req    /s/fv0req
 * </pre>
 */
public final class UpstreamPath {

    private UpstreamPath() {
    }

    /**
     * The upstream path for a request path.
     *
     * @param servicePath  the service's path, or null ({@code /})
     * @param matched      the part of the request path the route's path matched (prefix or regex), or
     *                     null when the route matched without a path
     * @param requestPath  the request's path, raw (percent-encoding untouched), starting with {@code /}
     * @param stripPath    the route's {@code strip_path}
     * @param pathHandling {@code v0} or {@code v1}
     */
    public static String of(String servicePath, String matched, String requestPath, boolean stripPath,
                            String pathHandling) {
        String base = servicePath == null || servicePath.isEmpty() ? "/" : servicePath;
        String path = requestPath.isEmpty() ? "/" : requestPath;
        String postfix = matched != null ? path.substring(matched.length()) : path.substring(1);
        return "v1".equals(pathHandling) ? v1(base, postfix, path, stripPath) : v0(base, postfix, path, stripPath);
    }

    /**
     * The upstream path of an OpenAPI operation: its path appended to the service path, which holds the API's
     * base path (the server URL's). No route rule applies: the document's paths are relative to its server, not
     * to the gateway's route, so a route {@code /pet} must not strip {@code /pet} from {@code /pet/{petId}}.
     *
     * @param servicePath   the service's path, or null ({@code /})
     * @param operationPath the operation's path, starting with {@code /}
     */
    public static String appended(String servicePath, String operationPath) {
        String base = servicePath == null || servicePath.isEmpty() ? "/" : servicePath;
        return base.endsWith("/") ? base + operationPath.substring(1) : base + operationPath;
    }

    /**
     * True when the path holds a {@code .} or {@code ..} segment, which a server resolves before it looks the
     * path up: {@code /base/../admin} is its {@code /admin}. Written any way a common server reads one: {@code %2e}
     * for a dot; {@code %2F}, {@code %5C} or a backslash for a slash (servers that decode them first); a segment's
     * {@code ;parameters} dropped ({@code ..;} is {@code ..} to Tomcat).
     */
    public static boolean hasDotSegment(String path) {
        if (path.indexOf('.') < 0 && path.indexOf('%') < 0) {
            return false;
        }
        String separated = path.replace("%2f", "/").replace("%2F", "/").replace("%5c", "/").replace("%5C", "/")
                .replace('\\', '/');
        for (String segment : separated.split("/", -1)) {
            int parameters = segment.indexOf(';');
            String name = parameters < 0 ? segment : segment.substring(0, parameters);
            String dots = name.replace("%2e", ".").replace("%2E", ".");
            if (dots.equals(".") || dots.equals("..")) {
                return true;
            }
        }
        return false;
    }

    private static String v1(String base, String postfix, String path, boolean strip) {
        if (!strip) {
            return base + path.substring(1);
        }
        return base.endsWith("/") && postfix.startsWith("/") ? base.substring(0, base.length() - 1) + postfix
                : base + postfix;
    }

    private static String v0(String base, String postfix, String path, boolean strip) {
        if (base.endsWith("/")) {
            if (!strip) {
                return base + path.substring(1);
            }
            if (postfix.isEmpty()) {
                return base.equals("/") || path.endsWith("/") ? base : base.substring(0, base.length() - 1);
            }
            return postfix.startsWith("/") ? base.substring(0, base.length() - 1) + postfix : base + postfix;
        }
        if (!strip) {
            return path.equals("/") ? base : base + path;
        }
        if (postfix.isEmpty()) {
            return path.length() > 1 && path.endsWith("/") ? base + "/" : base;
        }
        return postfix.startsWith("/") ? base + postfix : base + "/" + postfix;
    }
}
