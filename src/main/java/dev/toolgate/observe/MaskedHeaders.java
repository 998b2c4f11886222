package dev.toolgate.observe;

import java.util.AbstractMap;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A finished exchange's headers as Kong's log entries show them: by lower-case name, a repeated name's
 * values joined with {@code ", "}, credentials and secret-named headers masked. The event loop only
 * copies the names and values as they came into one array; lower-casing, joining and masking happen
 * when a log entry first reads them, on the log plugin's thread. Nothing unmasked is ever handed out.
 */
public final class MaskedHeaders extends AbstractMap<String, String> {

    private final String[] pairs;
    private final int length;
    private final Redaction redaction;
    private final Set<String> consumed;
    /** Made once by the first reader; two sinks reading at once make equal maps, either one kept. */
    private volatile Map<String, String> masked;

    /**
     * @param pairs    names and values in turn, as received; the first {@code length} are used
     * @param consumed lower-case names of the credential headers the gateway read (masked)
     */
    public MaskedHeaders(String[] pairs, int length, Redaction redaction, Set<String> consumed) {
        this.pairs = pairs;
        this.length = length;
        this.redaction = redaction;
        this.consumed = consumed;
    }

    /** Gathers headers one by one, on the event loop. */
    public static final class Gathering {

        private String[] pairs = new String[16];
        private int length;

        public void add(String name, String value) {
            if (length == pairs.length) {
                pairs = Arrays.copyOf(pairs, length * 2);
            }
            pairs[length++] = name;
            pairs[length++] = value;
        }

        public MaskedHeaders masked(Redaction redaction, Set<String> consumed) {
            return new MaskedHeaders(pairs, length, redaction, consumed);
        }
    }

    @Override
    public Set<Entry<String, String>> entrySet() {
        Map<String, String> map = masked;
        if (map == null) {
            map = Collections.unmodifiableMap(mask());
            masked = map;
        }
        return map.entrySet();
    }

    private Map<String, String> mask() {
        Map<String, String> joined = new LinkedHashMap<>(length);
        for (int i = 0; i < length; i += 2) {
            joined.merge(pairs[i].toLowerCase(Locale.ROOT), pairs[i + 1], (a, b) -> a + ", " + b);
        }
        joined.replaceAll((name, value) -> redaction.header(name, value, consumed));
        return joined;
    }
}
