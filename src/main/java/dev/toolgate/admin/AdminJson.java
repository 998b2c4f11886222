package dev.toolgate.admin;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationConfig;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.databind.ser.BeanPropertyWriter;
import com.fasterxml.jackson.databind.ser.BeanSerializerModifier;
import com.fasterxml.jackson.databind.type.MapType;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import dev.toolgate.config.NoSecret;
import dev.toolgate.config.Plugin;
import dev.toolgate.config.Redacted;
import dev.toolgate.config.SecretNames;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Renders config records as Kong Admin API JSON: snake_case names, secrets masked. Masking fails closed, so a
 * plugin need not list its secrets: a field whose name reads like a secret ({@link SecretNames}:
 * {@code client_secret}, {@code password}, {@code api_key}) is masked whether or not it is marked
 * {@link Redacted} (see {@link #masksField}), as are the fields marked {@link Redacted} whose names do not say so
 * (a log endpoint, a header map), a map's value under a key that reads like a secret ({@code args.password},
 * {@code headers.Authorization}), a {@code name:value} list entry whose name does ({@code Set-Cookie:sid=...}),
 * and the password in a URL's userinfo. A string that a vault reference resolved to is shown as the reference itself, wherever
 * it is (a field, a map value, a string inside a tool's JSON schema), a secret field too when it was written as
 * references alone ({@link SecretText#written}): a reference names where the secret is, not the secret.
 */
final class AdminJson {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .addModule(new SimpleModule("secrets").setSerializerModifier(new Secrets()))
            .build();

    private AdminJson() {
    }

    /** A record as a JSON object, with the secrets of its document hidden. */
    static ObjectNode render(Object entity, Map<String, String> referenceBySecret) {
        if (referenceBySecret.isEmpty()) {
            ObjectNode tree = MAPPER.valueToTree(entity);
            replaceStrings(tree, "", AdminJson::masked);
            return tree;
        }
        SecretText secrets = SecretText.of(referenceBySecret);
        // a secret field written as a reference shows the reference: the mask is for literal secrets only
        ObjectNode tree = tree(entity, (UnaryOperator<String>) secrets::written);
        replaceStrings(tree, "", (list, text) -> secrets.shown(text));
        replaceStrings(tree, "", AdminJson::masked);
        return tree;
    }

    private static ObjectNode tree(Object entity, UnaryOperator<String> written) {
        try (TokenBuffer buffer = new TokenBuffer(MAPPER, false)) {
            MAPPER.writer().withAttribute(Redacted.WRITTEN, written).writeValue(buffer, entity);
            return MAPPER.readTree(buffer.asParser());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A plugin as a JSON object, as {@link #render} shows a record, less the Toolgate extensions its file did not
     * write ({@link dev.toolgate.config.PluginSettings#unwrittenExtensions}): what Kong's schema of the plugin takes.
     * Its scope references are the caller's to add.
     */
    static ObjectNode plugin(Plugin plugin, Map<String, String> referenceBySecret) {
        ObjectNode node = render(plugin, referenceBySecret);
        if (plugin.config() != null && node.get("config") instanceof ObjectNode config) {
            for (String pointer : plugin.config().unwrittenExtensions()) {
                int last = pointer.lastIndexOf('/');
                if (config.at(pointer.substring(0, last)) instanceof ObjectNode parent) {
                    parent.remove(pointer.substring(last + 1));
                }
            }
        }
        return node;
    }

    /**
     * The lists whose entries are {@code name:value} pairs: Kong's transformers' {@code add}, {@code append}
     * and {@code replace} headers, query arguments, body and JSON fields (a {@code rename}'s "old:new" are
     * both names). Other lists are left alone: a host {@code auth.example.com:8443} or an enum value
     * {@code token:read} is no secret.
     */
    private static final java.util.regex.Pattern PAIRS = java.util.regex.Pattern.compile(
            "/config/(add|append|replace)/(headers|querystring|body|json)$");

    /** A string as shown: a URL's userinfo masked, and a pair's value when its name reads like a secret. */
    private static String masked(String list, String text) {
        String shown = Redacted.url(text);
        if (list != null && PAIRS.matcher(list).find()) {
            shown = Redacted.pair(shown);
        }
        return shown.equals(text) ? null : shown;
    }

    /** How a string is shown; null when it is shown as it is. */
    private interface Shown {
        /** @param list the path of the array the string is an entry of ({@code /config/add/headers}), or null */
        String of(String list, String text);
    }

    private static void replaceStrings(JsonNode node, String path, Shown shown) {
        if (node instanceof ObjectNode object) {
            object.properties().forEach(field -> {
                String text = field.getValue().isTextual() ? shown.of(null, field.getValue().asText()) : null;
                if (text != null) {
                    field.setValue(TextNode.valueOf(text));
                } else {
                    replaceStrings(field.getValue(), path + "/" + field.getKey(), shown);
                }
            });
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                String text = array.get(i).isTextual() ? shown.of(path, array.get(i).asText()) : null;
                if (text != null) {
                    array.set(i, TextNode.valueOf(text));
                } else {
                    replaceStrings(array.get(i), path + "/" + i, shown);
                }
            }
        }
    }

    /**
     * True when a field of this (snake_case) name is masked whatever its annotation
     * ({@link SecretNames#secretField}). A boolean or number field is never masked ({@code hide_credentials}): it
     * cannot hold a credential.
     */
    static boolean masksField(String name) {
        return SecretNames.secretField(name);
    }

    /**
     * Every record's secret-named fields but those marked {@link NoSecret}, and every map, in any record: a map's
     * keys are the operator's (header, argument names), so they are judged.
     */
    private static final class Secrets extends BeanSerializerModifier {
        private static final Redacted REDACTED = new Redacted();

        @Override
        public List<BeanPropertyWriter> changeProperties(SerializationConfig config, BeanDescription description,
                                                         List<BeanPropertyWriter> properties) {
            for (BeanPropertyWriter property : properties) {
                Class<?> type = property.getType().getRawClass();
                boolean scalar = type.isPrimitive() || Number.class.isAssignableFrom(type) || type == Boolean.class;
                // a field marked @Redacted already has this serializer; any other serializer it was given stays
                if (!scalar && !property.hasSerializer() && property.getAnnotation(NoSecret.class) == null
                        && masksField(property.getName())) {
                    property.assignSerializer(REDACTED);
                }
            }
            return properties;
        }

        @Override
        public JsonSerializer<?> modifyMapSerializer(SerializationConfig config, MapType type, BeanDescription description,
                                                     JsonSerializer<?> serializer) {
            return new MaskedMap();
        }
    }

    /** A map with the values of secret-named keys masked, keeping their shape (as {@link Redacted} does). */
    private static final class MaskedMap extends JsonSerializer<Map<?, ?>> {
        private static final Redacted REDACTED = new Redacted();

        @Override
        public void serialize(Map<?, ?> map, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeStartObject();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                String key = String.valueOf(entry.getKey());
                gen.writeFieldName(key);
                if (entry.getValue() != null && SecretNames.secret(key)) {
                    REDACTED.serialize(entry.getValue(), gen, provider);
                } else {
                    provider.defaultSerializeValue(entry.getValue(), gen);
                }
            }
            gen.writeEndObject();
        }
    }
}
