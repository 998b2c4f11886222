package dev.toolgate.mode.passthrough;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.mcp.McpEnvelope;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which answers on one exchange the tool-list filter rewrites, paired with their requests by exact
 * id: {@code "1"} and {@code 1} are two ids, as a server's SDK keys them (folded into one, a ping's
 * {@code "1"} answered a {@code tools/list}'s {@code 1} and the list after it passed unfiltered).
 * Fails closed: an answer whose id pairs with no request of the exchange (a JavaScript server rounds
 * an integer past 2^53, another server answers {@code "7"} to {@code 7}) is filtered as a listing.
 * An SSE stream is read until every request sharing an id with a {@code tools/list} was answered.
 *
 * @param lists  the ids ({@link #key}) of the exchange's {@code tools/list} requests; null on a GET
 *               stream, where any answer is filtered (a resumed stream replays other exchanges' answers)
 * @param others the ids of its other requests
 * @param counts for each id in {@code lists}, how many requests carry it (whatever their method)
 */
record ListAnswers(Set<String> lists, Set<String> others, Map<String, Integer> counts) {

    /** A server stream: every answer on it is filtered, to its end. */
    static final ListAnswers ANY = new ListAnswers(null, Set.of(), Map.of());

    /** The largest integer a JavaScript server reads exactly (2^53 - 1). */
    private static final long MAX_SAFE = (1L << 53) - 1;

    /** The answers to these requests (an exchange's, each with an id). */
    static ListAnswers of(List<McpEnvelope> requests) {
        Set<String> lists = new HashSet<>();
        Map<String, Integer> perId = new HashMap<>();
        for (McpEnvelope request : requests) {
            String key = key(request.id());
            perId.merge(key, 1, Integer::sum);
            if ("tools/list".equals(request.method())) {
                lists.add(key);
            }
        }
        Map<String, Integer> counts = new HashMap<>();
        lists.forEach(key -> counts.put(key, perId.get(key)));
        Set<String> others = new HashSet<>(perId.keySet());
        others.removeAll(lists);
        return new ListAnswers(Set.copyOf(lists), Set.copyOf(others), Map.copyOf(counts));
    }

    /** True when no answer needs filtering (the exchange has no {@code tools/list} request). */
    boolean none() {
        return lists != null && lists.isEmpty();
    }

    /** True when an answer with this id is filtered if it holds a tool list. */
    boolean filters(JsonNode id) {
        if (lists == null) {
            return true;
        }
        String key = key(id);
        return lists.contains(key) || !others.contains(key);
    }

    /**
     * True for an integer id a JavaScript server cannot hold exactly: it answers another id, which
     * pairs with no request.
     */
    static boolean unsafe(JsonNode id) {
        if (id == null || !id.isIntegralNumber()) {
            return false;
        }
        // every request's id passes here: no BigInteger for one that fits a long
        long value = id.canConvertToLong() ? id.longValue() : Long.MIN_VALUE;
        return value > MAX_SAFE || value < -MAX_SAFE;
    }

    /** An id as a server keys it: a string by its text, an integer by its value, anything else by neither. */
    static String key(JsonNode id) {
        if (id == null) {
            return "none";
        }
        if (id.isTextual()) {
            return "s" + id.textValue();
        }
        if (!id.isIntegralNumber()) {
            return "?" + id;
        }
        return "n" + (id.canConvertToLong() ? Long.toString(id.longValue()) : id.bigIntegerValue().toString());
    }
}
