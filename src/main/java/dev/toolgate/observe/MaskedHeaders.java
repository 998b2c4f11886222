package dev.toolgate.observe;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import dev.toolgate.config.Redacted;
import dev.toolgate.config.SecretNames;

import java.io.IOException;
import java.util.AbstractMap;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A finished exchange's headers as Kong's log entries show them: by lower-case name, a repeated name's
 * values joined with {@code ", "}, credentials and secret-named headers masked. The event loop only
 * copies the names and values as they came into one array (a common header's value as the instance
 * kept by {@link RecurringText}); lower-casing, joining and masking happen when a log entry first reads
 * them, on the log plugin's thread. Nothing unmasked is ever handed out.
 */
public final class MaskedHeaders extends AbstractMap<String, String> {

    private final String[] pairs;
    /** The names already known when gathered (null where a name was new): judged on the event loop, hot. */
    private final Name[] known;
    private final int length;
    private final Redaction redaction;
    private final Set<String> consumed;
    /** Made once by the first reader; two sinks reading at once make equal maps, either one kept. */
    private volatile Map<String, String> masked;

    /**
     * @param pairs    names and values in turn, as received; the first {@code length} are used
     * @param consumed lower-case names of the credential headers the gateway read (masked)
     */
    private MaskedHeaders(String[] pairs, Name[] known, int length, Redaction redaction, Set<String> consumed) {
        this.pairs = pairs;
        this.known = known;
        this.length = length;
        this.redaction = redaction;
        this.consumed = consumed;
    }

    /**
     * Gathers headers one by one, on the event loop. A name seen before is looked up there, while its
     * characters are in the loop's cache (read later on the log plugin's thread, from another core, the
     * lookup costs several times more); a new name is judged on that thread, so a client sending made-up
     * names costs the event loop no more than a lookup each.
     */
    public static final class Gathering {

        private String[] pairs = new String[16];
        private Name[] known = new Name[8];
        private int length;

        public void add(String name, String value) {
            if (length == pairs.length) {
                pairs = Arrays.copyOf(pairs, length * 2);
                known = Arrays.copyOf(known, length);
            }
            // a longer name is never kept: not hashed here in vain
            Name seen = name.length() <= SecretNames.MAX_KEPT_NAME_LENGTH ? Name.KNOWN.get(name) : null;
            known[length / 2] = seen;
            pairs[length++] = name;
            pairs[length++] = seen != null && seen.recurs ? RecurringText.of(value) : value;
        }

        public MaskedHeaders masked(Redaction redaction, Set<String> consumed) {
            return new MaskedHeaders(pairs, known, length, redaction, consumed);
        }
    }

    /** About the bytes of these headers in a log entry, from the names and values as gathered. */
    int weight() {
        int weight = 0;
        for (int i = 0; i < length; i++) {
            weight += pairs[i].length() + 3;
        }
        return weight;
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

    /**
     * Writes the headers as a JSON object, as {@link #entrySet()} shows them, without building the map:
     * a log plugin writes two of these per exchange, at the gateway's rate.
     */
    public void writeTo(JsonGenerator g) throws IOException {
        g.writeStartObject();
        Name[] names = names();
        for (int i = 0; i < names.length; i++) {
            String value = joined(names, i);
            if (value != null) {
                g.writeFieldName(names[i].json);
                g.writeString(value);
            }
        }
        g.writeEndObject();
    }

    private Map<String, String> mask() {
        Name[] names = names();
        Map<String, String> shown = new LinkedHashMap<>(names.length * 2);
        for (int i = 0; i < names.length; i++) {
            String value = joined(names, i);
            if (value != null) {
                shown.put(names[i].lower, value);
            }
        }
        return shown;
    }

    private Name[] names() {
        Name[] names = new Name[length / 2];
        for (int i = 0; i < names.length; i++) {
            names[i] = known[i] != null ? known[i] : Name.of(pairs[2 * i]);
        }
        return names;
    }

    /**
     * The shown value of the {@code i}th header with every later one of the same name joined to it; null
     * when an earlier header had its name (it was shown there). Quadratic in the headers, which the HTTP
     * server bounds, and cheaper than a map for the handful a request carries.
     */
    private String joined(Name[] names, int i) {
        String lower = names[i].lower;
        for (int j = 0; j < i; j++) {
            if (names[j].lower.equals(lower)) {
                return null;
            }
        }
        String value = pairs[2 * i + 1];
        // one copy sent as X-MySid makes every copy a secret, whatever the case of the others
        boolean secret = names[i].secret;
        for (int j = i + 1; j < names.length; j++) {
            if (names[j].lower.equals(lower)) {
                value = value + ", " + pairs[2 * j + 1];
                secret |= names[j].secret;
            }
        }
        return secret || consumed.contains(lower) || redaction.credentialName(lower) ? Redacted.MASK : redaction.text(value);
    }

    /**
     * A header name as logs show it: lower-cased, judged and JSON-encoded once per distinct name.
     *
     * @param recurs its values repeat from request to request and are never credentials: they are
     *               gathered as shared instances ({@link RecurringText})
     */
    private record Name(String lower, boolean secret, SerializableString json, boolean recurs) {

        private static final Set<String> RECURRING = Set.of("host", "content-type", "content-length", "accept",
                "accept-encoding", "user-agent", "connection", "mcp-session-id", "mcp-protocol-version");

        /**
         * Names repeat on every request; a cache bounded in names and in their length keeps an unbounded
         * variety of them (any client can send any) from growing it.
         */
        private static final ConcurrentHashMap<String, Name> KNOWN = new ConcurrentHashMap<>();
        private static final int MAX_KNOWN = 4096;

        static Name of(String name) {
            Name known = KNOWN.get(name);
            if (known != null) {
                return known;
            }
            String lower = name.toLowerCase(Locale.ROOT);
            // as sent and lower-cased: "X-MySid" reads as words the lower-case name no longer shows
            Name made = new Name(lower, SecretNames.secret(name) || SecretNames.secret(lower),
                    new SerializedString(lower), RECURRING.contains(lower));
            if (name.length() <= SecretNames.MAX_KEPT_NAME_LENGTH && KNOWN.size() < MAX_KNOWN) {
                KNOWN.put(name, made);
            }
            return made;
        }
    }
}
