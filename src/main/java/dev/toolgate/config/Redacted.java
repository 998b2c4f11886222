package dev.toolgate.config;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;

import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Serializes a secret for display: strings become {@value #MASK}; collections and maps keep their
 * shape (and map keys) with every value masked. Put it on config fields that may hold credentials
 * with {@code @JsonSerialize(using = Redacted.class)}.
 */
public final class Redacted extends JsonSerializer<Object> {

    /** What the Admin API shows in place of a secret; a document that holds it where a secret goes is refused. */
    public static final String MASK = "[redacted]";

    /**
     * The serialization attribute under which a caller may give how a masked string was written
     * ({@code UnaryOperator<String>}: the text with its vault references or decK templates put back, or null when
     * it holds a literal secret): such a string is shown as written, since a reference names where the secret is,
     * not the secret. Without it, or when it answers null, the string is {@value #MASK}.
     */
    public static final String WRITTEN = "toolgate.written";

    /** A URL's scheme and userinfo; the authority ends at the first {@code / ? #}, the userinfo at its last {@code @}. */
    private static final Pattern SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*://");
    private static final Pattern USERINFO = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*://)([^/?#\\s]*)@");

    /**
     * A text that is a URL with its userinfo's password masked ({@code http://user:[redacted]@host/}); a
     * userinfo without a password is masked whole, as it is often a token itself ({@code https://TOKEN@host}),
     * and so are the values of query arguments named like secrets ({@code ?token=[redacted]}). Any other text
     * is returned as it is.
     */
    public static String url(String text) {
        if (!SCHEME.matcher(text).lookingAt()) {
            return text;
        }
        Matcher m = USERINFO.matcher(text);
        if (!m.find()) {
            return query(text);
        }
        String userinfo = m.group(2);
        int colon = userinfo.indexOf(':');
        String shown = colon < 0 ? MASK : userinfo.substring(0, colon + 1) + MASK;
        return m.group(1) + shown + "@" + query(text.substring(m.end()));
    }

    /**
     * {@code rest} (a URL after its userinfo) with the values of query arguments named like secrets masked:
     * collectors and log services take tokens there too ({@code /v1/traces?api_key=...}).
     */
    private static String query(String rest) {
        int start = rest.indexOf('?');
        if (start < 0) {
            return rest;
        }
        int end = rest.indexOf('#', start);
        end = end < 0 ? rest.length() : end;
        StringBuilder shown = new StringBuilder(rest.length()).append(rest, 0, start + 1);
        String[] arguments = rest.substring(start + 1, end).split("&", -1);
        for (int i = 0; i < arguments.length; i++) {
            int equals = arguments[i].indexOf('=');
            boolean secret = equals > 0 && equals < arguments[i].length() - 1
                    && SecretNames.secretQueryArgument(arguments[i].substring(0, equals));
            shown.append(i == 0 ? "" : "&")
                    .append(secret ? arguments[i].substring(0, equals + 1) + MASK : arguments[i]);
        }
        return shown.append(rest, end, rest.length()).toString();
    }

    /**
     * True when {@code text} is a secret as the Admin API shows it: {@value #MASK} itself, or a URL or a
     * {@code name:value} entry with the mask where {@link #url} or {@link #pair} puts it (checked by masking the
     * text with a stand-in secret in place of the mask, so the refusal follows the masking exactly). A load
     * refuses such a text: loaded, the mask would be sent upstream as the secret.
     */
    public static boolean masks(String text) {
        if (text.strip().equals(MASK)) {
            return true;
        }
        if (!text.contains(MASK)) {
            return false;
        }
        String unmasked = text.replace(MASK, "stand-in-secret");
        return url(unmasked).equals(text) || pair(unmasked).equals(text);
    }

    /**
     * A {@code name:value} entry (Kong's transformer lists) with its value masked when the name reads like
     * a secret ({@link SecretNames}) and the value is not a vault reference; other entries are returned as
     * they are.
     */
    public static String pair(String entry) {
        int colon = entry.indexOf(':');
        if (colon <= 0 || !SecretNames.secret(entry.substring(0, colon).trim())) {
            return entry;
        }
        String value = entry.substring(colon + 1).strip();
        if (value.startsWith("{vault://") && value.endsWith("}") && value.indexOf('}') == value.length() - 1) {
            // a vault reference is where the secret is kept, not the secret: shown, as references are elsewhere
            return entry;
        }
        return entry.substring(0, colon + 1) + MASK;
    }

    /**
     * A record as its default {@code toString} reads ({@code Name[a=1, b=x]}), with its secrets shown as
     * {@value #MASK}, for records to return from {@code toString}: an exception's message or a debug line that
     * quotes one must not carry them. Masked are the components marked {@link Redacted}, those named like a secret
     * ({@link SecretNames#secretField}), those {@code hidden} names (values the Admin API shows as vault
     * references, which a record cannot), and in a map the values under secret-named keys; a URL's userinfo
     * is masked as {@link #url} masks it. Nested records show what their own {@code toString} does.
     */
    public static String describe(Record record, String... hidden) {
        StringJoiner out = new StringJoiner(", ", record.getClass().getSimpleName() + "[", "]");
        List<String> hiddenNames = List.of(hidden);
        for (RecordComponent component : record.getClass().getRecordComponents()) {
            Object value = value(record, component);
            boolean scalar = value instanceof Number || value instanceof Boolean;
            JsonSerialize marked = component.getAccessor().getAnnotation(JsonSerialize.class);
            boolean secret = hiddenNames.contains(component.getName())
                    || marked != null && marked.using() == Redacted.class
                    || !scalar && SecretNames.secretField(component.getName());
            out.add(component.getName() + "=" + (secret && value != null ? MASK : shown(value)));
        }
        return out.toString();
    }

    private static Object value(Record record, RecordComponent component) {
        try {
            component.getAccessor().setAccessible(true); // records nested privately in other packages
            return component.getAccessor().invoke(record);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return "?";
        }
    }

    private static String shown(Object value) {
        if (value instanceof String text) {
            return url(text);
        }
        if (value instanceof Map<?, ?> map) {
            StringJoiner out = new StringJoiner(", ", "{", "}");
            map.forEach((k, v) -> out.add(k + "=" + (v != null && SecretNames.secret(String.valueOf(k)) ? MASK
                    : shown(v))));
            return out.toString();
        }
        if (value instanceof Collection<?> items) {
            StringJoiner out = new StringJoiner(", ", "[", "]");
            items.forEach(item -> out.add(shown(item)));
            return out.toString();
        }
        return String.valueOf(value);
    }

    @Override
    public void serialize(Object value, JsonGenerator gen, SerializerProvider provider) throws IOException {
        @SuppressWarnings("unchecked")
        UnaryOperator<String> written = provider.getAttribute(WRITTEN) instanceof UnaryOperator<?> w
                ? (UnaryOperator<String>) w : text -> null;
        write(value, gen, written);
    }

    private static void write(Object value, JsonGenerator gen, UnaryOperator<String> written) throws IOException {
        if (value instanceof Map<?, ?> map) {
            gen.writeStartObject();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                gen.writeFieldName(String.valueOf(e.getKey()));
                write(e.getValue(), gen, written);
            }
            gen.writeEndObject();
        } else if (value instanceof Collection<?> items) {
            gen.writeStartArray();
            for (Object item : items) {
                write(item, gen, written);
            }
            gen.writeEndArray();
        } else if (value == null) {
            gen.writeNull();
        } else {
            String shown = value instanceof String text ? written.apply(text) : null;
            gen.writeString(shown != null ? shown : MASK);
        }
    }
}
