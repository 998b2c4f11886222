package dev.toolgate.pipeline;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The request a mode is about to send upstream, as upstream policies may change it: method, path,
 * query arguments (decoded, in order), headers and, where the mode allows it, the body.
 */
public final class UpstreamCall {

    private String method;
    private String path;
    private final List<Map.Entry<String, String>> query;
    private final MultiMap headers;
    private final Set<String> written;
    private Buffer body;
    private final boolean bodyChangeable;
    private boolean queryChanged;

    /**
     * @param query          the decoded query arguments, in order (changed in place)
     * @param written        lower-case names of the headers the gateway wrote so far (added to in place)
     * @param bodyChangeable false where the body is a JSON-RPC message the gateway must not rewrite
     */
    public UpstreamCall(String method, String path, List<Map.Entry<String, String>> query, MultiMap headers,
                        Set<String> written, Buffer body, boolean bodyChangeable) {
        this.method = method;
        this.path = path;
        this.query = query;
        this.headers = headers;
        this.written = written;
        this.body = body;
        this.bodyChangeable = bodyChangeable;
    }

    public String method() {
        return method;
    }

    public void method(String method) {
        this.method = method;
    }

    public String path() {
        return path;
    }

    public void path(String path) {
        this.path = path;
    }

    /** The decoded query arguments; a policy that changes them calls {@link #queryChanged()}. */
    public List<Map.Entry<String, String>> query() {
        return query;
    }

    /** Marks the query as changed: it is encoded again before sending. */
    public void queryChanged() {
        this.queryChanged = true;
    }

    public boolean isQueryChanged() {
        return queryChanged;
    }

    /** The headers; a policy writes through {@link #setHeader} and {@link #addHeader}, and removes here. */
    public MultiMap headers() {
        return headers;
    }

    /** Sets a header as the gateway's: the client's header of the same name read with dashes does not go beside it. */
    public void setHeader(String name, Iterable<String> values) {
        headers.set(name, values);
        written.add(name.toLowerCase(Locale.ROOT));
    }

    /** {@link #setHeader(String, Iterable)} of one value. */
    public void setHeader(String name, String value) {
        setHeader(name, List.of(value));
    }

    /** Adds a line to a header, which is then the gateway's ({@link #setHeader}). */
    public void addHeader(String name, String value) {
        headers.add(name, value);
        written.add(name.toLowerCase(Locale.ROOT));
    }

    /** Lower-case names of the headers the gateway wrote: the mode's and the policies'. */
    public Set<String> writtenHeaders() {
        return written;
    }

    /** The body, or null for none. */
    public Buffer body() {
        return body;
    }

    /** Replaces the body; only where {@link #bodyChangeable()}. */
    public void body(Buffer body) {
        if (!bodyChangeable) {
            throw new IllegalStateException("this upstream request's body cannot be changed");
        }
        this.body = body;
    }

    public boolean bodyChangeable() {
        return bodyChangeable;
    }
}
