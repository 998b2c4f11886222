package dev.toolgate.admin;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Shows each secret of a configuration inside a text as the reference it came from, in one pass over the
 * text whatever the number of secrets (Aho-Corasick): a configuration of tens of thousands of templated
 * consumers has as many secrets, and testing each string of each entity against each of them made the
 * Admin API's listings quadratic. A text that is a secret is shown as its reference; inside a longer text,
 * secrets of at least {@value #SHORTEST} characters are, the leftmost first, the longest of those starting
 * there. Built once per configuration ({@link #of}).
 */
final class SecretText {

    /** Shorter values are not looked for inside texts: they are no secrets, and hiding them would garble. */
    static final int SHORTEST = 4;
    private static volatile SecretText last;

    private final Map<String, String> referenceBySecret;
    /** The trie's edges: (node << 16 | character) → child node. */
    private final Map<Long, Integer> edges = new HashMap<>();
    /** Per node: the secret it spells (null when none), its failure link, the next node of its failure chain spelling one. */
    private final String[] secret;
    private final int[] fail;
    private final int[] nextSecret;
    private int nodes = 1;

    private SecretText(Map<String, String> referenceBySecret) {
        this.referenceBySecret = referenceBySecret;
        int size = 1;
        for (String key : referenceBySecret.keySet()) {
            size += key.length() >= SHORTEST ? key.length() : 0;
        }
        secret = new String[size];
        fail = new int[size];
        nextSecret = new int[size];
        int[] parent = new int[size];
        char[] via = new char[size];
        int[] depth = new int[size];
        for (String key : referenceBySecret.keySet()) {
            if (key.length() >= SHORTEST) {
                insert(key, parent, via, depth);
            }
        }
        link(parent, via, depth);
    }

    /** The matcher of {@code referenceBySecret}: the last one built when it is the same map (one per configuration). */
    static SecretText of(Map<String, String> referenceBySecret) {
        SecretText cached = last;
        if (cached != null && cached.referenceBySecret == referenceBySecret) {
            return cached;
        }
        SecretText built = new SecretText(referenceBySecret);
        last = built;
        return built;
    }

    /** The text with each secret in it shown as its reference; null when it holds none. */
    String shown(String text) {
        String exact = referenceBySecret.get(text);
        if (exact != null) {
            return exact;
        }
        int[] longestAt = longestAt(text);
        return longestAt == null ? null : replaced(text, longestAt);
    }

    /**
     * How a value masked as a whole (a secret field) was written, when it is references alone: a secret shown as
     * its reference, or references after an authorization scheme ({@code Bearer {vault://env/TOKEN}}); null when
     * any other text is left, which may be a literal secret (fail closed: the caller masks it).
     */
    String written(String text) {
        String exact = referenceBySecret.get(text);
        if (exact != null) {
            return exact;
        }
        int[] longestAt = longestAt(text);
        if (longestAt == null) {
            return null;
        }
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < text.length(); i += Math.max(1, longestAt[i])) {
            if (longestAt[i] == 0) {
                literal.append(text.charAt(i));
            }
        }
        return SCHEME_ONLY.matcher(literal).matches() ? replaced(text, longestAt) : null;
    }

    /** What may be written beside references in a secret: nothing, or an HTTP authorization scheme. */
    private static final Pattern SCHEME_ONLY = Pattern.compile("(?i)\\s*((bearer|basic|token|bot|digest|apikey)\\s+)?");

    /** Per position of the text, the length of the longest secret starting there (0: none); null when none is. */
    private int[] longestAt(String text) {
        int[] longestAt = null;
        int state = 0;
        for (int i = 0; i < text.length(); i++) {
            state = step(state, text.charAt(i));
            for (int found = secret[state] != null ? state : nextSecret[state]; found > 0; found = nextSecret[found]) {
                longestAt = longestAt == null ? new int[text.length()] : longestAt;
                int length = secret[found].length();
                int start = i - length + 1;
                longestAt[start] = Math.max(longestAt[start], length);
            }
        }
        return longestAt;
    }

    private String replaced(String text, int[] longestAt) {
        StringBuilder shown = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            if (longestAt[i] > 0) {
                shown.append(referenceBySecret.get(text.substring(i, i + longestAt[i])));
                i += longestAt[i];
            } else {
                shown.append(text.charAt(i++));
            }
        }
        return shown.toString();
    }

    private int step(int state, char c) {
        int s = state;
        Integer next = edges.get(edge(s, c));
        while (next == null && s != 0) {
            s = fail[s];
            next = edges.get(edge(s, c));
        }
        return next == null ? 0 : next;
    }

    private static long edge(int node, char c) {
        return ((long) node << 16) | c;
    }

    private void insert(String key, int[] parent, char[] via, int[] depth) {
        int node = 0;
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            Integer child = edges.get(edge(node, c));
            if (child == null) {
                child = nodes++;
                edges.put(edge(node, c), child);
                parent[child] = node;
                via[child] = c;
                depth[child] = depth[node] + 1;
            }
            node = child;
        }
        secret[node] = key;
    }

    /** The failure links, in order of depth: a node's link is found from its parent's, which is shallower. */
    private void link(int[] parent, char[] via, int[] depth) {
        int deepest = 0;
        for (int n = 1; n < nodes; n++) {
            deepest = Math.max(deepest, depth[n]);
        }
        int[] start = new int[deepest + 2];
        for (int n = 1; n < nodes; n++) {
            start[depth[n] + 1]++;
        }
        for (int d = 1; d < start.length; d++) {
            start[d] += start[d - 1];
        }
        int[] byDepth = new int[nodes];
        for (int n = 1; n < nodes; n++) {
            byDepth[start[depth[n]]++] = n;
        }
        for (int k = 0; k < nodes - 1; k++) {
            int n = byDepth[k];
            fail[n] = depth[n] == 1 ? 0 : step(fail[parent[n]], via[n]);
            nextSecret[n] = secret[fail[n]] != null ? fail[n] : nextSecret[fail[n]];
        }
    }
}
