package dev.toolgate.mode.passthrough;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.error.ErrorCatalog;
import dev.toolgate.error.GatewayError;
import dev.toolgate.mcp.Json;
import dev.toolgate.mcp.JsonRpc;
import dev.toolgate.mcp.McpEnvelope;
import io.vertx.core.buffer.Buffer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * An SSE stream's side of {@link ToolListRewrite}: splits the stream at blank lines and rewrites the events
 * that answer an awaited {@code tools/list} id.
 */
final class ToolListEvents implements BodyRewrite {
    private static final Pattern LINE_BREAK = Pattern.compile("\r\n|\r|\n");
    /** An unfinished event this large is read, from then on as it comes, for its kind. */
    private static final int PEEK = 64 * 1024;
    private final ListAnswers answers;
    /** How many answers each {@code tools/list} id still awaits; null on a stream read to its end. */
    private final Map<String, Integer> awaited;
    private final Predicate<String> shows;
    private final int limit;
    private final String service;
    private Buffer pending = Buffer.buffer();
    /**
     * How far {@code pending} was searched for the blank line that ends its next event, and
     * whether a line had just ended there: each byte is scanned once, however many chunks an
     * event takes (a 1.5 MB tool list in 8 KB chunks was rescanned from its start 180 times).
     */
    private int scanned;
    private boolean lineStart;
    /** True once the upstream's answer ended: a CR that ends the bytes ends its line. */
    private boolean ended;
    /**
     * True while the event being read began as a request or notification (a large sampling request,
     * a progress notification): it is relayed as it comes, since only an answer can hold a tool list,
     * each byte read for its kind before it goes (a {@code result} after the {@code method} cuts it).
     */
    private boolean through;
    /** True while an event grown past the limit while held is read on to its end for its id, not kept. */
    private boolean dropping;
    /** The top level of the unfinished event, once it is larger than {@link #PEEK}; else null. */
    private EventShape shape;
    /** How far {@code pending} was read into {@link #shape}. */
    private int shaped;

    ToolListEvents(ListAnswers answers, Predicate<String> shows, int limit, String service) {
        this.answers = answers;
        this.awaited = answers.lists() == null ? null : new HashMap<>(answers.counts());
        this.shows = shows;
        this.limit = limit;
        this.service = service;
    }

    @Override
    public Buffer feed(Buffer chunk) {
        if (awaited != null && awaited.isEmpty() && pending.length() == 0) {
            return chunk;
        }
        pending.appendBuffer(chunk);
        Buffer out = Buffer.buffer();
        // the events of this chunk are read in place; what is left is kept once, after them (a copy
        // of the rest per event made a chunk of many small events quadratic)
        int start = 0;
        while (awaited == null || !awaited.isEmpty()) {
            int end = eventEnd(pending);
            if (through || dropping) {
                // a request or notification goes on as it comes, an event too large is read for its id
                int to = end < 0 ? scanned : end;
                shape.feed(pending, start, to);
                if (through && (shape.answer() || shape.unsure())) {
                    throw new ToolListRewrite.Unfilterable(ToolListRewrite.MIXED);
                }
                if (through) {
                    out.appendBuffer(pending, start, to - start);
                }
                start = to;
                if (end < 0) {
                    break;
                }
                if (dropping) {
                    out.appendString(tooLarge(shape));
                }
                through = false;
                dropping = false;
                shape = null;
                continue;
            }
            if (end < 0) {
                break;
            }
            // an event ends at a line break, so its bytes are whole UTF-8
            out.appendString(rewrite(pending.getString(start, end, "UTF-8")));
            start = end;
            shape = null;
        }
        if (awaited != null && awaited.isEmpty()) {
            out.appendBuffer(pending, start, pending.length() - start);
            pending = Buffer.buffer();
            scanned = 0;
            lineStart = false;
            through = false;
            dropping = false;
            shape = null;
            return out;
        }
        if (start > 0) {
            pending = pending.getBuffer(start, pending.length());
            scanned -= start;
        }
        if (pending.length() > PEEK && !through && !dropping) {
            held();
            if (through || dropping) {
                // relayed as it comes, or read on without being kept: nothing of it is held
                if (through) {
                    out.appendBuffer(pending, 0, scanned);
                }
                pending = pending.getBuffer(scanned, pending.length());
                scanned = 0;
            }
        }
        return out;
    }

