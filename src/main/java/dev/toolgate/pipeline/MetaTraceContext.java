package dev.toolgate.pipeline;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.toolgate.mcp.Json;
import dev.toolgate.observe.TraceIds;
import io.vertx.core.buffer.Buffer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The trace context MCP carries in a forwarded message ({@code params._meta.traceparent} and {@code tracestate},
 * the MCP semantic conventions' carrier) made the gateway's upstream call's, as the {@code traceparent} header
 * is: an MCP server's SDK that reads {@code _meta} would otherwise parent its span to the client's, past the
 * gateway's. Only those two values change, in place; every other byte of the body goes as the client sent it
 * (ids, other {@code _meta} fields, fields nobody here knows, the numbers as written).
 */
final class MetaTraceContext {

    private static final JsonFactory JSON = new JsonFactory();
    private static final byte[] TRACESTATE_MEMBER = ",\"tracestate\":\"".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private MetaTraceContext() {
    }

    /** The bytes {@code [start, end)} of the body replaced by {@code text}. */
    private record Edit(int start, int end, byte[] text) {
    }

    /** One member of {@code _meta}: a trace context one with where it lies, any other only counted. */
    private record Member(Kind kind, int start, int valueStart, int end) {
    }

    private enum Kind { TRACEPARENT, TRACESTATE, OTHER }

    /**
     * What one message's {@code _meta} holds of the trace context, and where: its members in order, and which
     * traceparent is the message's (the last string one, as the tap read it; a repeated name is legal JSON).
     */
    private static final class Found {
        final List<Member> members = new ArrayList<>();
        String traceparent;
        int kept = -1;
    }

    /**
     * The body with each message that carries {@code params._meta.traceparent} and was traced ({@code records}:
     * the exchange's, matched by id and the traceparent it carried) given its trace's upstream context; the body
     * itself when none changes.
     */
    static Buffer written(Buffer body, List<RpcRecord> records) {
        List<RpcRecord> carrying = null;
        for (RpcRecord r : records) {
            if (r.metaTraceparent != null) {
                if (carrying == null) {
                    carrying = new ArrayList<>(1);
                }
                carrying.add(r);
            }
        }
        if (carrying == null) {
            return body;
        }
        byte[] bytes = body.getBytes();
        List<Edit> edits = new ArrayList<>(2);
        try (JsonParser p = JSON.createParser(bytes)) {
            JsonToken first = p.nextToken();
            if (first == JsonToken.START_OBJECT) {
                message(p, bytes, carrying, edits);
            } else if (first == JsonToken.START_ARRAY) {
                while (p.nextToken() == JsonToken.START_OBJECT) {
                    message(p, bytes, carrying, edits);
                }
            }
        } catch (IOException e) {
            // the tap read these bytes as JSON-RPC before; whatever this parser refuses goes as it came
            return body;
        }
        return edits.isEmpty() ? body : Buffer.buffer(applied(bytes, edits));
    }

    /** One message: its id and its {@code _meta}'s trace context read, and its edits made when a record matches. */
    private static void message(JsonParser p, byte[] bytes, List<RpcRecord> carrying, List<Edit> edits)
            throws IOException {
        String idText = null;
        boolean validId = true;
        List<Found> metas = List.of();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            if (name.equals("id")) {
                idText = value == JsonToken.VALUE_STRING ? Json.idText(TextNode.valueOf(p.getText()))
                        : value == JsonToken.VALUE_NUMBER_INT ? Json.idText(BigIntegerNode.valueOf(p.getBigIntegerValue()))
                        : null;
                validId = idText != null;
                p.skipChildren();
            } else if (name.equals("params") && value == JsonToken.START_OBJECT) {
                metas = params(p);
            } else {
                p.skipChildren();
            }
        }
        Found read = metas.isEmpty() ? null : metas.getLast();
        if (read == null || read.traceparent == null || !validId) {
            return;
        }
        RpcRecord record = matching(carrying, idText, read.traceparent);
        if (record == null) {
            return;
        }
        for (Found found : metas) {
            if (found.traceparent != null) {
                edit(bytes, found, record.trace, edits);
            } else {
                removals(bytes, found.members, -1, -1, edits);
            }
        }
    }

    /** The first record not yet matched of this id (null: a notification) and client traceparent; taken. */
    private static RpcRecord matching(List<RpcRecord> carrying, String idText, String traceparent) {
        for (int i = 0; i < carrying.size(); i++) {
            RpcRecord r = carrying.get(i);
            if (java.util.Objects.equals(r.idText, idText) && r.metaTraceparent.equals(traceparent)) {
                return carrying.remove(i);
            }
        }
        return null;
    }

    /**
     * Each {@code _meta} of {@code params} in order (a repeated name is legal JSON), one that is not an object
     * as an empty one; the last is the one the tap read.
     */
    private static List<Found> params(JsonParser p) throws IOException {
        List<Found> metas = new ArrayList<>(1);
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            if (name.equals("_meta") && value == JsonToken.START_OBJECT) {
                metas.add(meta(p));
            } else if (name.equals("_meta")) {
                p.skipChildren();
                metas.add(new Found());
            } else {
                p.skipChildren();
            }
        }
        return metas;
    }

    private static Found meta(JsonParser p) throws IOException {
        Found found = new Found();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            int memberStart = (int) p.currentTokenLocation().getByteOffset();
            JsonToken value = p.nextToken();
            int valueStart = (int) p.currentTokenLocation().getByteOffset();
            Kind kind = name.equals("traceparent") ? Kind.TRACEPARENT
                    : name.equals("tracestate") ? Kind.TRACESTATE : Kind.OTHER;
            if (kind == Kind.OTHER) {
                p.skipChildren();
                found.members.add(new Member(kind, memberStart, valueStart, -1));
                continue;
            }
            String text = null;
            if (value == JsonToken.VALUE_STRING) {
                text = p.getText(); // read to its closing quote, where the location is then
            } else {
                p.skipChildren();
            }
            if (kind == Kind.TRACEPARENT && text != null) {
                found.traceparent = text;
                found.kept = found.members.size();
            }
            found.members.add(new Member(kind, memberStart, valueStart, (int) p.currentLocation().getByteOffset()));
        }
        return found;
    }

    /**
     * One {@code _meta} of a traced message made to carry the gateway's context (each of them, when {@code params}
     * repeats {@code _meta}: a server that reads the first of a repeated name would otherwise see the client's
     * span in an earlier one; one without a traceparent loses its trace context members).
     * The kept traceparent made the upstream call's; the tracestate the trace's (W3C: it goes with the traceparent
     * that continues its trace), added when the message had none, removed when the trace has none. Every other
     * traceparent and tracestate member goes: a server that reads the first of a repeated name would otherwise
     * see the client's span or trace state beside the gateway's.
     */
    private static void edit(byte[] bytes, Found found, TraceIds trace, List<Edit> edits) {
        List<Member> members = found.members;
        Member traceparent = members.get(found.kept);
        edits.add(new Edit(traceparent.valueStart(), traceparent.end(), quoted(trace.upstreamTraceparent())));
        int lastState = -1;
        for (int i = 0; i < members.size(); i++) {
            if (members.get(i).kind() == Kind.TRACESTATE) {
                lastState = i;
            }
        }
        String state = trace.traceState();
        if (state != null && lastState >= 0) {
            Member tracestate = members.get(lastState);
            edits.add(new Edit(tracestate.valueStart(), tracestate.end(), quoted(state)));
        } else if (state != null) {
            byte[] value = JsonStringEncoder.getInstance().quoteAsUTF8(state);
            byte[] member = new byte[TRACESTATE_MEMBER.length + value.length + 1];
            System.arraycopy(TRACESTATE_MEMBER, 0, member, 0, TRACESTATE_MEMBER.length);
            System.arraycopy(value, 0, member, TRACESTATE_MEMBER.length, value.length);
            member[member.length - 1] = '"';
            edits.add(new Edit(traceparent.end(), traceparent.end(), member));
        }
        removals(bytes, members, found.kept, state == null ? -1 : lastState, edits);
    }

    /** Each run of trace context members other than the two kept removed as one, so no comma is taken twice. */
    private static void removals(byte[] bytes, List<Member> members, int keptParent, int keptState, List<Edit> edits) {
        int run = -1;
        for (int i = 0; i <= members.size(); i++) {
            boolean dropped = i < members.size() && members.get(i).kind() != Kind.OTHER
                    && i != keptParent && i != keptState;
            if (dropped && run < 0) {
                run = i;
            } else if (!dropped && run >= 0) {
                edits.add(removal(bytes, members.get(run).start(), members.get(i - 1).end(), i == members.size()));
                run = -1;
            }
        }
    }

    /**
     * Members {@code [start, end)}, next to each other, removed with the comma that separates them from the
     * member after them, or, when they end the object, from the one before (between members, only blanks).
     */
    private static Edit removal(byte[] bytes, int start, int end, boolean last) {
        if (!last) {
            int after = end;
            while (bytes[after] != ',') {
                after++;
            }
            return new Edit(start, after + 1, new byte[0]);
        }
        int before = start - 1;
        while (before >= 0 && blank(bytes[before])) {
            before--;
        }
        return new Edit(before >= 0 && bytes[before] == ',' ? before : start, end, new byte[0]);
    }

    private static boolean blank(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r';
    }

    private static byte[] quoted(String text) {
        byte[] inner = JsonStringEncoder.getInstance().quoteAsUTF8(text);
        byte[] out = new byte[inner.length + 2];
        out[0] = '"';
        System.arraycopy(inner, 0, out, 1, inner.length);
        out[out.length - 1] = '"';
        return out;
    }

    private static byte[] applied(byte[] bytes, List<Edit> edits) {
        // an insertion first when a removal starts where it is made
        edits.sort(Comparator.comparingInt(Edit::start).thenComparingInt(Edit::end));
        int length = bytes.length;
        for (Edit e : edits) {
            length += e.text().length - (e.end() - e.start());
        }
        byte[] out = new byte[length];
        int from = 0;
        int to = 0;
        for (Edit e : edits) {
            System.arraycopy(bytes, from, out, to, e.start() - from);
            to += e.start() - from;
            System.arraycopy(e.text(), 0, out, to, e.text().length);
            to += e.text().length;
            from = e.end();
        }
        System.arraycopy(bytes, from, out, to, bytes.length - from);
        return out;
    }
}
