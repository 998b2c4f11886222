package dev.toolgate.http;

/**
 * Kong's rule for the path a request gets upstream: strip the matched route prefix when
 * {@code strip_path} is on, then join the rest onto the service path as {@code path_handling} says.
 *
 * <pre>
 * service.path  route.path  request      strip=true  strip=false
 * v0: /s        /fv0        /fv0req      /s/req      /s/fv0req
 * v0: /s        /fv0/       /fv0/req     /s/req      /s/fv0/req
 * v1: /s        /fv1        /fv1req      /sreq       /s/fv1req
 * </pre>
 */
public final class UpstreamPath {

    private UpstreamPath() {
    }

    /**
     * The upstream path for a request path.
     *
     * @param servicePath    the service's path, or null
     * @param matchedPrefix  the route path prefix that matched (null for a regex or path-less route)
     * @param requestPath    the request's path, raw (percent-encoding untouched)
     * @param stripPath      the route's {@code strip_path}
     * @param pathHandling   {@code v0} or {@code v1}
     */
    public static String of(String servicePath, String matchedPrefix, String requestPath, boolean stripPath,
                            String pathHandling) {
        String remainder = stripPath && matchedPrefix != null ? requestPath.substring(matchedPrefix.length()) : requestPath;
        return join(servicePath, remainder, pathHandling);
    }

    /** Joins a service path and the rest of a request path. */
    public static String join(String servicePath, String remainder, String pathHandling) {
        if (servicePath == null || servicePath.isEmpty()) {
            return remainder.startsWith("/") ? remainder : "/" + remainder;
        }
        if (remainder.isEmpty()) {
            return servicePath;
        }
        boolean serviceSlash = servicePath.endsWith("/");
        boolean restSlash = remainder.startsWith("/");
        if (serviceSlash && restSlash) {
            return servicePath + remainder.substring(1);
        }
        if (serviceSlash || restSlash || "v1".equals(pathHandling)) {
            return servicePath + remainder;
        }
        return servicePath + "/" + remainder;
    }
}