    /** Reads the held event's new bytes for its kind: a request goes through, an answer too large is dropped. */
    private void held() {
        if (shape == null) {
            shape = new EventShape();
            shaped = 0;
        }
        shape.feed(pending, shaped, scanned);
        shaped = scanned;
        // never an answer, so never a tool list: relayed as it comes rather than held whole
        through = shape.request();
        // an answer (or undecided): read on to its end for its id, holding none of it
        dropping = !through && pending.length() > limit;
    }

    /**
     * What the client gets for an event too large to filter: a JSON-RPC error for the id it answers,
     * as the era bridge reports an answer too large (502's message); one it cannot name cuts the exchange.
     */
    private String tooLarge(EventShape event) {
        JsonNode id = event.id();
        if (!event.object() || !event.answer() || id == null) {
            throw new ToolListRewrite.Unfilterable(ToolListRewrite.detail(limit));
        }
        answered(id);
        ErrorCatalog.Entry entry = ErrorCatalog.of(new GatewayError.UpstreamUnavailable(service, ToolListRewrite.detail(limit)));
        String eventId = event.eventId();
        return (eventId == null ? "" : "id: " + eventId + "\n")
                + "data: " + Json.text(JsonRpc.error(id, entry.rpcCode(), entry.message())) + "\n\n";
    }

    /**
     * What the last bytes complete; an event the stream ends before its blank line is dropped, as every
     * WHATWG client drops it (relayed unfiltered, a lenient client would read the tools it hides).
     */
    @Override
    public Buffer end() {
        ended = true;
        Buffer out = feed(Buffer.buffer());
        return out.length() == 0 ? null : out;
    }

    /** One whole event (its blank line included), rewritten when it answers an awaited id. */
    private String rewrite(String event) {
        String[] lines = LINE_BREAK.split(event);
        StringBuilder data = new StringBuilder();
        for (String line : lines) {
            if (line.startsWith("data:")) {
                data.append(data.isEmpty() ? "" : "\n").append(line.substring(line.startsWith("data: ") ? 6 : 5));
            }
        }
        if (data.isEmpty()) {
            return event;
        }
        byte[] json = data.toString().getBytes(StandardCharsets.UTF_8);
        byte[] filtered = ToolListFilter.filter(json, answers, shows);
        markAnswered(json);
        if (filtered == null) {
            return event;
        }
        StringBuilder out = new StringBuilder(filtered.length + 64);
        boolean dataWritten = false;
        for (String line : lines) {
            if (!line.startsWith("data:")) {
                if (!line.isEmpty()) {
                    out.append(line).append('\n');
                }
            } else if (!dataWritten) {
                out.append("data: ").append(new String(filtered, StandardCharsets.UTF_8)).append('\n');
                dataWritten = true;
            }
        }
        return out.append('\n').toString();
    }

    private void markAnswered(byte[] json) {
        if (awaited == null) {
            return;
        }
        try {
            for (McpEnvelope message : McpEnvelope.readAll(json, 0, json.length)) {
                if ((message.result() || message.error()) && message.id() != null) {
                    answered(message.id());
                }
            }
        } catch (IOException e) {
            // not JSON-RPC: nothing answered
        }
    }

    /** Each request sharing a tools/list's exact id answers once: the list's answer may come after a ping's. */
    private void answered(JsonNode id) {
        if (awaited != null) {
            awaited.computeIfPresent(ListAnswers.key(id), (key, left) -> left > 1 ? left - 1 : null);
        }
    }

    /** The index just past the blank line that ends the next event, or -1 (searched on from where the last search stopped). */
    private int eventEnd(Buffer bytes) {
        int length = bytes.length();
        for (int i = scanned; i < length; i++) {
            byte b = bytes.getByte(i);
            if (b != '\n' && b != '\r') {
                lineStart = false;
                continue;
            }
            if (b == '\r' && i + 1 == length && !ended) {
                scanned = i; // a CR LF may be cut between two chunks: look at this CR again with the next byte
                return -1;
            }
            int next = b == '\r' && i + 1 < length && bytes.getByte(i + 1) == '\n' ? i + 2 : i + 1;
            if (lineStart) {
                scanned = next;
                lineStart = false;
                return next;
            }
            lineStart = true;
            i = next - 1;
        }
        scanned = length;
        return -1;
    }
}
