package dev.toolgate.observe;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Reads JSON-RPC messages on the side of a stream and reports each as an {@link McpEvent}. It picks
 * out only what it needs (method, id, tool name, error code, isError) with a streaming parser, builds
 * no trees, and pairs each response with its request to give method and latency. The bytes are the
 * caller's and are never changed.
 *
 * <p>Pairing: a response matches a request with its id on the same route and session. Ids are unique
 * only per client, and clients without a session (stateless servers) all share the null session, so
 * among several such requests the one sent in the same HTTP exchange wins; a response arriving on
 * another exchange (the old HTTP+SSE transport, answers to server-sent requests) takes the oldest.
 */
public final class MessageTap {

    private static final JsonFactory JSON = new JsonFactory();
    private record Fields(String version, String method, String id, boolean nullId, String tool, Integer errorCode,
                          Boolean toolError, boolean result, boolean error) {
    }

    private final McpTraffic sink;
    private final LongSupplier nanoTime;
    private final PendingRequests pending = new PendingRequests();
    private final AtomicLong exchanges = new AtomicLong();

    /** @param nanoTime monotonic time source ({@code System::nanoTime} in production) */
    public MessageTap(McpTraffic sink, LongSupplier nanoTime) {
        this.sink = sink;
        this.nanoTime = nanoTime;
    }

    /** A new number for one HTTP exchange (a request and its response), to pass to {@link #observe}. */
    public long exchange() {
        return exchanges.incrementAndGet();
    }

    /**
     * Observes one JSON-RPC message or batch, exactly as it crossed.
     *
     * @param exchange the HTTP exchange it crossed in, from {@link #exchange()}
     */
    public void observe(String route, String session, long exchange, McpEvent.Direction direction,
                        byte[] bytes, int offset, int length) {
        try (JsonParser parser = JSON.createParser(bytes, offset, length)) {
            JsonToken first = parser.nextToken();
            if (first == JsonToken.START_ARRAY) {
                long start = parser.currentLocation().getByteOffset();
                while (parser.nextToken() == JsonToken.START_OBJECT) {
                    Fields fields = fields(parser);
                    long end = parser.currentLocation().getByteOffset();
                    emit(route, session, exchange, direction, fields, (int) (end - start));
                    start = end;
                }
            } else if (first == JsonToken.START_OBJECT) {
                emit(route, session, exchange, direction, fields(parser), length);
            } else {
                invalid(route, session, direction, length);
            }
        } catch (IOException e) {
            invalid(route, session, direction, length);
        }
    }

    /** Requests still waiting for their response (bounded). */
    public int pending() {
        return pending.size();
    }

    private void emit(String route, String session, long exchange, McpEvent.Direction direction, Fields f, int bytes) {
        if (!"2.0".equals(f.version())) {
            invalid(route, session, direction, bytes);
            return;
        }
        if (f.method() != null) {
            McpEvent.Kind kind = f.id() == null ? McpEvent.Kind.NOTIFICATION : McpEvent.Kind.REQUEST;
            if (kind == McpEvent.Kind.REQUEST) {
                pending.remember(key(route, session, direction, f.id()), new PendingRequests.Pending(exchange, f.method(), f.tool(),
                        nanoTime.getAsLong()));
            }
            sink.accept(new McpEvent(route, session, direction, kind, f.method(), f.id(), f.tool(), null, null, bytes, -1));
        } else if ((f.result() || f.error()) && f.id() != null) {
            PendingRequests.Pending request = pending.take(key(route, session, opposite(direction), f.id()), exchange);
            long latency = request == null ? -1 : (nanoTime.getAsLong() - request.startNanos()) / 1_000;
            sink.accept(new McpEvent(route, session, direction, McpEvent.Kind.RESPONSE,
                    request == null ? null : request.method(), f.id(), request == null ? null : request.tool(),
                    f.errorCode(), f.toolError(), bytes, latency));
        } else if (f.error() && f.nullId()) {
            // JSON-RPC 2.0 §5: the answer to a request whose id could not be read (a parse error)
            sink.accept(new McpEvent(route, session, direction, McpEvent.Kind.RESPONSE, null, null, null,
                    f.errorCode(), null, bytes, -1));
        } else {
            invalid(route, session, direction, bytes);
        }
    }

    private void invalid(String route, String session, McpEvent.Direction direction, int bytes) {
        sink.accept(new McpEvent(route, session, direction, McpEvent.Kind.INVALID, null, null, null, null, null, bytes, -1));
    }

    /** The top-level fields of one message; leaves the parser after the object's end. */
    private static Fields fields(JsonParser p) throws IOException {
        String version = null;
        String method = null;
        String id = null;
        boolean nullId = false;
        String tool = null;
        Integer code = null;
        Boolean toolError = null;
        boolean result = false;
        boolean error = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            switch (name) {
                case "jsonrpc" -> version = value == JsonToken.VALUE_STRING ? p.getText() : null;
                case "method" -> method = value == JsonToken.VALUE_STRING ? p.getText() : null;
                case "id" -> {
                    id = value == JsonToken.VALUE_STRING ? "\"" + p.getText() + "\""
                            : value == JsonToken.VALUE_NUMBER_INT ? p.getText() : null;
                    nullId = value == JsonToken.VALUE_NULL;
                    p.skipChildren();
                }
                case "params" -> tool = value == JsonToken.START_OBJECT ? member(p, "name", JsonToken.VALUE_STRING) : skip(p);
                case "result" -> {
                    result = true;
                    String flag = value == JsonToken.START_OBJECT ? member(p, "isError", null) : skip(p);
                    toolError = flag == null ? null : Boolean.valueOf(flag);
                }
                case "error" -> {
                    error = true;
                    String number = value == JsonToken.START_OBJECT ? member(p, "code", JsonToken.VALUE_NUMBER_INT) : skip(p);
                    code = number == null ? null : Integer.valueOf(number);
                }
                default -> p.skipChildren();
            }
        }
        return new Fields(version, method, id, nullId, tool, code, toolError, result, error);
    }

    /** The text of one direct member of the object the parser is on (any scalar when {@code type} is null). */
    private static String member(JsonParser p, String wanted, JsonToken type) throws IOException {
        String found = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            if (name.equals(wanted) && (type == null ? value.isScalarValue() : value == type)) {
                found = p.getText();
            } else {
                p.skipChildren();
            }
        }
        return found;
    }

    private static String skip(JsonParser p) throws IOException {
        p.skipChildren();
        return null;
    }

    private static String key(String route, String session, McpEvent.Direction requester, String id) {
        return route + '\u0000' + session + '\u0000' + requester.ordinal() + '\u0000' + id;
    }

    private static McpEvent.Direction opposite(McpEvent.Direction direction) {
        return direction == McpEvent.Direction.CLIENT_TO_SERVER ? McpEvent.Direction.SERVER_TO_CLIENT
                : McpEvent.Direction.CLIENT_TO_SERVER;
    }
}
