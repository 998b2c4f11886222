package dev.toolgate.pipeline;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The messages of one exchange opened for its events, in the order they came, each found again by its id when its
 * answer comes. Confined to the exchange's event loop.
 */
final class OpenMessages implements Iterable<RpcRecord> {

    /** Up to this many open messages, an answer's record is found by a scan; past it, by an index. */
    private static final int SCANNED = 8;

    private final List<RpcRecord> records = new ArrayList<>(2);
    /**
     * The open records by id, once a batch has more than {@link #SCANNED} of them: each element's
     * answer looks its record up, and a scan per element made a 20,000-element batch quadratic.
     */
    private Map<String, ArrayDeque<RpcRecord>> byId;

    void add(RpcRecord record) {
        records.add(record);
        if (byId != null) {
            index(record);
        } else if (records.size() > SCANNED) {
            byId = new HashMap<>();
            records.forEach(this::index);
        }
    }

    /** The unfinished record of the request with this id (JSON text), or {@link RpcRecord#NONE}. */
    RpcRecord unfinished(String idText) {
        if (byId != null) {
            ArrayDeque<RpcRecord> same = byId.get(idText);
            while (same != null && !same.isEmpty() && same.peekFirst().finished) {
                same.pollFirst();
            }
            return same == null || same.isEmpty() ? RpcRecord.NONE : same.peekFirst();
        }
        for (RpcRecord r : records) {
            if (!r.finished && idText.equals(r.idText)) {
                return r;
            }
        }
        return RpcRecord.NONE;
    }

    int size() {
        return records.size();
    }

    /** Every record opened, finished or not, in order. */
    List<RpcRecord> all() {
        return records;
    }

    @Override
    public Iterator<RpcRecord> iterator() {
        return records.iterator();
    }

    private void index(RpcRecord record) {
        if (record.idText != null) {
            byId.computeIfAbsent(record.idText, k -> new ArrayDeque<>(1)).add(record);
        }
    }
}
